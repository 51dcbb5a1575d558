import { createHash } from 'node:crypto';

/**
 * The audit trail's hash chain. Pure: rows in, verdicts out.
 *
 * Each row stores the hash of the previous row (`prev_hash`; 64 zeros for the first) and its
 * own hash: sha256 hex of `prev_hash + '\n' + canonicalJson(content)`, where the content is
 * every other column — seq, occurred_at, event_type, entity_type, entity_id, actor, payload
 * and dedupe_key. Changing any column of any row therefore breaks that row: its own hash no
 * longer matches its content ("content"), or it no longer points at its predecessor ("link").
 * Rows must also be numbered 1, 2, 3… without gaps, so a deleted row breaks the next one.
 *
 * What a chain alone cannot show is the loss of its newest rows; `verify` reports the head
 * (last seq and hash) so that operators can keep it elsewhere and compare.
 */

export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, JavaScript's default order), no
 * whitespace, Dates as ISO-8601 strings, bigints as decimal strings; otherwise JSON.stringify's
 * rules (undefined properties and functions left out, undefined in arrays and non-finite
 * numbers as null). canonicalJson(JSON.parse(canonicalJson(x))) === canonicalJson(x).
 */
export function canonicalJson(value: unknown): string {
  return encode(value, false) ?? 'null';
}

function encode(value: unknown, inArray: boolean): string | undefined {
  if (value === null) return 'null';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('canonicalJson: invalid Date');
    return JSON.stringify(value.toISOString());
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
    case 'function':
    case 'symbol':
      return inArray ? 'null' : undefined;
  }
  const object = value as { toJSON?: () => unknown };
  if (typeof object.toJSON === 'function') return encode(object.toJSON(), inArray);
  if (Array.isArray(value)) return `[${value.map((item) => encode(item, true)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const encoded = encode(record[key], false);
    if (encoded !== undefined) members.push(`${JSON.stringify(key)}:${encoded}`);
  }
  return `{${members.join(',')}}`;
}

/** The columns of an audit row that its hash covers. */
export interface AuditContent {
  seq: number | bigint | string;
  occurred_at: Date | string;
  event_type: string;
  entity_type: string;
  entity_id: string;
  actor: string;
  payload: unknown;
  dedupe_key: string;
}

export interface AuditChainRow extends AuditContent {
  prev_hash: string;
  hash: string;
}

function isoInstant(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new TypeError(`not an instant: ${String(value)}`);
  return date.toISOString();
}

/** The canonical text of a row's content: what is hashed after the previous hash. */
export function canonicalContent(row: AuditContent): string {
  return canonicalJson({
    seq: BigInt(row.seq),
    occurred_at: isoInstant(row.occurred_at),
    event_type: row.event_type,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    actor: row.actor,
    payload: row.payload,
    dedupe_key: row.dedupe_key,
  });
}

/** sha256 hex of prevHash + '\n' + the row's canonical content. */
export function hashRow(prevHash: string, row: AuditContent): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalContent(row)}`, 'utf8').digest('hex');
}

/** Where a verification stands: the last good row (seq 0 and the genesis hash before the first). */
export interface ChainHead {
  seq: number;
  hash: string;
}

export const GENESIS: ChainHead = { seq: 0, hash: GENESIS_HASH };

export type BreakReason = 'content' | 'link';

export type ChainVerification =
  | { ok: true; rows: number; head: ChainHead }
  | { ok: false; rows: number; head: ChainHead; firstBrokenSeq: number; reason: BreakReason; detail: string };

function seqOf(value: number | bigint | string): number | undefined {
  try {
    const n = BigInt(value);
    return n >= 1n && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Walks rows in order from `start` (the genesis by default; pass the previous call's head to
 * verify a long table batch by batch) and stops at the first broken row. `rows` counts the
 * rows found good; `head` is the last good one.
 */
export function verifyChain(rows: Iterable<AuditChainRow>, start: ChainHead = GENESIS): ChainVerification {
  let head = start;
  let good = 0;
  for (const row of rows) {
    const seq = seqOf(row.seq);
    const broken = (reason: BreakReason, detail: string): ChainVerification => ({
      ok: false,
      rows: good,
      head,
      firstBrokenSeq: seq ?? Number(row.seq),
      reason,
      detail,
    });
    if (seq !== head.seq + 1)
      return broken('link', head.seq === 0 ? `the chain starts at seq ${String(row.seq)}, not 1` : `seq ${String(row.seq)} follows seq ${head.seq}`);
    if (row.prev_hash !== head.hash)
      return broken('link', head.seq === 0 ? 'the first row does not start from the genesis hash' : `prev_hash is not the hash of row ${head.seq}`);
    let expected: string;
    try {
      expected = hashRow(row.prev_hash, row);
    } catch (error) {
      return broken('content', `the row cannot be hashed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (expected !== row.hash) return broken('content', 'the stored hash is not the hash of the row’s content');
    head = { seq, hash: row.hash };
    good += 1;
  }
  return { ok: true, rows: good, head };
}
