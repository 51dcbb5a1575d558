/**
 * The launch runbook's incident classification and escalation matrix, as data and pure
 * functions (no I/O, time passed in) so every boundary can be tested.
 *
 *   Critical (0-5 min):   DevOps Team → CTO → All Hands          respond < 5 minutes
 *   High (5-15 min):      DevOps Team → Tech Lead → Product      respond < 15 minutes
 *   Medium (15-60 min):   DevOps Team → Engineering              respond < 1 hour
 *   Low (1-24 hours):     DevOps Team                            respond < 24 hours
 *
 * Reading: the first level is paged when the incident opens; each response time that passes
 * without an acknowledgement pages the next level. Level k (1-based) is due at
 * opened_at + (k − 1) × response time. Acknowledging stops it; there is nobody after the last.
 */
import type { IncidentSeverity, IncidentStatus } from './tables.js';

export const SEVERITIES: readonly IncidentSeverity[] = ['critical', 'high', 'medium', 'low'];

const MINUTE = 60_000;

export interface SeverityPolicy {
  label: 'Critical' | 'High' | 'Medium' | 'Low';
  definition: string;
  respondWithinMs: number;
  levels: readonly string[];
}

export const ESCALATION_MATRIX: Record<IncidentSeverity, SeverityPolicy> = {
  critical: { label: 'Critical', definition: 'Service down or data loss', respondWithinMs: 5 * MINUTE, levels: ['DevOps Team', 'CTO', 'All Hands'] },
  high: { label: 'High', definition: 'Significant degradation', respondWithinMs: 15 * MINUTE, levels: ['DevOps Team', 'Tech Lead', 'Product'] },
  medium: { label: 'Medium', definition: 'Minor issues', respondWithinMs: 60 * MINUTE, levels: ['DevOps Team', 'Engineering'] },
  low: { label: 'Low', definition: 'Cosmetic or future', respondWithinMs: 24 * 60 * MINUTE, levels: ['DevOps Team'] },
};

/** The runbook's operational KPIs. */
export const INCIDENT_KPIS = {
  /** "MTTR: <15 minutes for critical incidents". */
  criticalMttrSeconds: 15 * 60,
  /** "MTTD: <5 minutes for all incidents". */
  mttdSeconds: 5 * 60,
  /** "Automation Rate: >70% incident auto-resolution". */
  autoResolutionShare: 0.7,
} as const;

/** Higher first. */
export function severityRank(severity: IncidentSeverity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

export function worstSeverity(severities: readonly IncidentSeverity[]): IncidentSeverity | undefined {
  let worst: IncidentSeverity | undefined;
  for (const s of severities) if (!worst || severityRank(s) > severityRank(worst)) worst = s;
  return worst;
}

const LABEL_VALUES: Record<string, IncidentSeverity> = {
  critical: 'critical',
  p1: 'critical',
  high: 'high',
  p2: 'high',
  medium: 'medium',
  p3: 'medium',
  // Prometheus community conventions, for alerts written elsewhere.
  warning: 'medium',
  low: 'low',
  p4: 'low',
  info: 'low',
};

/**
 * An alert's `severity` label → the runbook's class. The repository's rules use the
 * runbook's own words; P1–P4 and warning/info are understood too. Anything else is a rule
 * someone forgot to label: it is treated as High (paged within 15 minutes) rather than
 * left to wait a day, and the caller records that it was not recognised.
 */
export function severityFromLabel(value: string | undefined): { severity: IncidentSeverity; recognized: boolean } {
  const known = value === undefined ? undefined : LABEL_VALUES[value.trim().toLowerCase()];
  return known ? { severity: known, recognized: true } : { severity: 'high', recognized: false };
}

export interface EscalationState {
  severity: IncidentSeverity;
  status: IncidentStatus;
  openedAt: Date;
  /** Levels paged so far. */
  escalationLevel: number;
}

export interface EscalationStep {
  /** 1-based level in the severity's chain. */
  level: number;
  target: string;
  dueAt: Date;
}

function stepAt(state: EscalationState, index: number): EscalationStep | undefined {
  const policy = ESCALATION_MATRIX[state.severity];
  const target = policy.levels[index];
  if (target === undefined) return undefined;
  return { level: index + 1, target, dueAt: new Date(state.openedAt.getTime() + index * policy.respondWithinMs) };
}

/** Levels that are due at `now` and not paged yet, in order; none once acknowledged or resolved. */
export function dueEscalations(state: EscalationState, now: Date): EscalationStep[] {
  if (state.status !== 'open') return [];
  const out: EscalationStep[] = [];
  for (let i = Math.max(0, state.escalationLevel); ; i++) {
    const step = stepAt(state, i);
    if (!step || step.dueAt.getTime() > now.getTime()) return out;
    out.push(step);
  }
}

/** When the next level is due (possibly already), or null when nobody is left to page. */
export function nextEscalation(state: EscalationState): EscalationStep | null {
  if (state.status !== 'open') return null;
  return stepAt(state, Math.max(0, state.escalationLevel)) ?? null;
}

/** Seconds between two instants, or null when the second has not happened. */
export function secondsBetween(from: Date, to: Date | null): number | null {
  return to ? Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000)) : null;
}
