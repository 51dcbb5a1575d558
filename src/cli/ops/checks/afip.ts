/**
 * afip-health-check: the server measures (it alone holds the AFIP configuration and the shops'
 * keys) through GET /api/v1/admin/invoicing/health; with DATABASE_URL only, the same code reads
 * the database-side figures here and the AFIP half is skipped with the reason.
 */
import { InvoicingHealthService, type InvoicingHealth } from '../../../modules/invoicing/health.js';
import { InvoicingRepository } from '../../../modules/invoicing/repository.js';
import { systemClock } from '../../../platform/clock.js';
import { keylessPersonalData } from '../../../platform/crypto/personal-data.js';
import { judgeAfipHealth } from '../afip-verdicts.js';
import { sourceFor, type OpsContext } from '../context.js';
import { check, type CheckResult } from '../report.js';
import { fetchAdmin } from './admin.js';

export const HEALTH_PATH = '/api/v1/admin/invoicing/health';

export const DATABASE_ONLY_REASON =
  'DATABASE_URL only: AFIP is asked by the server, with its own configuration and the shops’ keys (set BARBERPRO_ADMIN_TOKEN to include FEDummy, tickets and numbering)';

export async function runAfipHealthCheck(ctx: OpsContext): Promise<{ checks: CheckResult[]; notes: string[] }> {
  ctx.progress('asking the server for AFIP’s health (FEDummy, WSAA tickets, FECompUltimoAutorizado per sequence) and the invoice queue');
  const got = await fetchAdmin<InvoicingHealth>(ctx, sourceFor(ctx), HEALTH_PATH, (database) =>
    new InvoicingHealthService({ repo: new InvoicingRepository(database.db, keylessPersonalData('the ops CLI reads invoice figures only')), clock: systemClock, reason: DATABASE_ONLY_REASON }).inspect(),
  );
  if (!got.ok) return { checks: [got.result('afip.health', 'AFIP and invoice queue health')], notes: [] };
  const h = got.value;
  const checks = [check.info('afip.source', 'Figures from', `${got.via} at ${h.checkedAt}`), ...judgeAfipHealth(h)];
  const notes = h.afip.consulted ? [] : [`Not checked: AFIP reachability, WSAA logins and the numbering of ${h.sequences.length} sequence(s) at AFIP — ${h.afip.reason}.`];
  return { checks, notes };
}
