import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate, startAfipSandbox, verifyCms, type AfipSandbox, type CertificateAuthority, type IssuedCertificate } from '../../../sandbox/afip/index.js';
import { AfipFaultError } from './soap.js';
import {
  buildLoginTicketRequest,
  certificateFingerprint,
  signLoginTicketRequest,
  toAfipDateTime,
  WsaaAlreadyAuthenticatedError,
  WsaaClient,
  WsaaTicketCache,
  type LoginTicket,
  type WsaaTicketStore,
} from './wsaa.js';
import { parseXml, text, child } from './xml.js';

const run = promisify(execFile);
const NOW = new Date('2026-03-10T15:00:00.000Z'); // 12:00 in Buenos Aires
const CUIT = '20123456786';

let ca: CertificateAuthority;
let foreignCa: CertificateAuthority;
let signer: IssuedCertificate;

beforeAll(() => {
  ca = createCertificateAuthority('test CA', NOW);
  foreignCa = createCertificateAuthority('someone else', NOW);
  signer = issueCertificate(ca, { cuit: CUIT, commonName: 'barberia' }, NOW);
});

function signedDer(tra = buildLoginTicketRequest({ service: 'wsfe', now: NOW }), credentials: IssuedCertificate = signer): Buffer {
  return Buffer.from(signLoginTicketRequest(tra, credentials, NOW), 'base64');
}

describe('TRA (loginTicketRequest)', () => {
  it('has the shape WSAA expects, a unix-seconds uniqueId and a ±10 minute window with the offset', () => {
    const now = new Date('2026-03-10T15:00:00.789Z');
    const tra = buildLoginTicketRequest({ service: 'wsfe', now });
    expect(tra).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><loginTicketRequest version="1.0"><header>' +
        `<uniqueId>${Math.floor(now.getTime() / 1000)}</uniqueId>` +
        '<generationTime>2026-03-10T11:50:00-03:00</generationTime>' +
        '<expirationTime>2026-03-10T12:10:00-03:00</expirationTime>' +
        '</header><service>wsfe</service></loginTicketRequest>',
    );
    const header = child(child(parseXml(tra), 'loginTicketRequest'), 'header');
    expect(Date.parse(text(header, 'generationTime')!)).toBe(Math.floor(now.getTime() / 1000) * 1000 - 600_000);
    expect(Date.parse(text(header, 'expirationTime')!) - Date.parse(text(header, 'generationTime')!)).toBe(1_200_000);
  });

  it('writes Argentine time with its fixed -03:00 offset across the day boundary', () => {
    expect(toAfipDateTime(new Date('2026-01-01T02:30:00Z'))).toBe('2025-12-31T23:30:00-03:00');
    expect(() => toAfipDateTime(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('refuses a service name that is not an identifier', () => {
    for (const service of ['', 'ws fe', 'wsfe</service><x>', 'ñ']) expect(() => buildLoginTicketRequest({ service, now: NOW })).toThrow(TypeError);
  });
});

describe('CMS signature', () => {
  it('is base64 on one line of DER SignedData that the sandbox verifier accepts, with the TRA attached', () => {
    const tra = buildLoginTicketRequest({ service: 'wsfe', now: NOW });
    const b64 = signLoginTicketRequest(tra, signer, NOW);
    expect(b64).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const verified = verifyCms(Buffer.from(b64, 'base64'), ca.certificate, NOW);
    expect(verified.content.toString('utf8')).toBe(tra);
    expect(verified.signingTime?.getTime()).toBe(NOW.getTime());
    expect(verified.certificate.subject).toContain(`serialNumber=CUIT ${CUIT}`);
  });

  it('uses SHA-256 and signs contentType, signingTime and messageDigest, in DER SET OF order', () => {
    const msg = forge.asn1.fromDer(forge.util.createBuffer(signedDer().toString('binary')));
    const signedData = (msg.value as forge.asn1.Asn1[])[1]!.value[0] as forge.asn1.Asn1;
    const parts = signedData.value as forge.asn1.Asn1[];
    const digestAlg = ((parts[1]!.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[])[0]!;
    expect(forge.asn1.derToOid(digestAlg.value as string)).toBe(forge.pki.oids.sha256);
    const signerInfo = (parts[parts.length - 1]!.value as forge.asn1.Asn1[])[0]!;
    const attrs = (signerInfo.value as forge.asn1.Asn1[])[3]!.value as forge.asn1.Asn1[];
    const types = attrs.map((a) => forge.asn1.derToOid((a.value as forge.asn1.Asn1[])[0]!.value as string));
    expect(types).toEqual([forge.pki.oids.contentType, forge.pki.oids.signingTime, forge.pki.oids.messageDigest]);
    const encoded = attrs.map((a) => Buffer.from(forge.asn1.toDer(a).getBytes(), 'binary'));
    expect([...encoded].sort(Buffer.compare)).toEqual(encoded);
  });

  it('reads PKCS#1, PKCS#8 and encrypted keys, and refuses a key that is not the certificate’s', () => {
    const tra = buildLoginTicketRequest({ service: 'wsfe', now: NOW });
    const key = createPrivateKey(signer.keyPem);
    const pkcs1 = key.export({ type: 'pkcs1', format: 'pem' }).toString();
    const encrypted = key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secreto' }).toString();
    for (const credentials of [{ ...signer, keyPem: pkcs1 }, { ...signer, keyPem: encrypted, passphrase: 'secreto' }]) {
      expect(verifyCms(Buffer.from(signLoginTicketRequest(tra, credentials, NOW), 'base64'), ca.certificate, NOW).content.toString()).toBe(tra);
    }
    const other = issueCertificate(ca, { cuit: CUIT, commonName: 'other' }, NOW);
    expect(() => signLoginTicketRequest(tra, { ...signer, keyPem: other.keyPem }, NOW)).toThrow('does not belong');
    const error = (() => {
      try {
        signLoginTicketRequest(tra, { ...signer, keyPem: encrypted, passphrase: 'wrong' }, NOW);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain('could not be read');
    expect(error?.message).not.toContain('PRIVATE KEY');
  });

  it('is rejected when the content, the signature or a signed attribute is tampered with', () => {
    const der = signedDer();
    const tra = Buffer.from('<service>wsfe</service>');
    const at = der.indexOf(tra);
    expect(at).toBeGreaterThan(0);
    const content = Buffer.from(der);
    content[at + tra.indexOf('wsfe')] = 'x'.charCodeAt(0);
    expect(() => verifyCms(content, ca.certificate, NOW)).toThrow(expect.objectContaining({ faultCode: 'cms.sign.invalid', message: expect.stringContaining('messageDigest') }));

    const signature = Buffer.from(der);
    signature[signature.length - 1]! ^= 0x01;
    expect(() => verifyCms(signature, ca.certificate, NOW)).toThrow(expect.objectContaining({ faultCode: 'cms.sign.invalid' }));

    // The signingTime UTCTime "260310150000Z": move it by a minute.
    const time = Buffer.from('260310150000Z');
    const timeAt = der.indexOf(time);
    expect(timeAt).toBeGreaterThan(0);
    const attribute = Buffer.from(der);
    attribute[timeAt + 9] = '1'.charCodeAt(0);
    expect(() => verifyCms(attribute, ca.certificate, NOW)).toThrow(expect.objectContaining({ faultCode: 'cms.sign.invalid' }));

    expect(() => verifyCms(der.subarray(0, der.length - 10), ca.certificate, NOW)).toThrow(expect.objectContaining({ faultCode: 'cms.bad' }));
  });

  it('is rejected when the certificate comes from another CA, or is expired', () => {
    const foreign = issueCertificate(foreignCa, { cuit: CUIT, commonName: 'barberia' }, NOW);
    expect(() => verifyCms(signedDer(undefined, foreign), ca.certificate, NOW)).toThrow(expect.objectContaining({ faultCode: 'cms.cert.untrusted' }));
    const old = issueCertificate(ca, { cuit: CUIT, commonName: 'vieja', notBefore: new Date('2024-01-01'), notAfter: new Date('2025-01-01') }, NOW);
    expect(() => verifyCms(signedDer(undefined, old), ca.certificate, NOW)).toThrow(expect.objectContaining({ faultCode: 'cms.cert.expired' }));
  });

  it('verifies with openssl cms -verify as an independent check', async (ctx) => {
    try {
      await run('openssl', ['version']);
    } catch {
      ctx.skip();
    }
    const dir = await mkdtemp(join(tmpdir(), 'afip-cms-'));
    try {
      const tra = buildLoginTicketRequest({ service: 'wsfe', now: NOW });
      const der = signedDer(tra);
      await writeFile(join(dir, 'tra.cms'), der);
      await writeFile(join(dir, 'ca.pem'), ca.certPem);
      await run('openssl', ['cms', '-verify', '-noverify', '-inform', 'DER', '-in', join(dir, 'tra.cms'), '-out', join(dir, 'tra.xml')]);
      expect(await readFile(join(dir, 'tra.xml'), 'utf8')).toBe(tra);
      // And with the chain checked against the CA.
      await run('openssl', ['cms', '-verify', '-inform', 'DER', '-in', join(dir, 'tra.cms'), '-CAfile', join(dir, 'ca.pem'), '-purpose', 'any', '-attime', String(NOW.getTime() / 1000), '-out', join(dir, 'tra2.xml')]);
      // A tampered signature fails in openssl too.
      const tampered = Buffer.from(der);
      tampered[tampered.length - 1]! ^= 0x01;
      await writeFile(join(dir, 'bad.cms'), tampered);
      await expect(run('openssl', ['cms', '-verify', '-noverify', '-inform', 'DER', '-in', join(dir, 'bad.cms'), '-out', join(dir, 'bad.xml')])).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// ─── against the sandbox ────────────────────────────────────────────────────────────────

describe('WsaaClient against the sandbox', () => {
  let sandbox: AfipSandbox;
  let nowMs = NOW.getTime();
  const clock = { now: () => new Date(nowMs) };
  let client: WsaaClient;

  beforeAll(async () => {
    sandbox = await startAfipSandbox({ clock });
    client = new WsaaClient({ url: sandbox.wsaaUrl, timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('logs in: token and sign, valid 12 hours, issued to the certificate', async () => {
    const credentials = sandbox.issueCertificate({ cuit: CUIT, commonName: 'login' });
    const ticket = await client.login({ ...credentials, service: 'wsfe', now: clock.now() });
    expect(ticket.token).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(ticket.sign).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(ticket.expirationTime.getTime() - ticket.generationTime.getTime()).toBe(12 * 3_600_000);
    expect(ticket.destination).toContain(`serialNumber=CUIT ${CUIT}`);
    expect(sandbox.state.tickets().find((t) => t.certificateFingerprint === certificateFingerprint(credentials.certPem))).toMatchObject({ cuit: CUIT, service: 'wsfe' });
  });

  it('answers coe.alreadyAuthenticated while the certificate has a valid ticket, like AFIP', async () => {
    const credentials = sandbox.issueCertificate({ cuit: CUIT, commonName: 'twice' });
    await client.login({ ...credentials, service: 'wsfe', now: clock.now() });
    const error = await client.login({ ...credentials, service: 'wsfe', now: clock.now() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfipFaultError);
    expect(error).toMatchObject({ faultCode: 'coe.alreadyAuthenticated', faultCodeQName: 'ns1:coe.alreadyAuthenticated', status: 500 });
  });

  it('refuses tampered CMS, foreign certificates, bad time windows and unknown services', async () => {
    const credentials = sandbox.issueCertificate({ cuit: CUIT, commonName: 'faults' });
    const fault = (cms: string) => client.loginCms(cms).then(() => 'ok', (e: AfipFaultError) => e.faultCode);
    const tra = buildLoginTicketRequest({ service: 'wsfe', now: clock.now() });
    const der = Buffer.from(signLoginTicketRequest(tra, credentials, clock.now()), 'base64');
    const at = der.indexOf(Buffer.from('<service>wsfe'));
    const tampered = Buffer.from(der);
    tampered[at + 10] = 'x'.charCodeAt(0);
    expect(await fault(tampered.toString('base64'))).toBe('cms.sign.invalid');
    const badSignature = Buffer.from(der);
    badSignature[badSignature.length - 2]! ^= 0xff;
    expect(await fault(badSignature.toString('base64'))).toBe('cms.sign.invalid');
    expect(await fault('not base64!')).toBe('cms.bad');
    expect(await fault(Buffer.from('hello').toString('base64'))).toBe('cms.bad');

    const foreign = issueCertificate(foreignCa, { cuit: CUIT, commonName: 'x' }, clock.now());
    expect(await fault(signLoginTicketRequest(tra, foreign, clock.now()))).toBe('cms.cert.untrusted');

    // A client clock 11 minutes behind: the TRA expired before it arrived.
    const late = new Date(nowMs - 11 * 60_000);
    expect(await fault(signLoginTicketRequest(buildLoginTicketRequest({ service: 'wsfe', now: late }), credentials, late))).toBe('xml.expirationTime.expired');
    // 11 minutes ahead: generated in the future.
    const early = new Date(nowMs + 11 * 60_000);
    expect(await fault(signLoginTicketRequest(buildLoginTicketRequest({ service: 'wsfe', now: early }), credentials, early))).toBe('xml.generationTime.invalid');
    // 9 minutes off either way is inside the window (and gets a ticket for the second one).
    const skewed = new Date(nowMs - 9 * 60_000);
    expect(await fault(signLoginTicketRequest(buildLoginTicketRequest({ service: 'wsfe', now: skewed }), credentials, skewed))).toBe('ok');

    expect(await fault(signLoginTicketRequest(buildLoginTicketRequest({ service: 'wsnoexiste', now: clock.now() }), credentials, clock.now()))).toBe('wsn.notFound');
  });

  describe('WsaaTicketCache with several instances', () => {
    it('a second instance without the shared store gets a clear error; with it, the same ticket', async () => {
      const credentials = sandbox.issueCertificate({ cuit: CUIT, commonName: 'fleet' });
      const shared = new MemoryStore();
      const first = new WsaaTicketCache({ client, clock, store: shared });
      const ticket = await first.getTicket({ ...credentials, service: 'wsfe' });

      const isolated = new WsaaTicketCache({ client, clock });
      const error = await isolated.getTicket({ ...credentials, service: 'wsfe' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WsaaAlreadyAuthenticatedError);
      expect((error as Error).message).toMatch(/already valid elsewhere/);
      expect((error as Error).message).not.toContain(ticket.token);
      expect(isolated.logins).toBe(1);

      const second = new WsaaTicketCache({ client, clock, store: shared });
      expect((await second.getTicket({ ...credentials, service: 'wsfe' })).token).toBe(ticket.token);
      expect(second.logins).toBe(0);

      // Once it expires, AFIP gives a new one to whoever asks first.
      nowMs += 12 * 3_600_000 + 1_000;
      const renewed = await isolated.getTicket({ ...credentials, service: 'wsfe' });
      expect(renewed.token).not.toBe(ticket.token);
    });
  });
});

// ─── the cache's logic, with a scripted WSAA ────────────────────────────────────────────

class MemoryStore implements WsaaTicketStore {
  readonly data = new Map<string, LoginTicket>();
  sets = 0;
  async get(key: string) {
    return this.data.get(key);
  }
  async set(key: string, ticket: LoginTicket) {
    this.sets++;
    this.data.set(key, ticket);
  }
}

function scriptedWsaa(clock: { now(): Date }) {
  let issued = 0;
  const state = { calls: 0, refuse: false, cmsSeen: [] as string[] };
  return {
    state,
    client: {
      async loginCms(cms: string): Promise<LoginTicket> {
        state.calls++;
        state.cmsSeen.push(cms);
        await Promise.resolve();
        if (state.refuse)
          throw new AfipFaultError({ operation: 'loginCms', url: 'https://wsaa.test', status: 500, faultCode: 'ns1:coe.alreadyAuthenticated', faultString: 'El CEE ya posee un TA valido para el acceso al WSN solicitado' });
        issued++;
        const now = clock.now().getTime();
        return { token: `token-${issued}`, sign: `sign-${issued}`, generationTime: new Date(now), expirationTime: new Date(now + 12 * 3_600_000) };
      },
    },
  };
}

describe('WsaaTicketCache', () => {
  const HOUR = 3_600_000;

  function setup(options: { store?: WsaaTicketStore; renewBeforeMs?: number } = {}) {
    let now = NOW.getTime();
    const clock = { now: () => new Date(now) };
    const wsaa = scriptedWsaa(clock);
    const warnings: Array<Record<string, unknown>> = [];
    const cache = new WsaaTicketCache({ client: wsaa.client, clock, ...options, logger: { warn: (fields) => void warnings.push(fields) } });
    return { cache, wsaa, warnings, advance: (ms: number) => void (now += ms), creds: { ...signer, service: 'wsfe' } };
  }

  it('reuses the ticket until shortly before it expires, then renews it', async () => {
    const { cache, wsaa, advance, creds } = setup({ renewBeforeMs: 5 * 60_000 });
    const first = await cache.getTicket(creds);
    advance(11 * HOUR);
    expect(await cache.getTicket(creds)).toBe(first);
    advance(HOUR - 5 * 60_000 - 1);
    expect(await cache.getTicket(creds)).toBe(first);
    expect(wsaa.state.calls).toBe(1);
    advance(2);
    const second = await cache.getTicket(creds);
    expect(second.token).toBe('token-2');
    expect(wsaa.state.calls).toBe(2);
  });

  it('fresh() gives the held ticket without I/O only while it is not due for renewal', async () => {
    const { cache, advance, creds } = setup({ renewBeforeMs: 5 * 60_000 });
    expect(cache.fresh(creds.certPem, 'wsfe')).toBeUndefined();
    const first = await cache.getTicket(creds);
    expect(cache.fresh(creds.certPem, 'wsfe')).toBe(first);
    expect(cache.fresh(creds.certPem, 'wsaa-other')).toBeUndefined();
    advance(12 * HOUR - 5 * 60_000);
    expect(cache.fresh(creds.certPem, 'wsfe')).toBeUndefined();
  });

  it('signs a fresh TRA with the clock for every login', async () => {
    const { cache, wsaa, advance, creds } = setup();
    await cache.getTicket(creds);
    advance(13 * HOUR);
    await cache.getTicket(creds);
    const contents = wsaa.state.cmsSeen.map((cms) => verifyCms(Buffer.from(cms, 'base64'), ca.certificate, NOW).content.toString());
    expect(contents[0]).toContain(`<uniqueId>${NOW.getTime() / 1000}</uniqueId>`);
    expect(contents[1]).toContain(`<uniqueId>${NOW.getTime() / 1000 + 13 * 3600}</uniqueId>`);
  });

  it('keys tickets by certificate and service', async () => {
    const { cache, wsaa, creds } = setup();
    const other = issueCertificate(ca, { cuit: '20111111112', commonName: 'otro' }, NOW);
    const a = await cache.getTicket(creds);
    const b = await cache.getTicket({ ...creds, service: 'wsfex' });
    const c = await cache.getTicket({ ...other, service: 'wsfe' });
    expect(new Set([a.token, b.token, c.token]).size).toBe(3);
    expect(await cache.getTicket(creds)).toBe(a);
    expect(wsaa.state.calls).toBe(3);
  });

  it('shares one login among concurrent callers', async () => {
    const { cache, wsaa, creds } = setup();
    const tickets = await Promise.all(Array.from({ length: 8 }, () => cache.getTicket(creds)));
    expect(new Set(tickets.map((t) => t.token))).toEqual(new Set(['token-1']));
    expect(wsaa.state.calls).toBe(1);
  });

  it('on coe.alreadyAuthenticated during renewal keeps the held ticket and does not ask again until it expires', async () => {
    const { cache, wsaa, advance, creds } = setup({ renewBeforeMs: 30 * 60_000 });
    const first = await cache.getTicket(creds);
    advance(12 * HOUR - 20 * 60_000);
    wsaa.state.refuse = true;
    expect(await cache.getTicket(creds)).toBe(first);
    expect(await cache.getTicket(creds)).toBe(first);
    advance(19 * 60_000);
    expect(await cache.getTicket(creds)).toBe(first);
    expect(wsaa.state.calls).toBe(2);
    advance(60_000);
    wsaa.state.refuse = false;
    expect((await cache.getTicket(creds)).token).toBe('token-2');
  });

  it('on coe.alreadyAuthenticated without a ticket raises WsaaAlreadyAuthenticatedError, once, without looping', async () => {
    const { cache, wsaa, creds } = setup();
    wsaa.state.refuse = true;
    const error = await cache.getTicket(creds).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WsaaAlreadyAuthenticatedError);
    expect(error).toMatchObject({ service: 'wsfe', certificateFingerprint: certificateFingerprint(signer.certPem) });
    expect((error as Error).cause).toBeInstanceOf(AfipFaultError);
    expect(wsaa.state.calls).toBe(1);
  });

  it('persists tickets in the store under (fingerprint, service) and reads them from there first', async () => {
    const store = new MemoryStore();
    const { cache, creds } = setup({ store });
    const ticket = await cache.getTicket(creds);
    const key = `${certificateFingerprint(signer.certPem)}:wsfe`;
    expect(WsaaTicketCache.key(certificateFingerprint(signer.certPem), 'wsfe')).toBe(key);
    expect(store.data.get(key)).toBe(ticket);
    const other = setup({ store });
    expect(await other.cache.getTicket(other.creds)).toBe(ticket);
    expect(other.wsaa.state.calls).toBe(0);
  });

  it('after coe.alreadyAuthenticated looks in the store again: another instance may have just saved it', async () => {
    const store = new MemoryStore();
    const { cache, wsaa, creds } = setup({ store });
    const key = `${certificateFingerprint(signer.certPem)}:wsfe`;
    const saved: LoginTicket = { token: 'saved-elsewhere', sign: 's', generationTime: NOW, expirationTime: new Date(NOW.getTime() + HOUR) };
    wsaa.state.refuse = true;
    const original = store.get.bind(store);
    let reads = 0;
    store.get = async (k: string) => {
      reads++;
      // Empty on the first read, filled by the time WSAA has refused.
      if (reads === 2) store.data.set(key, saved);
      return original(k);
    };
    expect((await cache.getTicket(creds)).token).toBe('saved-elsewhere');
  });

  it('still returns a ticket when the store fails, and logs without secrets', async () => {
    const broken: WsaaTicketStore = {
      get: () => Promise.reject(new Error('db down')),
      set: () => Promise.reject(new Error('db down')),
    };
    const { cache, warnings, creds } = setup({ store: broken });
    const ticket = await cache.getTicket(creds);
    expect(ticket.token).toBe('token-1');
    expect(warnings.length).toBeGreaterThan(0);
    expect(JSON.stringify(warnings)).not.toMatch(/token-1|sign-1|PRIVATE KEY/);
  });

  it('invalidate() forgets the ticket so the next call logs in again', async () => {
    const { cache, wsaa, creds } = setup();
    await cache.getTicket(creds);
    cache.invalidate(creds.certPem, 'wsfe');
    expect((await cache.getTicket(creds)).token).toBe('token-2');
    expect(wsaa.state.calls).toBe(2);
  });
});
