import { startMercadoPagoSandbox } from './sandbox.js';

/**
 * Runs the MercadoPago sandbox on its own for development:
 *
 *   npx tsx src/sandbox/mercadopago/main.ts
 *
 * Configured by environment variables (all optional); the values it prints are what the
 * API needs to talk to it.
 */

const env = process.env;
const port = Number(env.MP_SANDBOX_PORT ?? 3100);
const host = env.MP_SANDBOX_HOST ?? '127.0.0.1';
const webhookSecret = env.MP_WEBHOOK_SECRET ?? 'sandbox-webhook-secret';
const clientId = env.MP_CLIENT_ID ?? '1234567890123456';
const clientSecret = env.MP_CLIENT_SECRET ?? 'sandbox-client-secret';
const sellerToken = env.MP_SANDBOX_SELLER_TOKEN ?? `APP_USR-${clientId}-sandbox-seller-1900000000`;
const stateFile = env.MP_SANDBOX_STATE_FILE ?? `${env.DATA_DIR ?? './.data'}/mercadopago-sandbox.json`;

const log = {
  info: (fields: Record<string, unknown>, message: string) => console.log(JSON.stringify({ level: 'info', msg: message, ...fields })),
  warn: (fields: Record<string, unknown>, message: string) => console.warn(JSON.stringify({ level: 'warn', msg: message, ...fields })),
};

const sandbox = await startMercadoPagoSandbox({
  port,
  host,
  webhookSecret,
  clientId,
  clientSecret,
  feePercent: env.MP_SANDBOX_FEE_PERCENT ? Number(env.MP_SANDBOX_FEE_PERCENT) : undefined,
  sellerTokens: { [sellerToken]: 1_900_000_000 },
  defaultNotificationUrl: env.MP_SANDBOX_NOTIFICATION_URL,
  stateFile,
  log,
});

console.log(`MercadoPago sandbox at ${sandbox.url}
  API base URL        ${sandbox.url}
  OAuth authorize     ${sandbox.url}/authorization
  client id           ${clientId}
  webhook secret      (MP_WEBHOOK_SECRET)
  seller token        ${env.MP_SANDBOX_SELLER_TOKEN ? '(MP_SANDBOX_SELLER_TOKEN)' : sellerToken} for seller 1900000000
  state file          ${stateFile}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
