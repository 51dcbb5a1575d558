import type { KeyedHashKind } from './personal-data.js';

/**
 * Every column that holds sealed values, secrets and personal data alike: what `keys rotate`
 * re-wraps, what the migrate-time step seals when it finds plaintext, what `keys status` and
 * `data-protection-check` measure. A value's context is always `<table>.<name>:<key value>`.
 */
export interface SealedColumn {
  table: string;
  column: string;
  /** The single-column primary key: batches walk it, updates target it, the context ends with it. */
  key: string;
  /** The middle of the context: `<table>.<contextName>:<key>`. */
  contextName: string;
  /** text: the sealed string itself. json: a jsonb column holding {"sealed": "v2.…"}. */
  format: 'text' | 'json';
  /** Personal data (Ley 25.326) rather than a credential: counted in encryption coverage. */
  personal: boolean;
  /** A keyed-hash column filled from the plaintext when plaintext is sealed. */
  hash?: { column: string; kind: KeyedHashKind; of: (plaintext: string) => string | null };
}

/** The document number (DNI, CUIL or CUIT) of a stored receiver, in JSON text. */
export function receiverDocumentOf(receiverJson: string): string | null {
  const r = JSON.parse(receiverJson) as { kind?: string; dni?: string; cuil?: string; cuit?: string } | null;
  return r?.dni ?? r?.cuil ?? r?.cuit ?? null;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'users', column: 'phone', key: 'id', contextName: 'phone', format: 'text', personal: true, hash: { column: 'phone_hash', kind: 'phone', of: (p) => p } },
  { table: 'notification_preferences', column: 'whatsapp_phone', key: 'user_id', contextName: 'whatsapp_phone', format: 'text', personal: true },
  {
    table: 'booking_billing',
    column: 'receiver',
    key: 'booking_id',
    contextName: 'receiver',
    format: 'json',
    personal: true,
    hash: { column: 'document_hash', kind: 'document', of: receiverDocumentOf },
  },
  {
    table: 'invoices',
    column: 'receiver',
    key: 'id',
    contextName: 'receiver',
    format: 'json',
    personal: true,
    hash: { column: 'receiver_document_hash', kind: 'document', of: receiverDocumentOf },
  },
  { table: 'invoices', column: 'document', key: 'id', contextName: 'document', format: 'json', personal: true },
  { table: 'privacy_requests', column: 'contact_email', key: 'id', contextName: 'contact_email', format: 'text', personal: true },
  { table: 'privacy_requests', column: 'personal_details', key: 'id', contextName: 'personal_details', format: 'json', personal: true },
  { table: 'merchant_accounts', column: 'access_token_sealed', key: 'shop_id', contextName: 'access_token', format: 'text', personal: false },
  { table: 'merchant_accounts', column: 'refresh_token_sealed', key: 'shop_id', contextName: 'refresh_token', format: 'text', personal: false },
  { table: 'shop_fiscal_settings', column: 'private_key_sealed', key: 'shop_id', contextName: 'private_key', format: 'text', personal: false },
  { table: 'afip_tickets', column: 'token_sealed', key: 'key', contextName: 'token', format: 'text', personal: false },
  { table: 'afip_tickets', column: 'sign_sealed', key: 'key', contextName: 'sign', format: 'text', personal: false },
];

export function sealContext(column: SealedColumn, keyValue: string): string {
  return `${column.table}.${column.contextName}:${keyValue}`;
}

export function sealedColumn(table: string, column: string): SealedColumn {
  const found = SEALED_COLUMNS.find((c) => c.table === table && c.column === column);
  if (!found) throw new Error(`${table}.${column} is not a sealed column`);
  return found;
}

/** The context of a value of table.column in the row whose key is keyValue. */
export function contextOf(table: string, column: string, keyValue: string): string {
  return sealContext(sealedColumn(table, column), keyValue);
}
