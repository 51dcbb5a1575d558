import { describe, expect, it } from 'vitest';
import { ESCALATION_MATRIX, SEVERITIES, dueEscalations, nextEscalation, severityFromLabel, worstSeverity, type EscalationState } from './policy.js';
import type { IncidentSeverity } from './tables.js';

const opened = new Date('2026-12-01T12:00:00Z');
const at = (ms: number) => new Date(opened.getTime() + ms);
const state = (severity: IncidentSeverity, escalationLevel = 0, status: EscalationState['status'] = 'open'): EscalationState => ({ severity, status, openedAt: opened, escalationLevel });
const MIN = 60_000;

describe('escalation matrix (runbook)', () => {
  it('is the runbook’s chains and response times', () => {
    expect(ESCALATION_MATRIX.critical).toMatchObject({ respondWithinMs: 5 * MIN, levels: ['DevOps Team', 'CTO', 'All Hands'] });
    expect(ESCALATION_MATRIX.high).toMatchObject({ respondWithinMs: 15 * MIN, levels: ['DevOps Team', 'Tech Lead', 'Product'] });
    expect(ESCALATION_MATRIX.medium).toMatchObject({ respondWithinMs: 60 * MIN, levels: ['DevOps Team', 'Engineering'] });
    expect(ESCALATION_MATRIX.low).toMatchObject({ respondWithinMs: 24 * 60 * MIN, levels: ['DevOps Team'] });
  });

  it.each(SEVERITIES.map((s) => [s]))('%s: the first level is due the moment the incident opens', (severity) => {
    expect(dueEscalations(state(severity), at(0))).toEqual([{ level: 1, target: 'DevOps Team', dueAt: opened }]);
    expect(dueEscalations(state(severity), at(-1))).toEqual([]);
  });

  it.each(SEVERITIES.map((s) => [s]))('%s: each next level is due exactly one response time later, not a millisecond earlier', (severity) => {
    const { respondWithinMs, levels } = ESCALATION_MATRIX[severity];
    for (let paged = 1; paged < levels.length; paged++) {
      const due = at(paged * respondWithinMs);
      expect(dueEscalations(state(severity, paged), new Date(due.getTime() - 1))).toEqual([]);
      expect(dueEscalations(state(severity, paged), due)).toEqual([{ level: paged + 1, target: levels[paged], dueAt: due }]);
      expect(nextEscalation(state(severity, paged))).toEqual({ level: paged + 1, target: levels[paged], dueAt: due });
    }
    // Nobody after the last level, however long it stays open.
    expect(dueEscalations(state(severity, levels.length), at(1000 * respondWithinMs))).toEqual([]);
    expect(nextEscalation(state(severity, levels.length))).toBeNull();
  });

  it('a late run pages every level that fell due, each once, in order', () => {
    expect(dueEscalations(state('critical'), at(11 * MIN)).map((s) => s.target)).toEqual(['DevOps Team', 'CTO', 'All Hands']);
    expect(dueEscalations(state('critical', 2), at(11 * MIN)).map((s) => s.target)).toEqual(['All Hands']);
    expect(dueEscalations(state('high', 1), at(30 * MIN)).map((s) => s.level)).toEqual([2, 3]);
  });

  it('acknowledged or resolved incidents never escalate', () => {
    for (const status of ['acknowledged', 'resolved'] as const) {
      expect(dueEscalations(state('critical', 1, status), at(60 * MIN))).toEqual([]);
      expect(nextEscalation(state('critical', 1, status))).toBeNull();
    }
  });
});

describe('severity from alert labels', () => {
  it.each([
    ['critical', 'critical'],
    ['CRITICAL', 'critical'],
    ['P1', 'critical'],
    ['high', 'high'],
    ['p2', 'high'],
    ['medium', 'medium'],
    ['P3', 'medium'],
    ['warning', 'medium'],
    ['low', 'low'],
    ['p4', 'low'],
    ['info', 'low'],
  ])('%s → %s', (label, severity) => {
    expect(severityFromLabel(label)).toEqual({ severity, recognized: true });
  });

  it('an unlabelled or unknown alert is paged as High and flagged', () => {
    expect(severityFromLabel(undefined)).toEqual({ severity: 'high', recognized: false });
    expect(severityFromLabel('urgent')).toEqual({ severity: 'high', recognized: false });
  });

  it('the worst severity wins', () => {
    expect(worstSeverity(['low', 'critical', 'medium'])).toBe('critical');
    expect(worstSeverity(['low', 'medium'])).toBe('medium');
    expect(worstSeverity([])).toBeUndefined();
  });
});
