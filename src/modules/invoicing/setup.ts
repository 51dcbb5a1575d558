import type { Kysely } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Clock } from '../../platform/clock.js';
import type { AppConfig } from '../../platform/config.js';
import type { PersonalDataCipher } from '../../platform/crypto/personal-data.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { AfipEnvironmentName, DB } from '../../platform/db/schema.js';
import type { JobQueue } from '../../platform/queue/queue.js';
import type { AuditTrail } from '../audit/service.js';
import type { ShopAccess } from '../catalog/shop-access.js';
import type { PaymentsService } from '../payments/service.js';
import { AfipGateway } from './afip-gateway.js';
import { InvoicingHealthService } from './health.js';
import { InvoiceIssuer } from './issuer.js';
import { InvoicingRepository } from './repository.js';
import { invoicingRoutes } from './routes.js';
import { ISSUE_JOB, InvoicingService, type InvoicingLog } from './service.js';

export interface AfipEndpoints {
  wsaaUrl: string;
  wsfeUrl: string;
  environment: AfipEnvironmentName;
}

/**
 * Wires invoicing into the app: voucher rows written in every payment transaction that moves
 * money, the issuing job (right after each such commit, and periodically — see jobs.ts — so
 * vouchers recorded while the queue was down are issued too), and the routes.
 */
export function setupInvoicing(deps: {
  db: Kysely<DB>;
  databaseKind: 'postgres' | 'pglite';
  config: AppConfig;
  /** Overrides the configured endpoints (the embedded sandbox). */
  afip?: AfipEndpoints | undefined;
  clock: Clock;
  queue: JobQueue;
  box: SecretBox;
  personalData: PersonalDataCipher;
  audit: AuditTrail;
  access: ShopAccess;
  payments: PaymentsService;
  log: InvoicingLog;
}): { service: InvoicingService; routes: FastifyPluginAsyncZod } {
  const repo = new InvoicingRepository(deps.db, deps.personalData);
  const configured = deps.config.afip;
  const endpoints: AfipEndpoints | undefined =
    deps.afip ?? (configured.wsaaUrl && configured.wsfeUrl && configured.environment ? { wsaaUrl: configured.wsaaUrl, wsfeUrl: configured.wsfeUrl, environment: configured.environment } : undefined);
  const singleConnection = deps.databaseKind === 'pglite';
  const gateway = endpoints
    ? new AfipGateway({
        db: deps.db,
        repo,
        box: deps.box,
        wsaaUrl: endpoints.wsaaUrl,
        wsfeUrl: endpoints.wsfeUrl,
        timeoutMs: deps.config.afip.timeoutMs,
        clock: deps.clock,
        singleConnection,
        log: (fields, message) => deps.log('warn', message, fields),
      })
    : undefined;
  const issuer = new InvoiceIssuer({
    db: deps.db,
    repo,
    gateway,
    environment: endpoints?.environment,
    box: deps.box,
    audit: deps.audit,
    clock: deps.clock,
    singleConnection,
    log: deps.log,
  });
  const service = new InvoicingService(repo, issuer, deps.access, deps.box, deps.queue, deps.clock, endpoints?.environment, deps.log);
  deps.payments.onMoneyMovement(service.moneyMovementListener);
  deps.queue.register(ISSUE_JOB, async () => {
    const report = await service.issuePending();
    if (report.authorized || report.rejected || report.failed) deps.log('info', 'invoices issued', { ...report });
  });
  const health = new InvoicingHealthService({
    repo,
    clock: deps.clock,
    afip: gateway && endpoints ? { gateway, box: deps.box, environment: endpoints.environment, wsaaUrl: endpoints.wsaaUrl, wsfeUrl: endpoints.wsfeUrl } : undefined,
  });
  return { service, routes: invoicingRoutes(service, health) };
}
