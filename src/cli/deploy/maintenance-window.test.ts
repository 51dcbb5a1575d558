import { describe, expect, it } from 'vitest';
import { isInsideMaintenanceWindow } from './maintenance-window.js';

describe('maintenance windows (ART = UTC−3)', () => {
  it('Sunday 02:00–04:00 ART is the primary window', () => {
    // 2026-11-29 is a Sunday; 05:30 UTC = 02:30 ART.
    expect(isInsideMaintenanceWindow(new Date('2026-11-29T05:30:00Z'))).toMatchObject({ inside: true, window: { name: 'primary' } });
    expect(isInsideMaintenanceWindow(new Date('2026-11-29T04:59:59Z')).inside).toBe(false);
  });
  it('Sunday 04:00–05:00 ART is the database window, and 05:00 is outside', () => {
    expect(isInsideMaintenanceWindow(new Date('2026-11-29T07:10:00Z'))).toMatchObject({ inside: true, window: { name: 'database' } });
    expect(isInsideMaintenanceWindow(new Date('2026-11-29T08:00:00Z')).inside).toBe(false);
  });
  it('Wednesday 01:00–03:00 ART is the secondary window', () => {
    expect(isInsideMaintenanceWindow(new Date('2026-12-02T04:00:00Z'))).toMatchObject({ inside: true, window: { name: 'secondary' } });
  });
  it('names the next window when outside', () => {
    // Sunday 05:30 ART → next is Wednesday 01:00 ART = 04:00 UTC.
    expect(isInsideMaintenanceWindow(new Date('2026-11-29T08:30:00Z')).next).toEqual(new Date('2026-12-02T04:00:00Z'));
    // Saturday 23:00 ART (Sunday 02:00 UTC) → Sunday 02:00 ART = 05:00 UTC.
    expect(isInsideMaintenanceWindow(new Date('2026-11-29T02:00:00Z')).next).toEqual(new Date('2026-11-29T05:00:00Z'));
  });
});
