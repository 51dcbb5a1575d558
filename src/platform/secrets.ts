import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './config.js';

/**
 * The token signing secret: JWT_SECRET when set (required in production, and shared by all
 * instances); otherwise one generated once and kept in the data directory, so sessions
 * survive restarts of a development server.
 */
export function resolveJwtSecret(config: AppConfig): string {
  return config.jwtSecret ?? developmentSecret(config, 'jwt-secret', () => randomBytes(48).toString('base64url'));
}

/** MercadoPago's webhook secret; the development one is shared with the local sandbox. */
export function resolveWebhookSecret(config: AppConfig): string {
  return config.mercadopago.webhookSecret ?? developmentSecret(config, 'mp-webhook-secret', () => randomBytes(32).toString('hex'));
}

/** The data encryption key ring: DATA_ENCRYPTION_KEYS, or a development key kept in DATA_DIR. */
export function resolveDataKeys(config: AppConfig): string {
  return config.dataEncryptionKeys ?? developmentSecret(config, 'data-key', () => `dev1:${randomBytes(32).toString('base64')}`);
}

/** The keyed-hash key: DATA_HASH_KEY, or a development key kept in DATA_DIR. */
export function resolveDataHashKey(config: AppConfig): string {
  return config.dataHashKey ?? developmentSecret(config, 'data-hash-key', () => randomBytes(32).toString('base64'));
}

/** Generated once and kept (mode 0600) so a development server keeps its secrets across restarts. */
function developmentSecret(config: AppConfig, name: string, generate: () => string): string {
  const file = join(config.dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = generate();
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
