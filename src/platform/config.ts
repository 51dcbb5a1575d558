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
  REDIS_CLUSTER: z.enum(['true', 'false']).default('false'),
  DATA_DIR: z.string().default('./.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JWT_SECRET: z.string().min(32).optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SEED_DEMO: z.enum(['auto', 'true', 'false']).default('auto'),
  PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
  METRICS_TOKEN: z.string().min(16).optional(),
  ALERTMANAGER_WEBHOOK_TOKEN: z.string().min(16).optional(),
  INCIDENT_WEBHOOK_URL: z.string().url().optional(),
  INCIDENT_EMAIL_TO: z.string().min(3).optional(),
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
  DATA_HASH_KEY: z.string().refine((v) => Buffer.from(v, 'base64').length >= 32, 'must be at least 32 bytes, base64').optional(),
  AFIP_WSAA_URL: z.string().url().optional(),
  AFIP_WSFE_URL: z.string().url().optional(),
  AFIP_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(120_000).default(30_000),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_BOOKINGS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  LOGIN_LOCKOUT_ACCOUNT_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCKOUT_IP_FAILURES: z.coerce.number().int().min(1).default(20),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).default(15),
  TRUST_PROXY: z.string().default('false'),
  CORS_ORIGINS: z.string().default(''),
  IP_BLOCK_FAILURES: z.coerce.number().int().min(1).default(100),
  IP_BLOCK_WINDOW_MINUTES: z.coerce.number().int().min(1).default(10),
  IP_BLOCK_MINUTES: z.coerce.number().int().min(1).default(60),
  BARBERPRO_ENVIRONMENT: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).optional(),
  EMBEDDED_SANDBOXES: z.enum(['auto', 'true', 'false']).default('auto'),
  REVENUE_TARGET_DAILY_CENTAVOS: z.coerce.number().int().min(1).optional(),
});

export type AppConfig = {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  database: { kind: 'postgres'; url: string; poolMax: number } | { kind: 'pglite'; dataDir: string };
  redisUrl: string | undefined;
  /** REDIS_URL is a Redis Cluster (ElastiCache cluster mode): its seed nodes, comma-separated. */
  redisCluster: boolean;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  jwtSecret: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  seedDemo: boolean;
  publicBaseUrl: string;
  /** Bearer token Prometheus presents on /metrics. */
  metricsToken: string | undefined;
  /** Bearer token Alertmanager presents on POST /api/v1/ops/alertmanager; unset → the webhook refuses everyone. */
  alertmanagerWebhookToken: string | undefined;
  /** Incident pages: a JSON webhook (Slack-compatible) and/or email (with SMTP_URL); neither → DATA_DIR/outbox/incidents.jsonl. */
  incidentWebhookUrl: string | undefined;
  incidentEmailTo: string | undefined;
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
  /**
   * AFIP web services. Both URLs or neither: unset → invoices are recorded but not issued,
   * except on the embedded default, where the local AFIP sandbox is started and used. There is
   * no default endpoint on purpose, so a server never issues against the wrong AFIP.
   * `environment` is what the URLs are (AFIP's production or homologation hosts, or anything
   * else: a sandbox); a shop's fiscal settings must be for the same one.
   */
  afip: { wsaaUrl: string | undefined; wsfeUrl: string | undefined; environment: 'production' | 'homologation' | 'sandbox' | undefined; timeoutMs: number };
  /** `keyid:base64key[,older:base64key]`; unset → a development key kept in DATA_DIR. */
  dataEncryptionKeys: string | undefined;
  /** base64 key of the keyed hashes (HMAC-SHA-256) that let encrypted personal data be matched. */
  dataHashKey: string | undefined;
  rateLimits: { perMinute: number; loginPerMinute: number; bookingsPerMinute: number };
  loginLockout: { accountFailures: number; ipFailures: number; minutes: number };
  /**
   * Which proxies' X-Forwarded-For to believe, so rate limits and lockouts see the client's
   * address: `false`, `true`, a hop count (`2` behind CloudFront → ALB), or addresses/CIDRs.
   */
  trustProxy: boolean | number | string[];
  /** Origins (scheme://host[:port]) whose pages may call the API from a browser; empty = same origin only. */
  corsOrigins: string[];
  /**
   * Per-address blocking: `failures` refused requests (401, 403, locked-out logins) within
   * `windowMinutes` block the address for `minutes`.
   */
  ipBlocking: { failures: number; windowMinutes: number; minutes: number };
  /** Set on AWS (staging, production): queue depth is published as a CloudWatch metric. */
  environmentName: string | undefined;
  /** Start the local MercadoPago and AFIP sandboxes (never in production). */
  embeddedSandboxes: boolean;
  /** The business's daily revenue target in centavos, drawn on the Executive dashboard; unset → no target line. */
  revenueTargetDailyCents: number | undefined;
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
    if (e.EMBEDDED_SANDBOXES === 'true') throw new Error('Invalid configuration: EMBEDDED_SANDBOXES cannot be true in production');
    if (!e.DATA_HASH_KEY) throw new Error('Invalid configuration: DATA_HASH_KEY is required in production');
  }
  if (Boolean(e.AFIP_WSAA_URL) !== Boolean(e.AFIP_WSFE_URL))
    throw new Error('Invalid configuration: AFIP_WSAA_URL and AFIP_WSFE_URL go together (both or neither)');
  if (e.INCIDENT_EMAIL_TO && !e.SMTP_URL) throw new Error('Invalid configuration: INCIDENT_EMAIL_TO needs SMTP_URL (incident pages are sent by SMTP)');
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
    redisCluster: e.REDIS_CLUSTER === 'true',
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    jwtSecret: e.JWT_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    // Demo data is seeded by default only on the embedded database, never on a real server.
    seedDemo: e.SEED_DEMO === 'auto' ? embedded && e.NODE_ENV !== 'test' : e.SEED_DEMO === 'true',
    publicBaseUrl: e.PUBLIC_BASE_URL,
    metricsToken: e.METRICS_TOKEN,
    alertmanagerWebhookToken: e.ALERTMANAGER_WEBHOOK_TOKEN,
    incidentWebhookUrl: e.INCIDENT_WEBHOOK_URL,
    incidentEmailTo: e.INCIDENT_EMAIL_TO,
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
    afip: {
      wsaaUrl: e.AFIP_WSAA_URL,
      wsfeUrl: e.AFIP_WSFE_URL,
      environment: e.AFIP_WSAA_URL && e.AFIP_WSFE_URL ? afipEnvironmentOf(e.AFIP_WSAA_URL, e.AFIP_WSFE_URL) : undefined,
      timeoutMs: e.AFIP_TIMEOUT_MS,
    },
    dataEncryptionKeys: e.DATA_ENCRYPTION_KEYS,
    dataHashKey: e.DATA_HASH_KEY,
    rateLimits: { perMinute: e.RATE_LIMIT_PER_MINUTE, loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE, bookingsPerMinute: e.RATE_LIMIT_BOOKINGS_PER_MINUTE },
    loginLockout: { accountFailures: e.LOGIN_LOCKOUT_ACCOUNT_FAILURES, ipFailures: e.LOGIN_LOCKOUT_IP_FAILURES, minutes: e.LOGIN_LOCKOUT_MINUTES },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    corsOrigins: parseCorsOrigins(e.CORS_ORIGINS),
    ipBlocking: { failures: e.IP_BLOCK_FAILURES, windowMinutes: e.IP_BLOCK_WINDOW_MINUTES, minutes: e.IP_BLOCK_MINUTES },
    environmentName: e.BARBERPRO_ENVIRONMENT,
    // The local MercadoPago and AFIP sandboxes: by default only on the embedded database;
    // `true` also on a real PostgreSQL (the browser tests run the whole stack that way).
    embeddedSandboxes: e.NODE_ENV !== 'production' && (e.EMBEDDED_SANDBOXES === 'auto' ? embedded : e.EMBEDDED_SANDBOXES === 'true'),
    revenueTargetDailyCents: e.REVENUE_TARGET_DAILY_CENTAVOS,
  };
}

export function parseTrustProxy(value: string): boolean | number | string[] {
  const v = value.trim();
  if (v === 'false' || v === '') return false;
  if (v === 'true') return true;
  if (/^[0-9]+$/.test(v)) return Number(v);
  const list = v.split(',').map((a) => a.trim()).filter(Boolean);
  if (list.some((a) => !/^[0-9a-fA-F:.]+(\/[0-9]{1,3})?$/.test(a)))
    throw new Error('Invalid configuration: TRUST_PROXY must be true, false, a hop count or a list of addresses/CIDRs');
  return list;
}

/** Exact origins only: a wildcard would let any site read answers meant for the signed-in user. */
export function parseCorsOrigins(value: string): string[] {
  const list = value.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of list) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin || parsed.hostname.includes('*'))
      throw new Error(`Invalid configuration: CORS_ORIGINS entries must be exact origins like https://app.barberpro.ar (got ${JSON.stringify(origin)})`);
  }
  return list;
}

const AFIP_HOSTS = {
  production: ['wsaa.afip.gov.ar', 'servicios1.afip.gov.ar'],
  homologation: ['wsaahomo.afip.gov.ar', 'wswhomo.afip.gov.ar'],
} as const;

/** Which AFIP the endpoints are; mixing a production and a homologation host is refused. */
export function afipEnvironmentOf(wsaaUrl: string, wsfeUrl: string): 'production' | 'homologation' | 'sandbox' {
  const kind = (url: string) => {
    const host = new URL(url).hostname.toLowerCase();
    if ((AFIP_HOSTS.production as readonly string[]).includes(host)) return 'production';
    if ((AFIP_HOSTS.homologation as readonly string[]).includes(host)) return 'homologation';
    return 'sandbox';
  };
  const wsaa = kind(wsaaUrl);
  const wsfe = kind(wsfeUrl);
  if (wsaa !== wsfe) throw new Error(`Invalid configuration: AFIP_WSAA_URL is ${wsaa} but AFIP_WSFE_URL is ${wsfe}`);
  return wsaa;
}
