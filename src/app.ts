import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { InProcessJobQueue } from './platform/queue/in-process-queue.js';
import type { JobQueue } from './platform/queue/queue.js';
import type { AppConfig } from './platform/config.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { Database } from './platform/db/database.js';
import { createServer } from './platform/http/server.js';
import { loggerOptions } from './platform/logger.js';
import { AccountsRepository } from './modules/accounts/repository.js';
import { accountsRoutes } from './modules/accounts/routes.js';
import { AccountsService } from './modules/accounts/service.js';
import { TokenService } from './modules/accounts/tokens.js';
import { CatalogRepository } from './modules/catalog/repository.js';
import { catalogRoutes } from './modules/catalog/routes.js';
import { CatalogService } from './modules/catalog/service.js';
import { ShopAccess } from './modules/catalog/shop-access.js';
import { healthRoutes } from './modules/health/routes.js';
import { AnalyticsRepository } from './modules/analytics/repository.js';
import { analyticsRoutes } from './modules/analytics/routes.js';
import { BookingsRepository } from './modules/bookings/repository.js';
import { bookingsRoutes } from './modules/bookings/routes.js';
import { BookingsService } from './modules/bookings/service.js';
import { AvailabilityRepository } from './modules/availability/repository.js';
import { availabilityRoutes } from './modules/availability/routes.js';
import { AvailabilityService } from './modules/availability/service.js';

export interface AppServices {
  accounts: AccountsService;
  catalog: CatalogService;
  availability: AvailabilityService;
  bookings: BookingsService;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices;
    queue: JobQueue;
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
  redis?: Redis | undefined;
  /** Background jobs; an in-process runner when not given. */
  queue?: JobQueue;
}

/** Wires repositories → services → routes. Nothing here holds request state. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { config, database } = deps;
  const clock = deps.clock ?? systemClock;
  const db = database.db;
  const queue = deps.queue ?? new InProcessJobQueue();

  const tokens = new TokenService(deps.jwtSecret, config.accessTokenTtlSeconds);
  const accounts = new AccountsService(new AccountsRepository(db), tokens, clock, config.refreshTokenTtlDays);
  const catalogRepo = new CatalogRepository(db);
  const shopAccess = new ShopAccess(catalogRepo);
  const catalog = new CatalogService(catalogRepo, shopAccess, clock);
  const availability = new AvailabilityService(new AvailabilityRepository(db), clock);
  const bookings = new BookingsService(db, new BookingsRepository(db), availability, shopAccess, clock);

  const app = await createServer({
    logger: deps.logger ?? (config.logLevel === 'silent' ? false : loggerOptions(config)),
    verifyAccessToken: (token) => tokens.verifyAccessToken(token, clock.now()),
    publicBaseUrl: config.publicBaseUrl,
    metricsToken: config.metricsToken,
  });

  await app.register(healthRoutes(database));
  await app.register(accountsRoutes(accounts));
  await app.register(catalogRoutes(catalog));
  await app.register(availabilityRoutes(availability));
  await app.register(bookingsRoutes(bookings));
  await app.register(analyticsRoutes(new AnalyticsRepository(db)));
  app.decorate('services', { accounts, catalog, availability, bookings });
  app.decorate('queue', queue);
  return app;
}
