import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import type { SecretBox } from '../../platform/crypto/secret-box.js';
import type { AfipEnvironmentName } from '../../platform/db/schema.js';
import { AfipError, certificateFingerprint, WsaaTicketCache, type WsfeAuth } from './afip/index.js';
import { WSFE_SERVICE, type AfipGateway } from './afip-gateway.js';
import { readCertificate } from './fiscal.js';
import { privateKeyContext, voucherName } from './issuer.js';
import type { InvoicingRepository } from './repository.js';
import type { VoucherType } from './types.js';

/**
 * What `barberpro ops afip-health-check` judges, measured here because only the server holds the
 * shops' private keys and the AFIP configuration: FEDummy, the WSAA ticket of every certificate,
 * AFIP's last authorized number of every sequence next to ours, and the invoice queue. Figures
 * only: the thresholds live with the CLI (src/cli/ops/afip-verdicts.ts). Without a gateway (no
 * AFIP configured, or a caller with DATABASE_URL only) the AFIP half says why it was not asked.
 */

/** FEDummy and FECompUltimoAutorizado are cheap: an AFIP that needs longer is as good as down for issuing. */
const CALL_TIMEOUT_MS = 10_000;
/** Logins and queries at once: bounded so a chain of many shops does not hammer AFIP. */
const PARALLEL = 4;

const ticketState = z.object({
  state: z.enum(['valid', 'expired', 'none']),
  expiresAt: z.string().nullable(),
  /** Negative once expired. */
  expiresInSeconds: z.number().nullable(),
});

export const invoicingHealthSchema = z.object({
  checkedAt: z.string(),
  afip: z.union([
    z.object({ consulted: z.literal(false), reason: z.string() }),
    z.object({
      consulted: z.literal(true),
      environment: z.enum(['homologation', 'production', 'sandbox']),
      wsaaUrl: z.string(),
      wsfeUrl: z.string(),
      dummy: z.object({
        ok: z.boolean(),
        appServer: z.string().nullable(),
        dbServer: z.string().nullable(),
        authServer: z.string().nullable(),
        latencyMs: z.number(),
        error: z.string().nullable(),
      }),
    }),
  ]),
  queue: z.object({
    pending: z.number().int(),
    issuing: z.number().int(),
    rejected: z.number().int(),
    deferred: z.number().int().describe('Pending on purpose: paid ahead of AFIP’s issue window'),
    withoutPointOfSale: z.number().int().describe('Pending because the shop has no fiscal settings'),
    oldest: z
      .object({
        invoiceId: z.string(),
        shopId: z.string(),
        status: z.enum(['pending', 'issuing']),
        kind: z.enum(['invoice', 'credit_note']),
        voucher: z.string(),
        dueSince: z.string(),
        ageSeconds: z.number(),
        reason: z.string().nullable(),
      })
      .nullable()
      .describe('The voucher waiting longest since it became due'),
  }),
  sequences: z.array(
    z.object({
      cuit: z.string(),
      pointOfSale: z.number().int(),
      cbteTipo: z.number().int(),
      voucher: z.string(),
      local: z.object({
        lastAuthorized: z.number().int().describe('0 when none'),
        issuingNumber: z.number().int().nullable().describe('A number sent whose outcome is being confirmed'),
        pending: z.number().int(),
        issuing: z.number().int(),
        rejected: z.number().int(),
        failures: z.number().int(),
        retryAt: z.string().nullable(),
        lastError: z.string().nullable(),
      }),
      afip: z.object({
        lastAuthorized: z.number().int().nullable(),
        latencyMs: z.number().nullable(),
        error: z.string().nullable(),
        skipped: z.string().nullable(),
      }),
    }),
  ),
  certificates: z.array(
    z.object({
      cuit: z.string(),
      shopIds: z.array(z.string()),
      pointsOfSale: z.array(z.number().int()),
      fingerprint: z.string().describe('SHA-256 of the certificate, first 16 hex digits'),
      notAfter: z.string().nullable(),
      ticketBefore: ticketState.describe('The WSAA ticket as found'),
      ticketAfter: ticketState.describe('After this check (which may have logged in)'),
      login: z.enum(['ok', 'failed', 'not-attempted']),
      loginError: z.string().nullable(),
    }),
  ),
});

export type InvoicingHealth = z.infer<typeof invoicingHealthSchema>;
type SequenceHealth = InvoicingHealth['sequences'][number];
type CertificateHealth = InvoicingHealth['certificates'][number];
type TicketState = z.infer<typeof ticketState>;

export interface InvoicingHealthOptions {
  repo: InvoicingRepository;
  clock: Clock;
  /** Absent: the AFIP half is not asked, for `reason`. */
  afip?: { gateway: AfipGateway; box: SecretBox; environment: AfipEnvironmentName; wsaaUrl: string; wsfeUrl: string } | undefined;
  reason?: string;
}

type Issuer = Awaited<ReturnType<InvoicingRepository['configuredIssuers']>>[number];

export const NOT_CONFIGURED_REASON = 'AFIP is not configured on this server (no AFIP_WSAA_URL/AFIP_WSFE_URL and not the embedded sandbox): invoices are recorded but not issued';

export class InvoicingHealthService {
  constructor(private readonly o: InvoicingHealthOptions) {}

  async inspect(): Promise<InvoicingHealth> {
    const { repo } = this.o;
    const now = this.o.clock.now();
    const [issuers, known, figures, queue] = await Promise.all([repo.configuredIssuers(), repo.knownSequences(), repo.sequenceFigures(), repo.queueFigures(now)]);

    const figureOf = new Map(figures.map((f) => [seqId(f), f]));
    const keys = new Map(known.map((k) => [seqId(k), k]));
    // A configured shop with nothing issued yet still has the sequence its first invoice will use.
    for (const i of issuers.filter((x) => x.enabled)) {
      const cbteTipo = i.tax_condition === 'responsable_inscripto' ? 6 : 11;
      const key = { cuit: i.cuit, pointOfSale: i.point_of_sale, cbteTipo };
      if (![...keys.values()].some((k) => k.cuit === i.cuit && k.pointOfSale === i.point_of_sale)) keys.set(seqId(key), { ...key, failures: 0, retryAt: null, lastError: null });
    }
    const sequences: SequenceHealth[] = [...keys.values()].map((k) => {
      const f = figureOf.get(seqId(k));
      return {
        cuit: k.cuit,
        pointOfSale: k.pointOfSale,
        cbteTipo: k.cbteTipo,
        voucher: safeVoucherName(k.cbteTipo),
        local: {
          lastAuthorized: f?.lastAuthorized ?? 0,
          issuingNumber: f?.issuingNumber ?? null,
          pending: f?.pending ?? 0,
          issuing: f?.issuing ?? 0,
          rejected: f?.rejected ?? 0,
          failures: k.failures,
          retryAt: k.retryAt ? new Date(k.retryAt).toISOString() : null,
          lastError: k.lastError,
        },
        afip: { lastAuthorized: null, latencyMs: null, error: null, skipped: null },
      };
    });

    const certs = new Map<string, { issuers: Issuer[]; health: CertificateHealth }>();
    for (const i of issuers.filter((x) => x.enabled)) {
      const fingerprint = safeFingerprint(i.certificate_pem);
      if (!fingerprint) continue;
      const entry = certs.get(fingerprint);
      if (entry) {
        entry.issuers.push(i);
        entry.health.shopIds.push(i.shop_id);
        if (!entry.health.pointsOfSale.includes(i.point_of_sale)) entry.health.pointsOfSale.push(i.point_of_sale);
        continue;
      }
      const read = readCertificate(i.certificate_pem);
      const none: TicketState = { state: 'none', expiresAt: null, expiresInSeconds: null };
      certs.set(fingerprint, {
        issuers: [i],
        health: {
          cuit: i.cuit,
          shopIds: [i.shop_id],
          pointsOfSale: [i.point_of_sale],
          fingerprint: fingerprint.slice(0, 16),
          notAfter: read.ok ? read.value.info.notAfter.toISOString() : null,
          ticketBefore: none,
          ticketAfter: none,
          login: 'not-attempted',
          loginError: null,
        },
      });
    }
    const ticketKey = (fingerprint: string) => WsaaTicketCache.key(fingerprint, WSFE_SERVICE);
    const readTickets = async () => {
      const expiries = await repo.ticketExpiries([...certs.keys()].map(ticketKey));
      const at = this.o.clock.now();
      return (fingerprint: string) => ticketOf(expiries.get(ticketKey(fingerprint)), at);
    };
    const before = await readTickets();
    for (const [fp, c] of certs) c.health.ticketBefore = before(fp);

    const afip = await this.askAfip(sequences, certs, issuers);
    const after = await readTickets();
    for (const [fp, c] of certs) c.health.ticketAfter = after(fp);

    const oldest = queue.oldest;
    return {
      checkedAt: now.toISOString(),
      afip,
      queue: {
        pending: queue.pending,
        issuing: queue.issuing,
        rejected: queue.rejected,
        deferred: queue.deferred,
        withoutPointOfSale: queue.withoutPointOfSale,
        oldest: oldest
          ? {
              invoiceId: oldest.id,
              shopId: oldest.shop_id,
              status: oldest.status as 'pending' | 'issuing',
              kind: oldest.kind,
              voucher: safeVoucherName(oldest.cbte_tipo),
              dueSince: oldest.due_since.toISOString(),
              ageSeconds: Math.max(0, Math.round((now.getTime() - oldest.due_since.getTime()) / 1000)),
              reason: oldest.last_error,
            }
          : null,
      },
      sequences,
      certificates: [...certs.values()].map((c) => c.health),
    };
  }

  private async askAfip(sequences: SequenceHealth[], certs: Map<string, { issuers: Issuer[]; health: CertificateHealth }>, issuers: Issuer[]): Promise<InvoicingHealth['afip']> {
    const afip = this.o.afip;
    if (!afip) {
      const reason = this.o.reason ?? NOT_CONFIGURED_REASON;
      for (const s of sequences) s.afip.skipped = reason;
      return { consulted: false, reason };
    }
    const started = performance.now();
    let dummy: Extract<InvoicingHealth['afip'], { consulted: true }>['dummy'];
    try {
      const d = await afip.gateway.wsfe.feDummy({ signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
      const ok = [d.appServer, d.dbServer, d.authServer].every((v) => v.trim().toUpperCase() === 'OK');
      dummy = { ok, appServer: d.appServer, dbServer: d.dbServer, authServer: d.authServer, latencyMs: elapsed(started), error: null };
    } catch (error) {
      dummy = { ok: false, appServer: null, dbServer: null, authServer: null, latencyMs: elapsed(started), error: describe(error) };
    }
    const result = { consulted: true as const, environment: afip.environment, wsaaUrl: afip.wsaaUrl, wsfeUrl: afip.wsfeUrl, dummy };
    if (!dummy.ok) {
      for (const s of sequences) s.afip.skipped = 'AFIP is not answering FEDummy with OK (see above)';
      return result;
    }

    // One login per certificate, as the issuer does (shared ticket store, so never a second ticket).
    const auths = new Map<string, WsfeAuth>();
    await inParallel([...certs.entries()], async ([fp, c]) => {
      const issuer = c.issuers.find((i) => i.environment === afip.environment);
      if (!issuer) {
        c.health.loginError = `the certificate is configured for ${c.issuers[0]?.environment ?? '?'}, this server issues against ${afip.environment}`;
        return;
      }
      try {
        const keyPem = afip.box.decrypt(issuer.private_key_sealed, privateKeyContext(issuer.shop_id));
        auths.set(fp, await afip.gateway.auth({ certPem: issuer.certificate_pem, keyPem, cuit: issuer.cuit }));
        c.health.login = 'ok';
      } catch (error) {
        c.health.login = 'failed';
        c.health.loginError = describe(error);
      }
    });

    await inParallel(sequences, async (s) => {
      const candidates = issuers.filter((i) => i.enabled && i.cuit === s.cuit);
      const issuer = candidates.find((i) => i.point_of_sale === s.pointOfSale) ?? candidates[0];
      if (!issuer) {
        s.afip.skipped = issuers.some((i) => i.cuit === s.cuit) ? 'the shop’s fiscal settings are disabled' : 'no shop with this CUIT has fiscal settings (no certificate to ask AFIP with)';
        return;
      }
      const fp = safeFingerprint(issuer.certificate_pem);
      const auth = fp ? auths.get(fp) : undefined;
      if (!auth) {
        s.afip.skipped = `no WSAA ticket for the certificate: ${(fp && certs.get(fp)?.health.loginError) ?? 'unreadable certificate'}`;
        return;
      }
      const t0 = performance.now();
      try {
        s.afip.lastAuthorized = await afip.gateway.wsfe.feCompUltimoAutorizado({ ...auth, cuit: s.cuit }, s.pointOfSale, s.cbteTipo, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
      } catch (error) {
        s.afip.error = describe(error);
      }
      s.afip.latencyMs = elapsed(t0);
    });
    return result;
  }
}

const seqId = (k: { cuit: string; pointOfSale: number; cbteTipo: number }) => `${k.cuit}/${k.pointOfSale}/${k.cbteTipo}`;
const elapsed = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;

function ticketOf(expiresAt: Date | undefined, now: Date): TicketState {
  if (!expiresAt) return { state: 'none', expiresAt: null, expiresInSeconds: null };
  const seconds = Math.round((expiresAt.getTime() - now.getTime()) / 1000);
  return { state: seconds > 0 ? 'valid' : 'expired', expiresAt: expiresAt.toISOString(), expiresInSeconds: seconds };
}

function safeFingerprint(pem: string): string | undefined {
  try {
    return certificateFingerprint(pem);
  } catch {
    return undefined;
  }
}

function safeVoucherName(type: number): string {
  return [1, 3, 6, 8, 11, 13].includes(type) ? voucherName(type as VoucherType) : `type ${type}`;
}

/** AFIP's own wording (fault, HTTP status, codes); these errors never carry the token or sign. */
function describe(error: unknown): string {
  if (error instanceof AfipError) return error.message.slice(0, 300);
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${CALL_TIMEOUT_MS / 1000} s`;
    return `${error.name}: ${error.message}`.slice(0, 300);
  }
  return 'unknown error';
}

async function inParallel<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
