import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { Clock } from './clock.js';
import type { BookingStatus, DB } from './db/schema.js';
import { METRICS_SCRAPER } from './http/access.js';
import { JOB_NAMES, type JobName, type JobQueue, type QueueDepth } from './queue/queue.js';

/**
 * Prometheus metrics, one registry per app (several apps share a test process).
 *
 * Every figure is measured: request timings and event counts in this process, business
 * gauges read from PostgreSQL when Prometheus scrapes. Nothing is estimated or filled in:
 * a source that cannot be read (database down, query too slow) leaves its series out of
 * that scrape and says so in `barberpro_metrics_collector_success`.
 *
 * Counters are per process (sum them across instances); the business gauges are the same
 * database-wide figure on every instance (aggregate them with max, not sum).
 */

/** Seconds. Fine-grained under the 200 ms P95 target of the launch runbook. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5];

/** Label for requests that concern no shop (or one we could not place). */
export const NO_REGION = 'none';
/** Label for regions past the cap: region is free text typed by providers. */
export const OTHER_REGION = 'other';
const MAX_REGION_LABELS = 64;
/** Label for requests that matched no route: never the raw URL. */
export const UNMATCHED_ROUTE = 'unmatched';

const BOOKING_STATUSES: readonly BookingStatus[] = ['pending', 'confirmed', 'completed', 'no_show', 'cancelled', 'expired'];
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const satisfies readonly (keyof QueueDepth)[];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROBLEM_CODE = /"code":"([a-z][a-z0-9_]{0,63})"/;
const NO_LOOKUP_STATUSES = new Set([401, 403, 404, 429]);

export type CacheResult = 'hit' | 'miss' | 'error' | 'bypass';

/** Tables later issues add; their gauges exist only while the table does. */
const OPTIONAL_TABLES = ['payments', 'invoices'] as const;
type OptionalTable = (typeof OPTIONAL_TABLES)[number];

export interface MetricsOptions {
  db: Kysely<DB>;
  queue: JobQueue;
  /** The app's clock: a hold is active while hold_expires_at is after its now(). */
  clock: Clock;
  /** Budget for each scrape-time source (SQL statement, queue depths). Default 2 s. */
  collectTimeoutMs?: number;
  /** process_* and nodejs_* metrics from prom-client. Default true. */
  defaultMetrics?: boolean;
}

/** Region labels: trimmed, lower-cased (the catalog compares regions case-insensitively), capped. */
export class RegionLabels {
  private readonly known = new Set<string>();
  constructor(private readonly max = MAX_REGION_LABELS) {}

  label(raw: string | null | undefined): string {
    const value = (raw ?? '').normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('es-AR').slice(0, 64);
    if (!value) return NO_REGION;
    if (this.known.has(value)) return value;
    if (this.known.size >= this.max) return OTHER_REGION;
    this.known.add(value);
    return value;
  }
}

/**
 * shop id → region label, filled lazily from the database and kept in a small LRU with a TTL
 * (a shop rarely moves region; a stale label lasts at most the TTL). A lookup that fails
 * answers NO_REGION and pauses lookups for a while instead of adding load to a sick database.
 */
export class ShopRegions {
  private readonly entries = new Map<string, { region: string; expiresAt: number }>();
  private readonly inflight = new Map<string, Promise<string>>();
  private pausedUntil = 0;

  constructor(
    private readonly load: (shopId: string) => Promise<string | null | undefined>,
    private readonly labels: RegionLabels,
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  /** The cached label, or undefined when a lookup is needed. */
  peek(shopId: string): string | undefined {
    if (!UUID.test(shopId)) return NO_REGION;
    const entry = this.entries.get(shopId);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(shopId);
      return undefined;
    }
    this.entries.delete(shopId);
    this.entries.set(shopId, entry);
    return entry.region;
  }

  resolve(shopId: string): Promise<string> {
    const cached = this.peek(shopId);
    if (cached !== undefined) return Promise.resolve(cached);
    if (Date.now() < this.pausedUntil) return Promise.resolve(NO_REGION);
    let pending = this.inflight.get(shopId);
    if (!pending) {
      pending = this.load(shopId)
        .then(
          (raw) => {
            // An unknown shop is remembered as NO_REGION too: ids are random, nobody guesses one that appears later.
            const region = raw == null ? NO_REGION : this.labels.label(raw);
            this.store(shopId, region);
            return region;
          },
          () => {
            this.pausedUntil = Date.now() + 10_000;
            return NO_REGION;
          },
        )
        .finally(() => this.inflight.delete(shopId));
      this.inflight.set(shopId, pending);
    }
    return pending;
  }

  private store(shopId: string, region: string): void {
    this.entries.delete(shopId);
    this.entries.set(shopId, { region, expiresAt: Date.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

class CollectTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CollectTimeout(`timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface BookingCount {
  region: string | null;
  status: string;
  count: number;
}

/** What one scrape read; a missing field is a source that could not be read. */
interface Snapshot {
  bookings?: BookingCount[];
  activeHolds?: Array<{ region: string | null; count: number }>;
  queue?: Record<JobName, QueueDepth>;
  optional: Partial<Record<OptionalTable, Array<{ status: string; count: number }>>>;
  paymentOutcomes?: { succeeded: number; failed: number };
  success: Record<string, boolean>;
}

/** Payment statuses that mean the money was collected, even if later refunded or disputed. */
const SUCCEEDED_PAYMENT_STATUSES = ['approved', 'partially_refunded', 'refunded', 'charged_back', 'disputed'] as const;
/** MercadoPago's rejected and cancelled payments are both stored as rejected. */
const FAILED_PAYMENT_STATUSES = ['rejected'] as const;
const PAYMENT_SUCCESS_WINDOW_MS = 24 * 60 * 60_000;

/**
 * A committed payment change, as PaymentsService.onTransition reports it (structural, so the
 * platform does not depend on the payments module).
 */
export type PaymentTransitionEvent = { type: 'status_changed'; to: string } | { type: 'refund_recorded'; refundCents: number };

export class AppMetrics {
  readonly registry = new Registry();
  readonly regionLabels = new RegionLabels();
  readonly shopRegions: ShopRegions;

  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code' | 'region'>;
  readonly httpRequestErrors: Counter<'method' | 'route' | 'status_class' | 'code'>;
  /** For the cache module: `metrics.cacheRequests.inc({ cache: 'availability', result: 'hit' })`. */
  readonly cacheRequests: Counter<'cache' | 'result'>;
  readonly bookingsCreated: Counter<'region'>;
  readonly agendaEvents: Counter<'type' | 'region'>;
  readonly paymentsApplied: Counter<'status'>;
  readonly refunds: Counter;
  readonly refundedCentavos: Counter;
  readonly blockedRequests: Counter;
  readonly ipBlocks: Counter<'source'>;
  readonly accountLockouts: Counter<'scope'>;

  private readonly optionalGauges: Record<OptionalTable, Array<{ name: string; gauge: Gauge<string> }>>;

  private readonly db: Kysely<DB>;
  private readonly queue: JobQueue;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly presentTables = new Set<OptionalTable>();
  private scrape: Promise<Snapshot> | undefined;

  constructor(options: MetricsOptions) {
    this.db = options.db;
    this.queue = options.queue;
    this.clock = options.clock;
    this.timeoutMs = options.collectTimeoutMs ?? 2_000;
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    this.shopRegions = new ShopRegions(
      (shopId) =>
        withTimeout(
          this.db
            .selectFrom('shops')
            .select('region')
            .where('id', '=', shopId)
            .executeTakeFirst()
            .then((row) => row?.region),
          this.timeoutMs,
        ),
      this.regionLabels,
    );

    this.httpRequestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Server time of HTTP requests, by route pattern, method, status code and the provider region the request concerns.',
      labelNames: ['method', 'route', 'status_code', 'region'],
      buckets: HTTP_DURATION_BUCKETS,
      registers,
    });
    this.httpRequestErrors = new Counter({
      name: 'http_requests_errors_total',
      help: 'HTTP responses with status 4xx or 5xx, by route pattern and problem+json code.',
      labelNames: ['method', 'route', 'status_class', 'code'],
      registers,
    });
    this.cacheRequests = new Counter({
      name: 'barberpro_cache_requests_total',
      help: 'Cache lookups by cache and result (hit, miss, error, bypass).',
      labelNames: ['cache', 'result'],
      registers,
    });
    this.bookingsCreated = new Counter({
      name: 'barberpro_bookings_created_total',
      help: 'Bookings created (committed) by this process, by provider region.',
      labelNames: ['region'],
      registers,
    });
    this.agendaEvents = new Counter({
      name: 'barberpro_agenda_events_total',
      help: 'Committed agenda changes seen by this process (created, confirmed, cancelled, rescheduled, completed, no_show, reviewed, hold_expired), by provider region.',
      labelNames: ['type', 'region'],
      registers,
    });

    this.paymentsApplied = new Counter({
      name: 'barberpro_payments_applied_total',
      help: 'Payment status changes committed by this process, by the new status (approved, rejected, refunded, charged_back …); re-applying a status a payment already has does not count.',
      labelNames: ['status'],
      registers,
    });
    this.refunds = new Counter({
      name: 'barberpro_refunds_total',
      help: 'Refunds MercadoPago confirmed and this process recorded in the ledger (each once).',
      registers,
    });
    this.refundedCentavos = new Counter({
      name: 'barberpro_refunded_centavos_total',
      help: 'Money of those refunds, in integer centavos (ARS).',
      registers,
    });
    this.blockedRequests = new Counter({
      name: 'barberpro_blocked_requests_total',
      help: 'Requests this process refused because their address is blocked (403 ip_blocked).',
      registers,
    });
    this.ipBlocks = new Counter({
      name: 'barberpro_ip_blocks_total',
      help: 'Addresses blocked by this process: automatic (repeated refused requests) or manual (an operator).',
      labelNames: ['source'],
      registers,
    });
    this.accountLockouts = new Counter({
      name: 'barberpro_account_lockouts_total',
      help: 'Login lockouts started by this process after repeated failed logins, per account or per address.',
      labelNames: ['scope'],
      registers,
    });
    // Every series exists from the start at 0, so increase() sees the first event.
    for (const source of ['automatic', 'manual']) this.ipBlocks.inc({ source }, 0);
    for (const scope of ['account', 'ip']) this.accountLockouts.inc({ scope }, 0);

    // Scrape-time gauges: each collect() reads its part of one shared snapshot, so a scrape
    // costs one query per source however many gauges read it.
    const snapshot = () => this.snapshot();
    const labels = this.regionLabels;
    const bookingsGauge: Gauge<'status' | 'region'> = new Gauge({
      name: 'barberpro_bookings',
      aggregator: 'first', // database-wide: every worker reads the same value
      help: 'Bookings in the database by status and provider region, counted at scrape time (database-wide).',
      labelNames: ['status', 'region'],
      registers,
      async collect() {
        const { bookings } = await snapshot();
        bookingsGauge.reset();
        for (const { status, region, count } of aggregateBookings(bookings ?? [], labels)) bookingsGauge.set({ status, region }, count);
      },
    });
    const activeHoldsGauge: Gauge<'region'> = new Gauge({
      name: 'barberpro_active_holds',
      aggregator: 'first', // database-wide: every worker reads the same value
      help: 'Pending bookings whose hold has not expired yet (slots held for a checkout) by provider region, counted at scrape time (database-wide).',
      labelNames: ['region'],
      registers,
      async collect() {
        const { activeHolds, bookings } = await snapshot();
        activeHoldsGauge.reset();
        if (!activeHolds) return;
        // Regions with bookings but no live hold get a measured 0, so sum() does not vanish.
        for (const region of new Set((bookings ?? []).map((r) => labels.label(r.region)))) activeHoldsGauge.set({ region }, 0);
        for (const row of activeHolds) activeHoldsGauge.inc({ region: labels.label(row.region) }, row.count);
      },
    });
    const queueJobsGauge: Gauge<'queue' | 'state'> = new Gauge({
      name: 'barberpro_queue_jobs',
      aggregator: 'first', // database-wide: every worker reads the same value
      help: 'Background jobs by queue and state (waiting, active, delayed, failed = dead letters), read at scrape time.',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        const { queue } = await snapshot();
        queueJobsGauge.reset();
        if (!queue) return;
        for (const name of JOB_NAMES) for (const state of QUEUE_STATES) queueJobsGauge.set({ queue: name, state }, queue[name][state]);
      },
    });

    const optionalGauge = (table: OptionalTable, help: string): Gauge<'status'> => {
      const gauge: Gauge<'status'> = new Gauge({
        name: `barberpro_${table}`,
      aggregator: 'first', // database-wide: every worker reads the same value
        help,
        labelNames: ['status'],
        registers: [], // registered only while the table exists (see refreshOptionalTables)
        async collect() {
          const rows = (await snapshot()).optional[table];
          gauge.reset();
          for (const row of rows ?? []) gauge.set({ status: row.status }, row.count);
        },
      });
      return gauge;
    };
    // A label, not a bare gauge: prom-client always exports an unlabelled gauge (as 0), and a
    // window with no finished payment has no ratio at all, not a ratio of 0.
    const successRatio: Gauge<'window'> = new Gauge({
      name: 'barberpro_payment_success_ratio',
      aggregator: 'first', // database-wide: every worker reads the same value
      help: 'Of the payments started in the last 24 h that have finished, the share collected: approved (including later refunded or disputed) / (that + rejected or cancelled). Absent when none has finished (database-wide).',
      labelNames: ['window'],
      registers: [], // registered with the payments table (see refreshOptionalTables)
      async collect() {
        const { paymentOutcomes } = await snapshot();
        successRatio.reset();
        const finished = paymentOutcomes ? paymentOutcomes.succeeded + paymentOutcomes.failed : 0;
        if (paymentOutcomes && finished > 0) successRatio.set({ window: '24h' }, paymentOutcomes.succeeded / finished);
      },
    });
    this.optionalGauges = {
      payments: [
        { name: 'barberpro_payments', gauge: optionalGauge('payments', 'Payments in the database by status, counted at scrape time (database-wide).') },
        { name: 'barberpro_payment_success_ratio', gauge: successRatio },
      ],
      invoices: [{ name: 'barberpro_invoices', gauge: optionalGauge('invoices', 'Invoices and credit notes in the database by status (pending, issuing, authorized, rejected), counted at scrape time (database-wide).') }],
    };

    const collectorSuccess: Gauge<'collector'> = new Gauge({
      name: 'barberpro_metrics_collector_success',
      aggregator: 'min', // across workers: 0 if any worker failed to read the source
      help: 'Whether each scrape-time source was read in this scrape (1) or left out because it failed or timed out (0).',
      labelNames: ['collector'],
      registers,
      async collect() {
        const { success } = await snapshot();
        collectorSuccess.reset();
        for (const [collector, ok] of Object.entries(success)) collectorSuccess.set({ collector }, ok ? 1 : 0);
      },
    });
  }

  /** A cache observer: `(cache, result) => void`, for the cache module to call on every lookup. */
  readonly observeCache = (cache: string, result: CacheResult): void => {
    this.cacheRequests.inc({ cache, result });
  };

  /** A bookings.onAgendaChange listener. Never waits: a region lookup finishes in the background. */
  readonly onAgendaChange = (event: { shopId: string; type: string }): void => {
    this.withRegion(event.shopId, (region) => {
      this.agendaEvents.inc({ type: event.type, region });
      if (event.type === 'created') this.bookingsCreated.inc({ region });
    });
  };

  /** A payments.onTransition listener: counts real changes only (the service emits each once, after commit). */
  readonly onPaymentTransition = (event: PaymentTransitionEvent): void => {
    if (event.type === 'status_changed') this.paymentsApplied.inc({ status: event.to });
    else {
      this.refunds.inc();
      this.refundedCentavos.inc(event.refundCents);
    }
  };

  /**
   * Runs `record` with the shop's region label: at once when cached, after the lookup
   * otherwise (or with NO_REGION at once when `lookup` is false).
   */
  withRegion(shopId: string | undefined, record: (region: string) => void, lookup = true): void {
    if (!shopId) return record(NO_REGION);
    const cached = this.shopRegions.peek(shopId);
    if (cached !== undefined) return record(cached);
    if (!lookup) return record(NO_REGION);
    this.track(this.shopRegions.resolve(shopId).then(record));
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  /** Waits for observations still waiting on a region lookup. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** The exposition text, as GET /metrics serves it. */
  async render(): Promise<{ contentType: string; body: string }> {
    await this.settled();
    await this.refreshOptionalTables();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** This process's metrics as prom-client JSON, for the cluster primary to aggregate. */
  async renderJson(): Promise<MetricObjectWithValues<MetricValue<string>>[]> {
    await this.settled();
    await this.refreshOptionalTables();
    return this.registry.getMetricsAsJSON();
  }

  /** Registers the payments/invoices gauges only while their tables exist: no zeros for things that are not there. */
  private async refreshOptionalTables(): Promise<void> {
    let present: Set<OptionalTable>;
    try {
      const query = sql<Record<OptionalTable, boolean>>`select to_regclass('payments') is not null as payments, to_regclass('invoices') is not null as invoices`;
      const row = (await withTimeout(query.execute(this.db), this.timeoutMs)).rows[0];
      present = new Set(OPTIONAL_TABLES.filter((t) => row?.[t]));
    } catch {
      return; // keep what we had; the snapshot reports the database as failing
    }
    for (const table of OPTIONAL_TABLES) {
      const gauges = this.optionalGauges[table];
      if (present.has(table) && !this.presentTables.has(table)) {
        for (const { gauge } of gauges) this.registry.registerMetric(gauge);
        this.presentTables.add(table);
      } else if (!present.has(table) && this.presentTables.has(table)) {
        for (const { name } of gauges) this.registry.removeSingleMetric(name);
        this.presentTables.delete(table);
      }
    }
  }

  /** One read of every scrape-time source, shared by the gauges of a scrape (and by concurrent scrapes). */
  private snapshot(): Promise<Snapshot> {
    this.scrape ??= this.readSources().finally(() => {
      this.scrape = undefined;
    });
    return this.scrape;
  }

  private async readSources(): Promise<Snapshot> {
    const success: Record<string, boolean> = {};
    const attempt = async <T>(name: string, read: () => Promise<T>): Promise<T | undefined> => {
      try {
        const value = await withTimeout(read(), this.timeoutMs);
        success[name] = true;
        return value;
      } catch {
        success[name] = false;
        return undefined;
      }
    };
    const now = this.clock.now();
    const since = new Date(now.getTime() - PAYMENT_SUCCESS_WINDOW_MS);
    const [bookings, activeHolds, queue, paymentOutcomes, ...optional] = await Promise.all([
      attempt('bookings', () =>
        this.bounded((db) =>
          db
            .selectFrom('bookings as b')
            .innerJoin('shops as s', 's.id', 'b.shop_id')
            .select(['s.region as region', 'b.status as status', (eb) => eb.fn.countAll<number>().as('count')])
            .groupBy(['s.region', 'b.status'])
            .execute(),
        ),
      ),
      attempt('active_holds', () =>
        this.bounded((db) =>
          db
            .selectFrom('bookings as b')
            .innerJoin('shops as s', 's.id', 'b.shop_id')
            .select(['s.region as region', (eb) => eb.fn.countAll<number>().as('count')])
            .where('b.status', '=', 'pending')
            .where('b.hold_expires_at', '>', now)
            .groupBy('s.region')
            .execute(),
        ),
      ),
      attempt('queue', () => this.queue.depths()),
      this.presentTables.has('payments')
        ? attempt('payment_outcomes', () =>
            this.bounded(async (db) => {
              const result = await sql<{ succeeded: number; failed: number }>`
                select count(*) filter (where status in (${sql.join([...SUCCEEDED_PAYMENT_STATUSES])}))::int as succeeded,
                       count(*) filter (where status in (${sql.join([...FAILED_PAYMENT_STATUSES])}))::int as failed
                from payments
                where created_at >= ${since}`.execute(db);
              return result.rows[0] ?? { succeeded: 0, failed: 0 };
            }),
          )
        : Promise.resolve(undefined),
      ...[...this.presentTables].map((table) =>
        attempt(table, () =>
          this.bounded(async (db) => {
            // Table names come from OPTIONAL_TABLES, never from input.
            const result = await sql<{ status: string; count: number }>`select status::text as status, count(*)::int as count from ${sql.table(table)} group by status`.execute(db);
            return [table, result.rows] as const;
          }),
        ),
      ),
    ]);
    const snapshot: Snapshot = { optional: {}, success };
    if (bookings) snapshot.bookings = bookings.map((r) => ({ region: r.region, status: r.status, count: Number(r.count) }));
    if (activeHolds) snapshot.activeHolds = activeHolds.map((r) => ({ region: r.region, count: Number(r.count) }));
    if (queue) snapshot.queue = queue;
    if (paymentOutcomes) snapshot.paymentOutcomes = { succeeded: Number(paymentOutcomes.succeeded), failed: Number(paymentOutcomes.failed) };
    for (const entry of optional) if (entry) snapshot.optional[entry[0]] = entry[1];
    return snapshot;
  }

  /** One statement with a server-side timeout too, so a slow count never piles up on the database. */
  private bounded<T>(run: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      await sql`select set_config('statement_timeout', ${String(this.timeoutMs)}, true)`.execute(trx);
      return run(trx);
    });
  }
}

function aggregateBookings(rows: BookingCount[], labels: RegionLabels): Array<{ status: string; region: string; count: number }> {
  // Several raw spellings of a region ("Cuyo", "CUYO ") share one label; every status of a
  // region that has bookings is reported, zero included (a measured zero).
  const out = new Map<string, { status: string; region: string; count: number }>();
  const add = (status: string, region: string, count: number) => {
    const key = `${status}\u0000${region}`;
    const entry = out.get(key);
    if (entry) entry.count += count;
    else out.set(key, { status, region, count });
  };
  for (const region of new Set(rows.map((r) => labels.label(r.region)))) for (const status of BOOKING_STATUSES) add(status, region, 0);
  for (const row of rows) add(row.status, labels.label(row.region), row.count);
  return [...out.values()];
}

export function createMetrics(options: MetricsOptions): AppMetrics {
  return new AppMetrics(options);
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AppMetrics;
  }
}

function shopIdOf(request: FastifyRequest): string | undefined {
  const fromParams = (request.params as { shopId?: unknown } | undefined)?.shopId;
  if (typeof fromParams === 'string') return fromParams;
  const body = request.body as { shopId?: unknown } | null | undefined;
  return body && typeof body === 'object' && typeof body.shopId === 'string' ? body.shopId : undefined;
}

/**
 * HTTP timing and error counting for every route (404s included, as route "unmatched"),
 * and GET /metrics for Prometheus (METRICS_TOKEN bearer, or an admin). Call right after
 * createServer, before the modules' routes.
 */
export interface RegisterMetricsOptions {
  /** Under `serve --workers N`: the whole service's totals, merged by the cluster primary. */
  aggregate?: () => Promise<{ contentType: string; body: string; workers: number; expected: number } | undefined>;
}

export function registerMetrics(app: FastifyInstance, metrics: AppMetrics, options: RegisterMetricsOptions = {}): void {
  const problemCodes = new WeakMap<FastifyRequest, string>();

  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 400 && typeof payload === 'string' && String(reply.getHeader('content-type')).startsWith('application/problem+json')) {
      const code = PROBLEM_CODE.exec(payload.slice(0, 2_048))?.[1];
      if (code) problemCodes.set(request, code);
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const method = request.method;
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1_000;
    if (status >= 400) {
      metrics.httpRequestErrors.inc({ method, route, status_class: status >= 500 ? '5xx' : '4xx', code: problemCodes.get(request) ?? 'none' });
    }
    metrics.withRegion(
      route === UNMATCHED_ROUTE ? undefined : shopIdOf(request),
      (region) => metrics.httpRequestDuration.observe({ method, route, status_code: String(status), region }, seconds),
      // No lookup for ids that named nothing or for refused callers: random ids must not turn into queries.
      !NO_LOOKUP_STATUSES.has(status),
    );
  });

  // `?scope=process` answers for this process alone (the load benchmark counts per worker).
  app.get('/metrics', { config: { access: METRICS_SCRAPER, rateLimit: false }, schema: { hide: true } }, async (request, reply) => {
    const wantsProcess = (request.query as { scope?: unknown }).scope === 'process';
    const aggregated = !wantsProcess && options.aggregate ? await options.aggregate() : undefined;
    if (aggregated && aggregated.workers > 0) {
      // Says how many workers the totals cover, so a scrape during a restart is recognisable.
      return reply.type(aggregated.contentType).header('x-metrics-scope', `cluster; workers=${aggregated.workers}/${aggregated.expected}`).send(aggregated.body);
    }
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).header('x-metrics-scope', 'process').send(body);
  });

  app.decorate('metrics', metrics);
}
