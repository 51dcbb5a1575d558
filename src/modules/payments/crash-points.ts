import { writeSync } from 'node:fs';

/**
 * Test-only fault injection for the crash-recovery tests (crash-recovery.test.ts). With
 * `BARBERPRO_TEST_CRASH_AT=<point>` the process kills itself with SIGKILL when payment
 * processing reaches that point: no cleanup, no HTTP reply, no rollback beyond what
 * PostgreSQL does for a dropped connection, as with an OOM kill or a lost machine.
 *
 * It exists so that the tests can kill a real process at an exact place rather than at a
 * random moment. The server refuses to start with it under NODE_ENV=production.
 */
export const TEST_CRASH_ENV = 'BARBERPRO_TEST_CRASH_AT';

export const CRASH_POINTS = [
  /** The webhook's notification row has committed; MercadoPago has not had its 200 yet. */
  'after-notification-stored',
  /** MercadoPago answered the payment fetch; nothing about it is written yet. */
  'after-payment-fetched',
  /** The payment's transaction (booking, ledger, audit) has committed; the notification is not marked processed. */
  'after-payment-committed',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** The configured crash point, if any. Throws in production and on an unknown name (a typo must not silently test nothing). */
export function testCrashPoint(nodeEnv: string | undefined, value: string | undefined): CrashPoint | undefined {
  if (value === undefined || value === '') return undefined;
  if (nodeEnv === 'production') throw new Error(`Invalid configuration: ${TEST_CRASH_ENV} is a test hook and is refused in production`);
  if (!(CRASH_POINTS as readonly string[]).includes(value)) throw new Error(`Invalid configuration: ${TEST_CRASH_ENV} must be one of ${CRASH_POINTS.join(', ')}`);
  return value as CrashPoint;
}

/** Dies here when `point` is the configured one. The marker line lets the test tell this death from any other. */
export async function crashIfConfigured(configured: CrashPoint | undefined, point: CrashPoint): Promise<void> {
  if (configured !== point || process.env.NODE_ENV === 'production') return;
  // Synchronous, so the line is out before the signal lands.
  writeSync(2, `${TEST_CRASH_ENV}: crashing at ${point}\n`);
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL is not catchable; never go on as if nothing happened while it is delivered.
  await new Promise<never>(() => undefined);
}
