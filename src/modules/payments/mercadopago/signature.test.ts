import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature, webhookManifest, webhookQuery } from './signature.js';

const secret = 'whsec-test-0123456789abcdef';
const now = 1_780_000_000;
const requestId = 'bb56a2f1-6aae-46ac-982e-9dcd3581d08e';
const dataId = '1320000001';

function signed(overrides: { ts?: number; dataId?: string | null; requestId?: string | null; secret?: string } = {}) {
  return signWebhook({
    secret: overrides.secret ?? secret,
    dataId: overrides.dataId === undefined ? dataId : overrides.dataId,
    requestId: overrides.requestId === undefined ? requestId : overrides.requestId,
    ts: overrides.ts ?? now,
  });
}

function verify(headers: { 'x-signature'?: string; 'x-request-id'?: string }, extra: Partial<Parameters<typeof verifyWebhookSignature>[0]> = {}) {
  return verifyWebhookSignature({
    secret,
    signatureHeader: headers['x-signature'],
    requestId: headers['x-request-id'],
    dataId,
    nowSeconds: now,
    ...extra,
  });
}

describe('webhook manifest', () => {
  it('follows id:…;request-id:…;ts:…; and leaves missing parts out', () => {
    expect(webhookManifest({ dataId: '123', requestId: 'abc', ts: 1700 })).toBe('id:123;request-id:abc;ts:1700;');
    expect(webhookManifest({ dataId: null, requestId: 'abc', ts: 1700 })).toBe('request-id:abc;ts:1700;');
    expect(webhookManifest({ dataId: '123', requestId: null, ts: 1700 })).toBe('id:123;ts:1700;');
    expect(webhookManifest({ dataId: '', requestId: '', ts: 1700 })).toBe('ts:1700;');
  });

  it('matches an HMAC-SHA256 computed independently', () => {
    const headers = signed();
    const expected = createHmac('sha256', secret).update(`id:${dataId};request-id:${requestId};ts:${now};`).digest('hex');
    expect(headers['x-signature']).toBe(`ts=${now},v1=${expected}`);
    expect(headers['x-request-id']).toBe(requestId);
  });
});

describe('verifyWebhookSignature', () => {
  it('accepts a valid signature', () => {
    expect(verify(signed())).toEqual({ ok: true, ts: now });
  });

  it('accepts the data.id as a number too', () => {
    expect(verify(signed(), { dataId: Number(dataId) })).toEqual({ ok: true, ts: now });
  });

  it('refuses a tampered signature, data.id, request id or timestamp', () => {
    const headers = signed();
    const sig = headers['x-signature'];
    const flipped = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    expect(verify({ ...headers, 'x-signature': flipped })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify(headers, { dataId: '1320000002' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify({ ...headers, 'x-request-id': 'another-request' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify({ ...headers, 'x-signature': sig.replace(`ts=${now}`, `ts=${now + 1}`) })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a signature made with another secret', () => {
    expect(verify(signed({ secret: 'someone-elses-secret' }))).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses stale timestamps in both directions, at the tolerance boundary', () => {
    expect(verify(signed({ ts: now - 300 }))).toEqual({ ok: true, ts: now - 300 });
    expect(verify(signed({ ts: now + 300 }))).toEqual({ ok: true, ts: now + 300 });
    expect(verify(signed({ ts: now - 301 }))).toEqual({ ok: false, reason: 'stale' });
    expect(verify(signed({ ts: now + 301 }))).toEqual({ ok: false, reason: 'stale' });
    expect(verify(signed({ ts: now - 3600 }), { toleranceSeconds: 7200 })).toEqual({ ok: true, ts: now - 3600 });
    expect(verify(signed({ ts: now - 61 }), { toleranceSeconds: 60 })).toEqual({ ok: false, reason: 'stale' });
  });

  it('reports a forged old message as a mismatch, not as stale', () => {
    expect(verify(signed({ ts: now - 10_000, secret: 'wrong' }))).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('reads a millisecond timestamp for freshness while signing its text as sent', () => {
    const tsMs = now * 1000 + 123;
    const v1 = createHmac('sha256', secret).update(`id:${dataId};request-id:${requestId};ts:${tsMs};`).digest('hex');
    expect(verify({ 'x-signature': `ts=${tsMs},v1=${v1}`, 'x-request-id': requestId })).toEqual({ ok: true, ts: now });
  });

  it('verifies manifests with missing parts when both sides leave them out', () => {
    expect(verify(signed({ requestId: null }))).toEqual({ ok: true, ts: now });
    expect(verify(signed({ dataId: null }), { dataId: undefined })).toEqual({ ok: true, ts: now });
    expect(verify(signed({ dataId: null, requestId: null }), { dataId: null })).toEqual({ ok: true, ts: now });
    // A part present on one side only changes the manifest.
    expect(verify(signed({ requestId: null }), { requestId })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verify(signed({ dataId: null }))).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('says missing when there is no signature header at all', () => {
    expect(verify({ 'x-request-id': requestId })).toEqual({ ok: false, reason: 'missing' });
    expect(verify({ 'x-signature': '  ', 'x-request-id': requestId })).toEqual({ ok: false, reason: 'missing' });
    expect(verifyWebhookSignature({ secret, signatureHeader: null, nowSeconds: now })).toEqual({ ok: false, reason: 'missing' });
    expect(verifyWebhookSignature({ secret, signatureHeader: [], nowSeconds: now })).toEqual({ ok: false, reason: 'missing' });
  });

  it('says malformed for headers it cannot read', () => {
    const v1 = 'a'.repeat(64);
    for (const header of [
      `ts=${now}`,
      `v1=${v1}`,
      `ts=abc,v1=${v1}`,
      `ts=${now},v1=xyz`,
      `ts=${now},v1=${'a'.repeat(63)}`,
      `ts=${now},v1=${'a'.repeat(66)}`,
      `ts=${now},ts=${now},v1=${v1}`,
      `ts=${now},v1=${v1},v1=${v1}`,
      `ts=${now};v1=${v1}`,
      `garbage`,
      `ts=-${now},v1=${v1}`,
    ])
      expect(verify({ 'x-signature': header, 'x-request-id': requestId }), header).toEqual({ ok: false, reason: 'malformed' });
    // A repeated header is ambiguous.
    const good = signed();
    expect(verifyWebhookSignature({ secret, signatureHeader: [good['x-signature'], good['x-signature']], requestId, dataId, nowSeconds: now })).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(verifyWebhookSignature({ secret, signatureHeader: good['x-signature'], requestId: [requestId, 'other'], dataId, nowSeconds: now })).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('accepts header variants: spaces, either order, upper-case hex and keys, unknown extra keys', () => {
    const { 'x-signature': header } = signed();
    const ts = /ts=(\d+)/.exec(header)![1]!;
    const v1 = /v1=([0-9a-f]+)/.exec(header)![1]!;
    for (const variant of [
      `ts=${ts},v1=${v1}`,
      `ts=${ts}, v1=${v1}`,
      ` ts = ${ts} , v1 = ${v1} `,
      `v1=${v1},ts=${ts}`,
      `TS=${ts},V1=${v1}`,
      `ts=${ts},v1=${v1.toUpperCase()}`,
      `ts=${ts},v2=deadbeef,v1=${v1}`,
      `ts=${ts},v1=${v1},`,
    ])
      expect(verify({ 'x-signature': variant, 'x-request-id': requestId }), variant).toEqual({ ok: true, ts: now });
    // A single-element array, as some frameworks hand headers over.
    expect(verifyWebhookSignature({ secret, signatureHeader: [header], requestId: [requestId], dataId, nowSeconds: now })).toEqual({ ok: true, ts: now });
  });

  it('accepts an alphanumeric data.id signed as received or lowercased (MercadoPago documents both)', () => {
    const id = 'ORDTST01ABC';
    expect(verify(signed({ dataId: id }), { dataId: id })).toEqual({ ok: true, ts: now });
    expect(verify(signed({ dataId: id.toLowerCase() }), { dataId: id })).toEqual({ ok: true, ts: now });
    // Lowercasing applies to what we received, never the other way round.
    expect(verify(signed({ dataId: id }), { dataId: id.toLowerCase() })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('needs a secret', () => {
    expect(() => verifyWebhookSignature({ secret: '', signatureHeader: signed()['x-signature'], nowSeconds: now })).toThrow(TypeError);
    expect(() => signWebhook({ secret: '' })).toThrow(TypeError);
  });

  it('round-trips for any id, request id and time, and any single change breaks it', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{1,15}$/),
        fc.uuid(),
        fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }),
        fc.integer({ min: -300, max: 300 }),
        (id, rid, ts, skew) => {
          const headers = signWebhook({ secret, dataId: id, requestId: rid, ts });
          const ok = verifyWebhookSignature({ secret, signatureHeader: headers['x-signature'], requestId: headers['x-request-id'], dataId: id, nowSeconds: ts + skew });
          const other = verifyWebhookSignature({ secret, signatureHeader: headers['x-signature'], requestId: headers['x-request-id'], dataId: `${id}0`, nowSeconds: ts });
          return ok.ok && !other.ok && other.reason === 'mismatch';
        },
      ),
    );
  });

  it('generates a request id and the current time by default', () => {
    const headers = signWebhook({ secret, dataId });
    expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(verifyWebhookSignature({ secret, signatureHeader: headers['x-signature'], requestId: headers['x-request-id'], dataId, nowSeconds: Math.floor(Date.now() / 1000) }).ok).toBe(true);
  });
});

describe('webhookQuery', () => {
  it('reads data.id and type from the notification URL', () => {
    expect(webhookQuery('/api/v1/webhooks/mercadopago?data.id=123&type=payment')).toEqual({ dataId: '123', type: 'payment' });
    expect(webhookQuery('https://x.example/hook?shop=1&data.id=9&type=payment')).toEqual({ dataId: '9', type: 'payment' });
    expect(webhookQuery('/hook')).toEqual({ dataId: null, type: null });
  });
});
