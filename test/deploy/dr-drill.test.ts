import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DR_DRILL, runDrDrill, segmentEndLsn } from '../../src/cli/deploy/dr-drill.js';

const hasPostgres = existsSync(join(DEFAULT_DR_DRILL.pgBin, 'initdb'));

describe('WAL segment arithmetic', () => {
  it('gives the position where a 16 MB segment ends', () => {
    expect(segmentEndLsn('000000010000000000000001', 16 * 1024 * 1024)).toBe(0x2000000n);
    expect(segmentEndLsn('0000000100000002000000FF', 16 * 1024 * 1024)).toBe(0x3_0000_0000n);
  });
});

/**
 * The done-when: a real PostgreSQL primary with WAL archiving is killed (-9) while a
 * writer records acknowledged writes; a new cluster restored from the base backup and the
 * archive must hold every write covered by the archive, lose under a minute, and serve BarberPro.
 */
describe.skipIf(!hasPostgres)('DR drill on real PostgreSQL', () => {
  it('restores with RPO under 60 s, no acknowledged write lost before the last archived WAL, and BarberPro ready', async () => {
    const report = await runDrDrill({ ...DEFAULT_DR_DRILL, killAfterMs: { min: 11_000, max: 16_000 } });
    expect(report.problems).toEqual([]);
    expect(report.writes.acknowledged).toBeGreaterThan(100);
    expect(report.coveredByArchive).toBeGreaterThan(0);
    expect(report.lostCovered).toBe(0);
    expect(report.rpoSeconds).toBeLessThan(60);
    expect(report.barberpro.ready).toBe(true);
    expect(report.rtoSeconds.applicationReady).toBeGreaterThan(report.rtoSeconds.databaseAcceptingWrites);
    // Data written only after the base backup (migrations, demo shops) came back from the WAL.
    expect(report.barberpro.rowCounts.shops!.after).toBe(report.barberpro.rowCounts.shops!.before);
    expect(report.barberpro.rowCounts.shops!.after).toBeGreaterThan(0);
  }, 150_000);
});
