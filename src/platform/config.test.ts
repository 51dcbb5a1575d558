import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db.internal:5432/barberpro',
  JWT_SECRET: 'x'.repeat(48),
  MP_WEBHOOK_SECRET: 'w'.repeat(32),
  DATA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
};

describe('loadConfig', () => {
  it('accepts a complete production configuration', () => {
    const config = loadConfig(production);
    expect(config.database).toMatchObject({ kind: 'postgres' });
    expect(config.seedDemo).toBe(false);
    expect(config.mercadopago.baseUrl).toBeUndefined();
  });

  it.each(['DATABASE_URL', 'JWT_SECRET', 'MP_WEBHOOK_SECRET', 'DATA_ENCRYPTION_KEYS'])('refuses production without %s (no generated secrets on one disk)', (name) => {
    const env: Record<string, string> = { ...production };
    delete env[name];
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('uses the embedded database and demo data by default in development', () => {
    const config = loadConfig({});
    expect(config.database).toMatchObject({ kind: 'pglite' });
    expect(config.seedDemo).toBe(true);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
  });
});
