import { z } from 'zod';

/**
 * Runtime configuration, read once from the environment.
 * Without DATABASE_URL the embedded default (PGlite in DATA_DIR) is used; with it,
 * the same code talks to a real PostgreSQL server.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(20),
  REDIS_URL: z.string().optional(),
  DATA_DIR: z.string().default('./.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JWT_SECRET: z.string().min(32).optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SEED_DEMO: z.enum(['auto', 'true', 'false']).default('auto'),
  PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
  METRICS_TOKEN: z.string().min(16).optional(),
});

export type AppConfig = {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  database: { kind: 'postgres'; url: string; poolMax: number } | { kind: 'pglite'; dataDir: string };
  redisUrl: string | undefined;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  jwtSecret: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  seedDemo: boolean;
  publicBaseUrl: string;
  /** Bearer token Prometheus presents on /metrics. */
  metricsToken: string | undefined;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${details}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production') {
    if (!e.DATABASE_URL) throw new Error('Invalid configuration: DATABASE_URL is required in production');
    if (!e.JWT_SECRET) throw new Error('Invalid configuration: JWT_SECRET is required in production');
  }
  const embedded = !e.DATABASE_URL;
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX }
      : { kind: 'pglite', dataDir: `${e.DATA_DIR}/pglite` },
    redisUrl: e.REDIS_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    jwtSecret: e.JWT_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    // Demo data is seeded by default only on the embedded database, never on a real server.
    seedDemo: e.SEED_DEMO === 'auto' ? embedded && e.NODE_ENV !== 'test' : e.SEED_DEMO === 'true',
    publicBaseUrl: e.PUBLIC_BASE_URL,
    metricsToken: e.METRICS_TOKEN,
  };
}
