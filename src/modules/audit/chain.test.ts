import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalContent, canonicalJson, GENESIS_HASH, hashRow, verifyChain, type AuditChainRow, type AuditContent } from './chain.js';

type Event = Omit<AuditContent, 'seq'>;

function chain(events: Event[]): AuditChainRow[] {
  const rows: AuditChainRow[] = [];
  let prev = GENESIS_HASH;
  events.forEach((event, i) => {
    const content = { ...event, seq: i + 1 };
    const hash = hashRow(prev, content);
    rows.push({ ...content, prev_hash: prev, hash });
    prev = hash;
  });
  return rows;
}

const text = fc.string({ minLength: 1, maxLength: 20 });
const event: fc.Arbitrary<Event> = fc.record({
  occurred_at: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true }),
  event_type: fc.constantFrom('payment.approved', 'refund.requested', 'ledger.payout', 'invoice.issued', 'credit_note.issued'),
  entity_type: fc.constantFrom('payment', 'ledger_entry', 'invoice'),
  entity_id: fc.uuid(),
  actor: fc.oneof(fc.constant('mercadopago'), fc.constant('system'), fc.uuid()),
  payload: fc.jsonValue({ maxDepth: 3 }),
  dedupe_key: text,
});
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);

const FIELDS = ['seq', 'occurred_at', 'event_type', 'entity_type', 'entity_id', 'actor', 'payload', 'dedupe_key', 'prev_hash', 'hash'] as const;

/** A different value for one field of a row. */
function tamper(row: AuditChainRow, field: (typeof FIELDS)[number], delta: number, other: { text: string; hex: string; json: unknown }): AuditChainRow {
  switch (field) {
    case 'seq':
      return { ...row, seq: Number(row.seq) + delta };
    case 'occurred_at':
      return { ...row, occurred_at: new Date(new Date(row.occurred_at).getTime() + delta) };
    case 'payload': {
      const changed = canonicalJson(other.json) === canonicalJson(row.payload) ? { was: row.payload } : other.json;
      return { ...row, payload: changed };
    }
    case 'prev_hash':
    case 'hash':
      return { ...row, [field]: other.hex === row[field] ? other.hex.replace(/^./, (c) => (c === '0' ? '1' : '0')) : other.hex };
    default:
      return { ...row, [field]: `${row[field]}${other.text}` };
  }
}

describe('canonical JSON', () => {
  it('sorts keys, drops whitespace, writes Dates as ISO strings and bigints as strings', () => {
    expect(canonicalJson({ b: 1, a: [true, null, undefined, 'x'], c: { z: new Date('2026-12-01T13:00:00.000Z'), y: 12345678901234567890n }, d: undefined })).toBe(
      '{"a":[true,null,null,"x"],"b":1,"c":{"y":"12345678901234567890","z":"2026-12-01T13:00:00.000Z"}}',
    );
    expect(canonicalJson(Number.NaN)).toBe('null');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('ñandú “quoted”\n')).toBe(JSON.stringify('ñandú “quoted”\n'));
  });

  it('does not depend on key order, and is stable through a JSON round trip', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const reversed = JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
          v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
        );
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
        expect(canonicalJson(JSON.parse(canonicalJson(value)))).toBe(canonicalJson(value));
      }),
    );
  });
});

describe('the hash of a row', () => {
  it('is sha256 hex of prev_hash, a newline and the canonical content (a fixed vector)', () => {
    const row = {
      seq: 1,
      occurred_at: new Date('2026-12-01T12:00:00.000Z'),
      event_type: 'payment.approved',
      entity_type: 'payment',
      entity_id: 'p-1',
      actor: 'mercadopago',
      payload: { amountCents: 1_000_000, currency: 'ARS' },
      dedupe_key: 'mp:1:approved',
    };
    const canonical =
      '{"actor":"mercadopago","dedupe_key":"mp:1:approved","entity_id":"p-1","entity_type":"payment","event_type":"payment.approved",' +
      '"occurred_at":"2026-12-01T12:00:00.000Z","payload":{"amountCents":1000000,"currency":"ARS"},"seq":"1"}';
    expect(canonicalContent(row)).toBe(canonical);
    expect(hashRow(GENESIS_HASH, row)).toBe(createHash('sha256').update(`${GENESIS_HASH}\n${canonical}`).digest('hex'));
    // seq and occurred_at hash the same whatever type they arrive as.
    expect(hashRow(GENESIS_HASH, { ...row, seq: 1n, occurred_at: '2026-12-01T09:00:00-03:00' })).toBe(hashRow(GENESIS_HASH, row));
  });
});

describe('verifyChain', () => {
  it('accepts every chain built by the rules, also verified in batches', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 25 }), fc.integer({ min: 1, max: 10 }), (events, batch) => {
        const rows = chain(events);
        expect(verifyChain(rows)).toMatchObject({ ok: true, rows: rows.length });
        let head = undefined as Parameters<typeof verifyChain>[1];
        let checked = 0;
        for (let i = 0; i < rows.length; i += batch) {
          const result = verifyChain(rows.slice(i, i + batch), head);
          expect(result.ok).toBe(true);
          head = result.head;
          checked += result.rows;
        }
        expect(checked).toBe(rows.length);
      }),
    );
  });

  it('catches any single-field tamper of any row, at that row', () => {
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.constantFrom(...FIELDS),
        fc.integer({ min: -10_000, max: 10_000 }).filter((d) => d !== 0),
        fc.record({ text, hex: hex64, json: fc.jsonValue({ maxDepth: 2 }) }),
        (events, at, field, delta, other) => {
          const rows = chain(events);
          const k = at % rows.length;
          const tampered = rows.map((row, i) => (i === k ? tamper(row, field, delta, other) : row));
          const result = verifyChain(tampered);
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(result.rows).toBe(k);
          expect(result.firstBrokenSeq).toBe(Number(tampered[k]!.seq));
          expect(result.reason).toBe(['seq', 'prev_hash'].includes(field) ? 'link' : 'content');
        },
      ),
    );
  });

  it('a removed, inserted or swapped row breaks the chain where it happened', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 3, maxLength: 12 }), fc.nat(), (events, at) => {
        const rows = chain(events);
        const k = 1 + (at % (rows.length - 2)); // a middle row
        const removed = rows.filter((_, i) => i !== k);
        expect(verifyChain(removed)).toMatchObject({ ok: false, rows: k, firstBrokenSeq: k + 2, reason: 'link' });
        const swapped = [...rows];
        [swapped[k], swapped[k + 1]] = [swapped[k + 1]!, swapped[k]!];
        expect(verifyChain(swapped)).toMatchObject({ ok: false, rows: k, reason: 'link' });
        const headless = rows.slice(1);
        expect(verifyChain(headless)).toMatchObject({ ok: false, rows: 0, firstBrokenSeq: 2, reason: 'link' });
      }),
    );
  });

  it('a rehashed forgery of one row still breaks the link of the next', () => {
    const rows = chain(Array.from({ length: 5 }, (_, i) => ({ occurred_at: new Date(2026, 0, i + 1), event_type: 'payment.approved', entity_type: 'payment', entity_id: `p${i}`, actor: 'system', payload: { amountCents: 100 * (i + 1) }, dedupe_key: `k${i}` })));
    const forged = { ...rows[2]!, payload: { amountCents: 1 } };
    forged.hash = hashRow(forged.prev_hash, forged);
    expect(verifyChain([...rows.slice(0, 2), forged, ...rows.slice(3)])).toMatchObject({ ok: false, rows: 3, firstBrokenSeq: 4, reason: 'link' });
  });
});
