import { InvalidArgumentError } from 'commander';
import { sql } from 'kysely';
import type { AppConfig } from '../../platform/config.js';
import { createDatabase, type Database } from '../../platform/db/database.js';
import { DataDirLockedError } from '../../platform/db/data-dir-lock.js';
import { auditVerificationBody } from './routes.js';
import { AuditTrail } from './service.js';

export interface AuditVerifyOptions {
  json?: boolean;
  batchSize?: number;
}

export function parseBatchSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('must be a whole number from 1 to 100000');
  return n;
}

/** Exit codes of `barberpro audit verify`. */
export const AUDIT_VERIFY_EXIT = { intact: 0, broken: 1, cannotVerify: 2 } as const;

/**
 * `barberpro audit verify`: walks the audit trail and reports. Exit 0 when the chain is
 * intact, 1 when a row is broken, 2 when it could not be checked (embedded database in use by
 * a running server, not migrated). Read-only: it neither migrates nor writes.
 */
export async function runAuditVerify(config: AppConfig, options: AuditVerifyOptions, out = console): Promise<number> {
  let database: Database;
  try {
    database = await createDatabase(config.database);
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      out.error(`${error.message}\nWhile the server runs, an admin can ask it instead: GET /api/v1/admin/audit/verify`);
      return AUDIT_VERIFY_EXIT.cannotVerify;
    }
    throw error;
  }
  try {
    const present = await sql<{ present: boolean }>`select to_regclass('public.audit_log') is not null as present`.execute(database.db);
    if (!present.rows[0]?.present) {
      out.error(`${database.description} has no audit_log table: run \`npx barberpro migrate\` first.`);
      return AUDIT_VERIFY_EXIT.cannotVerify;
    }
    const result = await new AuditTrail(database.db).verify(options.batchSize ? { batchSize: options.batchSize } : {});
    const body = auditVerificationBody(result);
    if (options.json) {
      out.log(JSON.stringify({ database: database.description, ...body }));
    } else if (result.ok) {
      out.log(
        result.rows === 0
          ? `Audit trail on ${database.description}: empty, nothing to check.`
          : `Audit trail on ${database.description}: intact, ${result.rows} rows checked.\nHead: seq ${result.head!.seq}, hash ${result.head!.hash}`,
      );
    } else {
      const why = result.reason === 'content' ? 'its stored hash does not match its content (the row was altered)' : 'it does not follow the row before it (a row was altered, removed or inserted)';
      out.log(
        `Audit trail on ${database.description}: BROKEN at seq ${result.firstBrokenSeq}: ${why}.\n` +
          `Detail: ${result.detail}\n` +
          `${result.rows} rows before it are intact${result.lastGood ? ` (last good: seq ${result.lastGood.seq}, hash ${result.lastGood.hash})` : ''}.`,
      );
    }
    return result.ok ? AUDIT_VERIFY_EXIT.intact : AUDIT_VERIFY_EXIT.broken;
  } finally {
    await database.close();
  }
}
