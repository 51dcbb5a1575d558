import { describe, expect, it } from 'vitest';
import { MAINTENANCE_WINDOWS, maintenanceDecision, nextWindow, windowAt } from './maintenance-window.js';

// Argentina is UTC−3 all year (no DST since 2009): 02:00 ART is 05:00 UTC.
// 2026-11-29 is a Sunday, 2026-12-02 a Wednesday.
const art = (local: string) => new Date(`${local}-03:00`);

describe('maintenance windows (America/Argentina/Buenos_Aires)', () => {
  it.each([
    ['2026-11-29T01:59:59', null],
    ['2026-11-29T02:00:00', 'primary'],
    ['2026-11-29T03:59:59', 'primary'],
    ['2026-11-29T04:00:00', 'database'],
    ['2026-11-29T04:59:59', 'database'],
    ['2026-11-29T05:00:00', null],
    ['2026-12-02T00:59:59', null],
    ['2026-12-02T01:00:00', 'secondary'],
    ['2026-12-02T02:59:59', 'secondary'],
    ['2026-12-02T03:00:00', null],
    // Same clock times on other days are not windows.
    ['2026-11-28T02:30:00', null],
    ['2026-11-30T02:30:00', null],
    ['2026-12-03T01:30:00', null],
    ['2026-12-01T04:30:00', null],
  ])('%s ART → %s', (local, name) => {
    expect(windowAt(art(local))?.name ?? null).toBe(name);
  });

  it('uses Argentine time, not UTC or the machine’s zone', () => {
    // Sunday 02:30 UTC is Saturday 23:30 ART.
    expect(windowAt(new Date('2026-11-29T02:30:00Z'))).toBeNull();
    // Sunday 05:30 UTC is Sunday 02:30 ART.
    expect(windowAt(new Date('2026-11-29T05:30:00Z'))?.name).toBe('primary');
  });

  it('deployments: allowed in the primary window, refused outside it and in the secondary unless an emergency', () => {
    expect(maintenanceDecision(art('2026-11-29T02:00:00'), { kind: 'deployment' })).toMatchObject({ allowed: true, forced: false, window: { name: 'primary' } });
    expect(maintenanceDecision(art('2026-11-29T04:00:00'), { kind: 'deployment' })).toMatchObject({ allowed: false, window: null });
    const wednesday = maintenanceDecision(art('2026-12-02T01:30:00'), { kind: 'deployment' });
    expect(wednesday).toMatchObject({ allowed: false });
    expect(wednesday.explanation).toContain('emergencies only');
    expect(maintenanceDecision(art('2026-12-02T01:30:00'), { kind: 'deployment', emergency: true })).toMatchObject({ allowed: true, window: { name: 'secondary' } });
    expect(maintenanceDecision(art('2026-12-02T03:00:00'), { kind: 'deployment', emergency: true })).toMatchObject({ allowed: false });
  });

  it('database work: only Sunday 04:00–05:00', () => {
    expect(maintenanceDecision(art('2026-11-29T03:59:59'), { kind: 'database' })).toMatchObject({ allowed: false });
    expect(maintenanceDecision(art('2026-11-29T04:00:00'), { kind: 'database' })).toMatchObject({ allowed: true, window: { name: 'database' } });
    expect(maintenanceDecision(art('2026-11-29T05:00:00'), { kind: 'database' })).toMatchObject({ allowed: false });
    expect(maintenanceDecision(art('2026-12-02T01:30:00'), { kind: 'database', emergency: true })).toMatchObject({ allowed: false });
  });

  it('forcing needs a real reason, and says it was forced', () => {
    const tuesday = art('2026-12-01T15:00:00');
    expect(maintenanceDecision(tuesday, { kind: 'deployment', force: true })).toMatchObject({ allowed: false });
    expect(maintenanceDecision(tuesday, { kind: 'deployment', force: true, reason: '  hotfix  ' })).toMatchObject({ allowed: false });
    const forced = maintenanceDecision(tuesday, { kind: 'deployment', force: true, reason: 'payments outage hotfix (INC-42)' });
    expect(forced).toMatchObject({ allowed: true, forced: true, window: null });
    expect(forced.explanation).toContain('payments outage hotfix (INC-42)');
    // Inside a window, forcing changes nothing.
    expect(maintenanceDecision(art('2026-11-29T02:10:00'), { kind: 'deployment', force: true })).toMatchObject({ allowed: true, forced: false });
  });

  it('names the next window, or the current one while inside it', () => {
    const deployments = MAINTENANCE_WINDOWS.filter((w) => w.kind === 'deployment' && !w.emergencyOnly);
    expect(nextWindow(art('2026-12-01T15:00:00'), deployments)).toMatchObject({ window: { name: 'primary' }, start: art('2026-12-06T02:00:00'), end: art('2026-12-06T04:00:00') });
    expect(nextWindow(art('2026-11-29T03:00:00'), deployments)).toMatchObject({ start: art('2026-11-29T02:00:00') });
    expect(nextWindow(art('2026-11-29T04:00:00'), deployments)).toMatchObject({ start: art('2026-12-06T02:00:00') });
    const emergency = MAINTENANCE_WINDOWS.filter((w) => w.kind === 'deployment');
    expect(nextWindow(art('2026-11-29T04:00:00'), emergency)).toMatchObject({ window: { name: 'secondary' }, start: art('2026-12-02T01:00:00') });
    expect(maintenanceDecision(art('2026-12-01T15:00:00'), { kind: 'database' }).next.start).toEqual(art('2026-12-06T04:00:00'));
  });

  it('every minute of a week: exactly the runbook’s 5 hours are windows', () => {
    const start = art('2026-11-30T00:00:00').getTime();
    const inside: Record<string, number> = {};
    for (let m = 0; m < 7 * 24 * 60; m++) {
      const w = windowAt(new Date(start + m * 60_000));
      if (w) inside[w.name] = (inside[w.name] ?? 0) + 1;
    }
    expect(inside).toEqual({ primary: 120, secondary: 120, database: 60 });
  });
});
