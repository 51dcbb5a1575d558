import { join } from 'node:path';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { RedisClient } from './platform/redis.js';
import { InProcessJobQueue } from './platform/queue/in-process-queue.js';
import type { JobQueue } from './platform/queue/queue.js';
import type { AppConfig } from './platform/config.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { Database } from './platform/db/database.js';
import { createServer } from './platform/http/server.js';
import { registerWebApp } from './platform/http/web-app.js';
import { loggerOptions } from './platform/logger.js';
import { createMetrics, registerMetrics } from './platform/metrics.js';
import { clusterMetricsAggregator } from './platform/metrics-cluster.js';
import { registerTraceRouteNames } from './platform/tracing.js';
import { AccountsRepository } from './modules/accounts/repository.js';
import { accountsRoutes } from './modules/accounts/routes.js';
import { LoginThrottle } from './modules/accounts/login-throttle.js';
import { AccountsService } from './modules/accounts/service.js';
import { OAuthStateSigner, TokenService } from './modules/accounts/tokens.js';
import { CatalogRepository } from './modules/catalog/repository.js';
import { catalogRoutes } from './modules/catalog/routes.js';
import { CatalogService, SEARCH_SCOPE, shopScope } from './modules/catalog/service.js';
import { Cache, MemoryCacheStore, RedisCacheStore, type CacheObserver } from './platform/cache.js';
import { ShopAccess } from './modules/catalog/shop-access.js';
import { healthRoutes } from './modules/health/routes.js';
import { AnalyticsRepository } from './modules/analytics/repository.js';
import { analyticsRoutes } from './modules/analytics/routes.js';
import { ledgerRoutes } from './modules/ledger/routes.js';
import { opsRoutes } from './modules/ops/routes.js';
import { registerCoreJobs } from './jobs.js';
import { RetentionRepository } from './modules/retention/repository.js';
import { RetentionService } from './modules/retention/service.js';
import { AuditTrail } from './modules/audit/service.js';
import { LedgerService } from './modules/ledger/service.js';
import { MercadoPagoClient } from './modules/payments/mercadopago/client.js';
import { PaymentsRepository } from './modules/payments/repository.js';
import { paymentsRoutes } from './modules/payments/routes.js';
import { PaymentsService } from './modules/payments/service.js';
import { TEST_CRASH_ENV, testCrashPoint } from './modules/payments/crash-points.js';
import { SecretBox, parseKeyRing } from './platform/crypto/secret-box.js';
import { PersonalDataCipher } from './platform/crypto/personal-data.js';
import { resolveDataHashKey, resolveDataKeys, resolveWebhookSecret } from './platform/secrets.js';
import { BookingsRepository } from './modules/bookings/repository.js';
import { bookingsRoutes } from './modules/bookings/routes.js';
import { BookingsService } from './modules/bookings/service.js';
import { setupNotifications } from './modules/notifications/setup.js';
import { AvailabilityRepository } from './modules/availability/repository.js';
import { ShopAgendaService } from './modules/availability/agenda.js';
import { agendaRoutes, availabilityRoutes } from './modules/availability/routes.js';
import { AvailabilityService } from './modules/availability/service.js';
import { setupInvoicing, type AfipEndpoints } from './modules/invoicing/setup.js';
import { DashboardsRepository } from './modules/dashboards/repository.js';
import { processMetricsSource } from './modules/dashboards/metrics-source.js';
import { dashboardsRoutes } from './modules/dashboards/routes.js';
import { SecurityCounters } from './modules/dashboards/security-counters.js';
import { DashboardsService } from './modules/dashboards/service.js';
import type { InvoicingService } from './modules/invoicing/service.js';
import { setupIncidents } from './modules/incidents/setup.js';
import type { IncidentChannel } from './modules/incidents/channels.js';
import type { IncidentsService } from './modules/incidents/service.js';
import { NotificationsRepository } from './modules/notifications/repository.js';
import { PrivacyRepository } from './modules/privacy/repository.js';
import { privacyRoutes } from './modules/privacy/routes.js';
import { PrivacyService } from './modules/privacy/service.js';
import { registerAdminAudit } from './modules/security/admin-audit.js';
import { IpBlocklist } from './modules/security/ip-blocklist.js';
import { securityRoutes } from './modules/security/routes.js';

/** webhooks.process jobs each process runs at once (see where it is registered). */
const WEBHOOK_JOB_CONCURRENCY = 8;

export interface AppServices {
  accounts: AccountsService;
  catalog: CatalogService;
  availability: AvailabilityService;
  bookings: BookingsService;
  payments: PaymentsService;
  invoicing: InvoicingService;
  incidents: IncidentsService;
  privacy: PrivacyService;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices;
    queue: JobQueue;
    cache: Cache;
    /** Called on every cache lookup (hit, miss, error, bypass), e.g. to count them. */
    cacheObservers: CacheObserver[];
  }
}

export interface AppDependencies {
  config: AppConfig;
  database: Database;
  jwtSecret: string;
  clock?: Clock;
  /** Overrides the logger built from config (tests capture logs through it). */
  logger?: FastifyServerOptions['logger'];
  /** Request-path Redis (cache, rate limits, login throttling); absent on the embedded default. */
  redis?: RedisClient | undefined;
  /** Background jobs; an in-process runner when not given. */
  queue?: JobQueue;
  /** Overrides for MercadoPago (the local sandbox's URL on the embedded default, tests). */
  mercadopago?: { baseUrl?: string; authBaseUrl?: string; clientId?: string; clientSecret?: string };
  webhookSecret?: string;
  /** AFIP endpoints overriding the configuration (the local sandbox on the embedded default). */
  afip?: AfipEndpoints;
  /** `keyid:base64key[,…]` for secrets at rest; resolved from config when absent. */
  dataKeys?: string;
  /** A `serve --workers N` worker: GET /metrics answers with the whole cluster's totals. */
  clusterMetrics?: boolean;
  /** Serve the built web app at `/` from this directory (`serve` passes web/dist). */
  webDist?: string;
  /** Where incident pages go; from the configuration when absent. */
  incidentChannels?: IncidentChannel[];
}

/** Wires repositories → services → routes. Nothing here holds request state. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { config, database } = deps;
  const clock = deps.clock ?? systemClock;
  const db = database.db;
  const queue = deps.queue ?? new InProcessJobQueue();
  const cacheObservers: CacheObserver[] = [];

  const tokens = new TokenService(deps.jwtSecret, config.accessTokenTtlSeconds);
  const loginThrottle = new LoginThrottle(config.loginLockout, deps.redis, () => clock.now().getTime(), (scope) => securityCounters.onLockout(scope));
  const ipBlocklist = new IpBlocklist(config.ipBlocking, deps.redis, () => clock.now().getTime(), { onBlock: (source) => metrics.ipBlocks.inc({ source }) });
  const secretBox = new SecretBox(parseKeyRing(deps.dataKeys ?? resolveDataKeys(config)));
  const personalData = new PersonalDataCipher(secretBox, Buffer.from(resolveDataHashKey(config), 'base64'));
  const accountsRepo = new AccountsRepository(db, personalData);
  const accounts = new AccountsService(accountsRepo, tokens, clock, config.refreshTokenTtlDays, loginThrottle);
  const catalogRepo = new CatalogRepository(db);
  const shopAccess = new ShopAccess(catalogRepo);
  const cache = new Cache(deps.redis ? new RedisCacheStore(deps.redis) : new MemoryCacheStore(), (name, result) => cacheObservers.forEach((o) => o(name, result)));
  deps.redis?.on('ready', () => void cache.retryInvalidations());
  const catalog = new CatalogService(catalogRepo, shopAccess, clock, cache);
  const availabilityRepo = new AvailabilityRepository(db);
  const availability = new AvailabilityService(availabilityRepo, clock, cache);
  const bookings = new BookingsService(db, new BookingsRepository(db), availability, shopAccess, clock);

  // Precise invalidation, after each change commits: a shop's detail and bookable setup on any
  // catalog change; its bookings of the days a booking change touched; its detail and search
  // results on a new rating.
  catalog.onChange(async (shopId) => {
    await Promise.all([cache.invalidate(shopScope(shopId)), cache.invalidate(SEARCH_SCOPE)]);
  });
  bookings.onAgendaChange(async (event) => {
    if (event.type === 'reviewed') await Promise.all([cache.invalidate(shopScope(event.shopId)), cache.invalidate(SEARCH_SCOPE)]);
    else await availability.agendaChanged(event.shopId, event.starts);
  });

  const audit = new AuditTrail(db);
  const ledger = new LedgerService(db, audit);
  const webhookSecret = deps.webhookSecret ?? resolveWebhookSecret(config);
  const mercadopago = new MercadoPagoClient({
    ...(deps.mercadopago?.baseUrl ?? config.mercadopago.baseUrl ? { baseUrl: deps.mercadopago?.baseUrl ?? config.mercadopago.baseUrl } : {}),
    ...(deps.mercadopago?.authBaseUrl ? { authBaseUrl: deps.mercadopago.authBaseUrl } : {}),
  });
  const payments = new PaymentsService(
    db,
    new PaymentsRepository(db),
    bookings,
    mercadopago,
    secretBox,
    ledger,
    audit,
    queue,
    clock,
    {
      publicBaseUrl: config.publicBaseUrl,
      commissionBasisPoints: config.mercadopago.commissionBasisPoints,
      // Test-only crash injection; testCrashPoint refuses it under NODE_ENV=production.
      crashAt: testCrashPoint(config.env, process.env[TEST_CRASH_ENV]),
    },
    (level, message, data) => app.log[level](data ?? {}, message),
    {
      clientId: deps.mercadopago?.clientId ?? config.mercadopago.clientId,
      clientSecret: deps.mercadopago?.clientSecret ?? config.mercadopago.clientSecret,
      state: new OAuthStateSigner(deps.jwtSecret),
      access: shopAccess,
    },
  );
  // A cancellation owes the customer a refund in the cancellation's own transaction.
  bookings.onAgendaTransaction(async (trx, event) => {
    if (event.type === 'cancelled') await payments.onBookingCancelled(trx, event);
  });
  // Every collection gets an invoice and every refund a credit note, recorded with the money.
  const invoicing = setupInvoicing({
    db,
    databaseKind: database.kind,
    config,
    afip: deps.afip,
    clock,
    queue,
    box: secretBox,
    personalData,
    audit,
    access: shopAccess,
    payments,
    // Ids, types and numbers only: never keys, tokens, signs or customers' documents.
    log: (level, message, data) => app.log[level](data ?? {}, message),
  });
  // Processing a notification mostly waits on MercadoPago's API (GET /v1/payments), so one job
  // at a time per process would cap a whole instance at a few notifications a second; applying
  // a payment locks its booking and payment rows, so concurrent duplicates are safe.
  queue.register('webhooks.process', async (data: { notificationId: string }) => payments.processNotification(data.notificationId), { concurrency: WEBHOOK_JOB_CONCURRENCY });
  queue.register('payments.reconcile', async () => void (await payments.reconcile()));

  const metrics = createMetrics({ db, queue, clock });
  const securityCounters = new SecurityCounters(metrics.registry, metrics.accountLockouts);
  bookings.onAgendaChange(metrics.onAgendaChange);
  payments.onTransition(metrics.onPaymentTransition);
  cacheObservers.push(metrics.observeCache);
  // Data-subject rights and consent; it reads other modules' data through their own code.
  const notificationsRepo = new NotificationsRepository(db, personalData);
  const privacy = new PrivacyService(
    new PrivacyRepository(db, personalData),
    {
      accounts: accountsRepo,
      passwordMatches: (userId, password) => accounts.passwordMatches(userId, password),
      cancelBooking: (principal, bookingId, reason) => bookings.cancel(principal, bookingId, reason),
      notificationPreferences: (userId) => notificationsRepo.preferences(userId),
      invoicesForBooking: (principal, bookingId) => invoicing.service.forBooking(principal, bookingId),
    },
    clock,
    // Ids, kinds and field names only: never names, emails, phones or what a requester wrote.
    (level, message, data) => app.log[level](data ?? {}, message),
  );
  accounts.useConsents(privacy);
  const incidents = setupIncidents({
    db,
    config,
    clock,
    queue,
    registry: metrics.registry,
    channels: deps.incidentChannels,
    // Ids and counts only: titles and notes stay in the database.
    log: (level, message, data) => app.log[level](data ?? {}, message),
  });
  // Ids and kinds only reach this log, never addresses, phones or message texts.
  const notificationRoutes = setupNotifications({
    db,
    config,
    clock,
    queue,
    bookings,
    personalData,
    log: (msg, data) => app.log.info(data ?? {}, msg),
    isProcessingBlocked: (customerId) => privacy.isProcessingBlocked(customerId),
  });

  const app = await createServer({
    logger: deps.logger ?? (config.logLevel === 'silent' ? false : loggerOptions(config)),
    verifyAccessToken: (token) => tokens.verifyAccessToken(token, clock.now()),
    publicBaseUrl: config.publicBaseUrl,
    trustProxy: config.trustProxy,
    metricsToken: config.metricsToken,
    alertmanagerToken: config.alertmanagerWebhookToken,
    rateLimit: { redis: deps.redis, perMinute: config.rateLimits.perMinute },
    corsOrigins: config.corsOrigins,
    addressGuard: {
      guard: ipBlocklist,
      onBlockedRequest: () => metrics.blockedRequests.inc(),
      onGuardError: (request, error) => request.log.warn({ err: { message: (error as Error).message } }, 'address blocklist unavailable'),
    },
  });
  registerAdminAudit(app, { db, audit, clock });
  bookings.onListenerError = (error, type) => app.log.warn({ event: type, err: error instanceof Error ? { message: error.message } : error }, 'agenda listener failed after commit');
  registerMetrics(app, metrics, deps.clusterMetrics ? { aggregate: clusterMetricsAggregator(metrics) } : {});
  registerTraceRouteNames(app);

  await app.register(healthRoutes(database, deps.redis));
  await app.register(accountsRoutes(accounts, config.rateLimits));
  await app.register(catalogRoutes(catalog));
  await app.register(availabilityRoutes(availability));
  await app.register(agendaRoutes(new ShopAgendaService(availabilityRepo, shopAccess, clock)));
  await app.register(bookingsRoutes(bookings, config.rateLimits));
  const analytics = new AnalyticsRepository(db);
  await app.register(analyticsRoutes(analytics));
  await app.register(ledgerRoutes({ db, shopAccess }));
  await app.register(opsRoutes(db, { queue, bookings, clock, incidents: incidents.service, keyRing: { current: secretBox.currentKeyId, configured: secretBox.keyIds } }));
  await app.register(incidents.routes);
  const dashboards = new DashboardsService(
    new DashboardsRepository(db),
    processMetricsSource(metrics, new Date(Date.now() - process.uptime() * 1000)),
    { revenueTargetDailyCents: config.revenueTargetDailyCents },
  );
  await app.register(dashboardsRoutes(dashboards));
  const retention = new RetentionService(new RetentionRepository(db), clock, config.smtpUrl ? undefined : join(config.dataDir, 'outbox'));
  await app.register(securityRoutes(ipBlocklist));
  registerCoreJobs(queue, { bookings, analytics, clock, retention });
  await app.register(notificationRoutes);
  await app.register(invoicing.routes);
  await app.register(privacyRoutes(privacy, config.rateLimits));
  await app.register(
    paymentsRoutes(payments, {
      webhookSecret,
      clock,
      // A security event: no body, no address — the reason and the request id are enough to investigate.
      onRejectedSignature: (reason) => {
        securityCounters.onRejectedSignature(reason);
        app.log.warn({ security: 'webhook_signature_rejected', reason }, 'MercadoPago webhook refused');
      },
    }),
  );
  if (deps.webDist && !(await registerWebApp(app, deps.webDist))) app.log.warn({ webDist: deps.webDist }, 'web app not built (npm run build:web): serving the API only');
  app.decorate('services', { accounts, catalog, availability, bookings, payments, invoicing: invoicing.service, incidents: incidents.service, privacy });
  app.decorate('queue', queue);
  app.decorate('cache', cache);
  app.decorate('cacheObservers', cacheObservers);
  return app;
}
