import type { Kysely } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { DB } from '../../platform/db/schema.js';
import { adminsOnly, providersAndAdmins, requirePrincipal } from '../../platform/http/access.js';
import { problems } from '../../platform/http/problem.js';
import { authErrors, localDate, money, moneySchema, problemSchema, uuid } from '../../platform/http/schemas.js';
import { auditRoutes } from '../audit/routes.js';
import { AuditTrail } from '../audit/service.js';
import type { ShopAccess } from '../catalog/shop-access.js';
import { LedgerService } from './service.js';

export interface LedgerRoutesDependencies {
  db: Kysely<DB>;
  shopAccess: ShopAccess;
  audit?: AuditTrail;
  ledger?: LedgerService;
}

const payoutReportSchema = z.object({
  shopId: z.string(),
  from: localDate,
  to: localDate,
  timezone: z.string(),
  openingBalance: moneySchema.describe('Owed to the shop when the period began (negative: owed by it)'),
  grossCollected: moneySchema,
  mercadopagoFees: moneySchema,
  platformCommission: moneySchema,
  refunds: moneySchema,
  chargebacks: moneySchema,
  other: moneySchema,
  netPayable: moneySchema.describe('gross − fees − commission − refunds − chargebacks − other'),
  paidOut: moneySchema,
  balance: moneySchema.describe('opening + net payable − paid out: owed to the shop at the end of the period'),
});

const accountSchema = z.object({
  code: z.string(),
  kind: z.enum(['asset', 'liability', 'revenue', 'expense']),
  normalSide: z.enum(['debit', 'credit']),
  shopId: z.string().nullable(),
  balance: moneySchema.describe('Debit positive, credit negative'),
});

const checkSchema = z.object({
  ok: z.boolean(),
  trialBalance: moneySchema.describe('Sum of every posting; 0 when the books balance'),
  unbalancedEntries: z.array(z.object({ entryId: z.string(), idempotencyKey: z.string(), kind: z.string(), postings: z.number().int(), sum: moneySchema })),
  paymentsTable: z.boolean().describe('Whether there is a payments table to check against'),
  approvedPaymentsWithoutPostings: z.array(z.object({ paymentId: z.string(), mpPaymentId: z.string().nullable(), status: z.string() })),
});

/** Admin ledger reports, the audit verification and each shop's payout statement. */
export function ledgerRoutes(deps: LedgerRoutesDependencies): FastifyPluginAsyncZod {
  const audit = deps.audit ?? new AuditTrail(deps.db);
  const ledger = deps.ledger ?? new LedgerService(deps.db, audit);
  return async (app) => {
    await app.register(auditRoutes(audit));

    app.get('/api/v1/admin/ledger/check', {
      config: { access: adminsOnly },
      schema: {
        tags: ['ledger'],
        summary: 'Every entry balances, the books sum to zero, every collected payment has its postings',
        response: { 200: checkSchema, ...authErrors },
      },
      handler: async () => {
        const check = await ledger.check();
        return {
          ok: check.ok,
          trialBalance: money(check.trialBalanceCents),
          unbalancedEntries: check.unbalancedEntries.map((e) => ({ entryId: e.entryId, idempotencyKey: e.idempotencyKey, kind: e.kind, postings: e.postings, sum: money(e.sumCents) })),
          paymentsTable: check.paymentsTable,
          approvedPaymentsWithoutPostings: check.approvedPaymentsWithoutPostings,
        };
      },
    });

    app.get('/api/v1/admin/ledger/trial-balance', {
      config: { access: adminsOnly },
      schema: {
        tags: ['ledger'],
        summary: 'Balance of every ledger account (debit positive, credit negative) and their total',
        response: { 200: z.object({ accounts: z.array(accountSchema), total: moneySchema }), ...authErrors },
      },
      handler: async () => {
        const trial = await ledger.trialBalance();
        return {
          accounts: trial.accounts.map((a) => ({ code: a.code, kind: a.kind, normalSide: a.normalSide, shopId: a.shopId, balance: money(a.balanceCents) })),
          total: money(trial.totalCents),
        };
      },
    });

    app.get('/api/v1/shops/:shopId/payouts', {
      config: { access: providersAndAdmins },
      schema: {
        tags: ['ledger'],
        summary: 'The shop’s statement for local days from–to: collected, fees, commission, refunds, chargebacks, paid out, balance (owner)',
        params: z.object({ shopId: uuid }).strict(),
        querystring: z.object({ from: localDate, to: localDate }).strict(),
        response: { 200: payoutReportSchema, ...authErrors, 400: problemSchema, 404: problemSchema },
      },
      handler: async (request) => {
        const { shopId } = request.params;
        const { from, to } = request.query;
        await deps.shopAccess.assertCanManage(requirePrincipal(request), shopId);
        if (from > to) throw problems.validation([{ path: 'querystring.to', message: 'La fecha final debe ser igual o posterior a la inicial.' }]);
        const timezone = await ledger.shopTimezone(shopId);
        if (!timezone) throw problems.notFound('La barbería');
        const start = DateTime.fromISO(from, { zone: timezone }).startOf('day');
        const end = DateTime.fromISO(to, { zone: timezone }).plus({ days: 1 }).startOf('day');
        const report = await ledger.payoutReport(shopId, start.toJSDate(), end.toJSDate());
        return {
          shopId,
          from,
          to,
          timezone,
          openingBalance: money(report.openingBalanceCents),
          grossCollected: money(report.grossCollectedCents),
          mercadopagoFees: money(report.mercadopagoFeesCents),
          platformCommission: money(report.platformCommissionCents),
          refunds: money(report.refundsCents),
          chargebacks: money(report.chargebacksCents),
          other: money(report.otherCents),
          netPayable: money(report.netPayableCents),
          paidOut: money(report.paidOutCents),
          balance: money(report.balanceCents),
        };
      },
    });
  };
}
