import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { SecretBox, parseKeyRing } from '../platform/crypto/secret-box.js';
import type { AppConfig } from '../platform/config.js';
import type { DB } from '../platform/db/schema.js';
import { resolveDataKeys, resolveWebhookSecret } from '../platform/secrets.js';
import { startMercadoPagoSandbox, type MercadoPagoSandbox } from '../sandbox/mercadopago/index.js';

/** The embedded marketplace application's OAuth credentials (sandbox only). */
export const EMBEDDED_CLIENT = { id: 'barberpro-embedded', secret: 'barberpro-embedded-secret' } as const;

/** Offset from the API's port for the local MercadoPago (3000 → 3100). */
const SANDBOX_PORT_OFFSET = 100;

/**
 * On the embedded default only (no DATABASE_URL, no MP_BASE_URL): start the local MercadoPago
 * sandbox and link every shop that has no MercadoPago account to a sandbox seller, so the
 * demo's deposits can be paid end to end. Production configuration never reaches this.
 */
export async function startEmbeddedMercadoPago(config: AppConfig, db: Kysely<DB>): Promise<MercadoPagoSandbox | undefined> {
  if (config.env === 'production' || !config.embeddedSandboxes || config.mercadopago.baseUrl) return undefined;
  const shops = await db.selectFrom('shops').select('id').orderBy('created_at').orderBy('id').execute();
  const sellerTokens = Object.fromEntries(shops.map((shop, i) => [`APP_USR-sandbox-${shop.id}`, 1_000_000 + i]));
  const sandbox = await startMercadoPagoSandbox({
    port: config.port === 0 ? 0 : config.port + SANDBOX_PORT_OFFSET,
    host: '127.0.0.1',
    webhookSecret: resolveWebhookSecret(config),
    clientId: EMBEDDED_CLIENT.id,
    clientSecret: EMBEDDED_CLIENT.secret,
    sellerTokens,
    stateFile: join(config.dataDir, 'mercadopago-sandbox.json'),
  });
  const box = new SecretBox(parseKeyRing(resolveDataKeys(config)));
  for (const [token, userId] of Object.entries(sellerTokens)) {
    const shopId = token.slice('APP_USR-sandbox-'.length);
    await db
      .insertInto('merchant_accounts')
      .values({
        shop_id: shopId,
        mp_user_id: String(userId),
        access_token_sealed: box.encrypt(token, `merchant_accounts.access_token:${shopId}`),
        refresh_token_sealed: null,
        public_key: null,
        token_expires_at: null,
      })
      .onConflict((oc) => oc.column('shop_id').doNothing())
      .execute();
  }
  return sandbox;
}
