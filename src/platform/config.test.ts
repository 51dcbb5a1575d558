import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db.internal:5432/barberpro',
  JWT_SECRET: 'x'.repeat(48),
  MP_WEBHOOK_SECRET: 'w'.repeat(32),
  DATA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  DATA_HASH_KEY: Buffer.alloc(32, 2).toString('base64'),
};

describe('loadConfig', () => {
  it('accepts a complete production configuration', () => {
    const config = loadConfig(production);
    expect(config.database).toMatchObject({ kind: 'postgres' });
    expect(config.seedDemo).toBe(false);
    expect(config.mercadopago.baseUrl).toBeUndefined();
  });

  it.each(['DATABASE_URL', 'JWT_SECRET', 'MP_WEBHOOK_SECRET', 'DATA_ENCRYPTION_KEYS', 'DATA_HASH_KEY'])('refuses production without %s (no generated secrets on one disk)', (name) => {
    const env: Record<string, string> = { ...production };
    delete env[name];
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('uses the embedded database and demo data by default in development', () => {
    const config = loadConfig({});
    expect(config.database).toMatchObject({ kind: 'pglite' });
    expect(config.seedDemo).toBe(true);
  });

  it('issues no AFIP invoices unless both endpoints are given: no default endpoint, not even in production', () => {
    expect(loadConfig(production).afip).toMatchObject({ wsaaUrl: undefined, wsfeUrl: undefined, environment: undefined });
    expect(() => loadConfig({ ...production, AFIP_WSAA_URL: 'https://wsaa.afip.gov.ar/ws/services/LoginCms' })).toThrow(/AFIP_WSFE_URL/);
    expect(() => loadConfig({ AFIP_WSFE_URL: 'http://127.0.0.1:3101/wsfev1/service.asmx' })).toThrow(/AFIP_WSAA_URL/);
  });

  it('tells which AFIP the endpoints are and refuses a production/homologation mix', () => {
    const prod = loadConfig({ ...production, AFIP_WSAA_URL: 'https://wsaa.afip.gov.ar/ws/services/LoginCms', AFIP_WSFE_URL: 'https://servicios1.afip.gov.ar/wsfev1/service.asmx' });
    expect(prod.afip.environment).toBe('production');
    const homo = loadConfig({ AFIP_WSAA_URL: 'https://wsaahomo.afip.gov.ar/ws/services/LoginCms', AFIP_WSFE_URL: 'https://wswhomo.afip.gov.ar/wsfev1/service.asmx' });
    expect(homo.afip.environment).toBe('homologation');
    const local = loadConfig({ AFIP_WSAA_URL: 'http://127.0.0.1:3101/ws/services/LoginCms', AFIP_WSFE_URL: 'http://127.0.0.1:3101/wsfev1/service.asmx' });
    expect(local.afip.environment).toBe('sandbox');
    expect(() =>
      loadConfig({ AFIP_WSAA_URL: 'https://wsaahomo.afip.gov.ar/ws/services/LoginCms', AFIP_WSFE_URL: 'https://servicios1.afip.gov.ar/wsfev1/service.asmx' }),
    ).toThrow(/homologation.*production/);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
  });
});

describe('TRUST_PROXY', () => {
  it('reads false, true, a hop count or addresses, and refuses anything else', async () => {
    const { parseTrustProxy } = await import('./config.js');
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/16, 127.0.0.1')).toEqual(['10.0.0.0/16', '127.0.0.1']);
    expect(() => parseTrustProxy('yes please')).toThrow(/TRUST_PROXY/);
  });
});
