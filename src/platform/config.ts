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
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().min(3).default('BarberPro <no-reply@barberpro.ar>'),
  WHATSAPP_API_URL: z.string().url().default('https://graph.facebook.com'),
  WHATSAPP_TOKEN: z.string().min(1).optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^[0-9]+$/).optional(),
  MP_BASE_URL: z.string().url().optional(),
  MP_WEBHOOK_SECRET: z.string().min(16).optional(),
  MP_CLIENT_ID: z.string().min(1).optional(),
  MP_CLIENT_SECRET: z.string().min(1).optional(),
  PLATFORM_COMMISSION_BPS: z.coerce.number().int().min(0).max(5_000).default(500),
  DATA_ENCRYPTION_KEYS: z.string().min(10).optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_BOOKINGS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  LOGIN_LOCKOUT_ACCOUNT_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCKOUT_IP_FAILURES: z.coerce.number().int().min(1).default(20),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).default(15),
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
  /** smtp(s)://user:pass@host:port; unset → emails are written as .eml files to DATA_DIR/outbox. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Meta WhatsApp Cloud API; without a token messages go to DATA_DIR/outbox/whatsapp.jsonl. */
  whatsappApiUrl: string;
  whatsappToken: string | undefined;
  whatsappPhoneNumberId: string | undefined;
  /**
   * MercadoPago. Unset base URL → the real API, except on the embedded default, where the
   * local sandbox is started and used instead.
   */
  mercadopago: { baseUrl: string | undefined; webhookSecret: string | undefined; clientId: string | undefined; clientSecret: string | undefined; commissionBasisPoints: number };
  /** `keyid:base64key[,older:base64key]`; unset → a development key kept in DATA_DIR. */
  dataEncryptionKeys: string | undefined;
  rateLimits: { perMinute: number; loginPerMinute: number; bookingsPerMinute: number };
  loginLockout: { accountFailures: number; ipFailures: number; minutes: number };
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
    // Generated development secrets would live on one container's disk: refuse them here.
    if (!e.MP_WEBHOOK_SECRET) throw new Error('Invalid configuration: MP_WEBHOOK_SECRET is required in production');
    if (!e.DATA_ENCRYPTION_KEYS) throw new Error('Invalid configuration: DATA_ENCRYPTION_KEYS is required in production');
  }
  if (e.WHATSAPP_TOKEN && !e.WHATSAPP_PHONE_NUMBER_ID)
    throw new Error('Invalid configuration: WHATSAPP_PHONE_NUMBER_ID is required with WHATSAPP_TOKEN');
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
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    whatsappApiUrl: e.WHATSAPP_API_URL,
    whatsappToken: e.WHATSAPP_TOKEN,
    whatsappPhoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
    mercadopago: {
      baseUrl: e.MP_BASE_URL,
      webhookSecret: e.MP_WEBHOOK_SECRET,
      clientId: e.MP_CLIENT_ID,
      clientSecret: e.MP_CLIENT_SECRET,
      commissionBasisPoints: e.PLATFORM_COMMISSION_BPS,
    },
    dataEncryptionKeys: e.DATA_ENCRYPTION_KEYS,
    rateLimits: { perMinute: e.RATE_LIMIT_PER_MINUTE, loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE, bookingsPerMinute: e.RATE_LIMIT_BOOKINGS_PER_MINUTE },
    loginLockout: { accountFailures: e.LOGIN_LOCKOUT_ACCOUNT_FAILURES, ipFailures: e.LOGIN_LOCKOUT_IP_FAILURES, minutes: e.LOGIN_LOCKOUT_MINUTES },
  };
}
