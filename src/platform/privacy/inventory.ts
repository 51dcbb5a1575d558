/**
 * The personal-data inventory (Ley 25.326): every column that holds personal data, with why we
 * have it, on what legal basis, for how long, and how it is protected at rest. This declaration
 * is the source: docs/personal-data-inventory.md is generated from it (npm run
 * generate:inventory), and test/privacy/inventory.test.ts checks it against the live migrated
 * schema — a column that looks personal and is not declared here, or a column declared encrypted
 * that holds plaintext, fails the build.
 */

/** Ley 25.326 art. 5: consent, or one of the exceptions of art. 5.2 that apply to us. */
export type LegalBasis =
  /** art. 5.1: free, express and informed consent (marketing opt-in, optional profile data). */
  | 'consent'
  /** art. 5.2.d: needed to perform the contract with the data subject (a booking, an account). */
  | 'contract'
  /** art. 5.2.b: required by law (invoicing under RG 4291/1415, Ley 11.683 record keeping). */
  | 'legal_obligation';

export const LEGAL_BASIS_TEXT: Record<LegalBasis, string> = {
  consent: 'Consent (Ley 25.326 art. 5.1)',
  contract: 'Contract with the data subject (art. 5.2.d)',
  legal_obligation: 'Legal obligation (art. 5.2.b; Ley 11.683, RG 1415/4291)',
};

export type Protection =
  /** Sealed with the key ring (envelope AES-256-GCM); must be in SEALED_COLUMNS so rotation covers it. */
  | { kind: 'encrypted' }
  /** HMAC-SHA-256 with DATA_HASH_KEY of the digits of another (encrypted) column, for equality lookups. */
  | { kind: 'keyed-hash'; of: string }
  /** Stored in the clear, and why that is right. */
  | { kind: 'plaintext'; reason: string };

export interface PersonalDataColumn {
  table: string;
  column: string;
  /** What the value is, and whose. */
  data: string;
  purpose: string;
  legalBasis: LegalBasis;
  retention: string;
  protection: Protection;
}

/** A column whose name looks personal but whose content is not personal data, and why. */
export interface NotPersonalColumn {
  table: string;
  column: string;
  reason: string;
}

/** Column names that look like personal data; a text-like column matching one must be declared. */
export const PERSONAL_COLUMN_PATTERNS: readonly RegExp[] = [
  /phone/,
  /mail/,
  /(^|_)dni($|_)/,
  /cuit/,
  /cuil/,
  /document/,
  /address/,
  /name/,
  /birth/,
  /(^|_)ip($|_)/,
  /user_agent/,
  /receiver/,
  /note/,
  /comment/,
  /(^|_)bio($|_)/,
  /payload/,
];

/** Only these types can hold a personal value; a boolean `email` preference cannot. */
export const TEXT_LIKE_TYPES: readonly string[] = ['text', 'character varying', 'character', 'jsonb', 'json', 'inet', 'cidr', 'bytea'];

/** Bookkeeping tables of the migrator, never personal. */
export const IGNORED_TABLES: readonly string[] = ['schema_migrations', 'schema_migrations_lock'];

const ACCOUNT_LIFETIME = 'While the account exists; deleted with it (unused customer accounts: after 365 days without bookings or logins, retention job `unused_accounts`).';
const INVOICE_RETENTION = '10 years from issue (Ley 11.683 art. 48, RG 1415): never deleted or anonymised on a deletion request.';

export const PERSONAL_DATA_INVENTORY: readonly PersonalDataColumn[] = [
  {
    table: 'users',
    column: 'email',
    data: 'Email address of a customer, provider or admin',
    purpose: 'Login identifier; booking confirmations and reminders',
    legalBasis: 'contract',
    retention: ACCOUNT_LIFETIME,
    protection: { kind: 'plaintext', reason: 'The login looks it up case-insensitively on every sign-in (unique index on lower(email)) and mail is sent to it; disk and backup encryption of the database protect it at rest.' },
  },
  {
    table: 'users',
    column: 'full_name',
    data: 'Name of a customer, provider or admin',
    purpose: 'Shown to the shop on each booking and in messages to the customer',
    legalBasis: 'contract',
    retention: ACCOUNT_LIFETIME,
    protection: { kind: 'plaintext', reason: 'Joined into agenda, booking and notification queries and shown to the shop; art. 5.2.c lists names among data that needs no consent.' },
  },
  {
    table: 'users',
    column: 'phone',
    data: 'Phone number of a customer or provider (optional at sign-up)',
    purpose: 'Contact about a booking; default WhatsApp number',
    legalBasis: 'contract',
    retention: ACCOUNT_LIFETIME,
    protection: { kind: 'encrypted' },
  },
  {
    table: 'users',
    column: 'phone_hash',
    data: 'Keyed hash of users.phone',
    purpose: 'Find accounts by phone (data-subject requests, support) without decrypting every row',
    legalBasis: 'contract',
    retention: 'Same as users.phone.',
    protection: { kind: 'keyed-hash', of: 'users.phone' },
  },
  {
    table: 'notification_preferences',
    column: 'whatsapp_phone',
    data: 'WhatsApp number (E.164) a customer asked to be notified at',
    purpose: 'WhatsApp booking notifications the customer opted into',
    legalBasis: 'consent',
    retention: 'Until the customer turns WhatsApp off or deletes the account.',
    protection: { kind: 'encrypted' },
  },
  {
    table: 'booking_billing',
    column: 'receiver',
    data: "Customer's billing data: name, DNI/CUIL/CUIT, IVA condition, address",
    purpose: 'The receiver of the booking’s invoice, as the customer asked',
    legalBasis: 'legal_obligation',
    retention: 'With the booking; the issued invoice keeps its own copy (see invoices.receiver).',
    protection: { kind: 'encrypted' },
  },
  {
    table: 'booking_billing',
    column: 'document_hash',
    data: 'Keyed hash of the billing document number',
    purpose: 'Find a data subject’s billing records by DNI/CUIT',
    legalBasis: 'legal_obligation',
    retention: 'Same as booking_billing.receiver.',
    protection: { kind: 'keyed-hash', of: 'booking_billing.receiver' },
  },
  {
    table: 'invoices',
    column: 'receiver',
    data: "Invoice receiver: customer's name, DNI/CUIL/CUIT, IVA condition, address",
    purpose: 'Printed on the Factura/Nota de crédito and sent to AFIP (DocTipo/DocNro); the repository opens it for the PDF, and key rotation re-wraps it so it stays readable for the whole retention period',
    legalBasis: 'legal_obligation',
    retention: INVOICE_RETENTION,
    protection: { kind: 'encrypted' },
  },
  {
    table: 'invoices',
    column: 'receiver_document_hash',
    data: 'Keyed hash of the invoice receiver’s document number',
    purpose: 'Find a data subject’s invoices by DNI/CUIT',
    legalBasis: 'legal_obligation',
    retention: INVOICE_RETENTION,
    protection: { kind: 'keyed-hash', of: 'invoices.receiver' },
  },
  {
    table: 'invoices',
    column: 'document',
    data: 'The authorised voucher as issued (includes the receiver)',
    purpose: 'Reprinting the PDF and the QR exactly as authorised; credit notes',
    legalBasis: 'legal_obligation',
    retention: INVOICE_RETENTION,
    protection: { kind: 'encrypted' },
  },
  {
    table: 'invoices',
    column: 'cuit',
    data: 'CUIT of the issuing shop (a natural person’s when the barber is monotributista)',
    purpose: 'Issuer of the voucher; numbering sequence key',
    legalBasis: 'legal_obligation',
    retention: INVOICE_RETENTION,
    protection: { kind: 'plaintext', reason: 'Printed on every voucher, public in AFIP’s register, and part of the numbering key issuers lock on.' },
  },
  {
    table: 'invoice_sequences',
    column: 'cuit',
    data: 'CUIT of the issuing shop',
    purpose: 'Numbering sequence key',
    legalBasis: 'legal_obligation',
    retention: INVOICE_RETENTION,
    protection: { kind: 'plaintext', reason: 'The primary key issuers lock on; public in AFIP’s register.' },
  },
  {
    table: 'shops',
    column: 'cuit',
    data: 'CUIT of the shop (a natural person’s when monotributista)',
    purpose: 'Invoicing as the issuer',
    legalBasis: 'legal_obligation',
    retention: 'While the shop is listed, then as long as its invoices (10 years).',
    protection: { kind: 'plaintext', reason: 'Printed on every voucher and public in AFIP’s register.' },
  },
  {
    table: 'shops',
    column: 'address',
    data: 'Address of the shop',
    purpose: 'Shown to customers; printed on invoices',
    legalBasis: 'contract',
    retention: 'While the shop is listed.',
    protection: { kind: 'plaintext', reason: 'Published on the public shop page and on every invoice.' },
  },
  {
    table: 'shops',
    column: 'phone',
    data: 'Contact phone the shop publishes',
    purpose: 'Shown to customers on the shop page',
    legalBasis: 'contract',
    retention: 'While the shop is listed.',
    protection: { kind: 'plaintext', reason: 'Published by the shop on its public page to anyone; sealing it would protect nothing the API does not already show.' },
  },
  {
    table: 'shop_fiscal_settings',
    column: 'business_name',
    data: 'Razón social of the shop (a natural person’s name when monotributista)',
    purpose: 'Printed on invoices as the issuer',
    legalBasis: 'legal_obligation',
    retention: 'While the shop invoices, then as long as its invoices.',
    protection: { kind: 'plaintext', reason: 'Printed on every voucher and public in AFIP’s register.' },
  },
  {
    table: 'barbers',
    column: 'display_name',
    data: 'Name a barber works under',
    purpose: 'Customers choose a barber by it',
    legalBasis: 'contract',
    retention: 'While the barber belongs to the shop.',
    protection: { kind: 'plaintext', reason: 'Published on the public shop page.' },
  },
  {
    table: 'barbers',
    column: 'bio',
    data: 'Short professional description of a barber',
    purpose: 'Shown on the shop page',
    legalBasis: 'consent',
    retention: 'While the barber belongs to the shop.',
    protection: { kind: 'plaintext', reason: 'Written by the barber to be published.' },
  },
  {
    table: 'barber_date_overrides',
    column: 'note',
    data: 'Free-text note on a barber’s changed hours (may mention the reason)',
    purpose: 'The shop’s own scheduling',
    legalBasis: 'contract',
    retention: 'While the barber belongs to the shop.',
    protection: { kind: 'plaintext', reason: 'Seen only by the shop’s staff through access-controlled routes; not indexed or searched. Candidate for sealing if shops start writing health reasons here.' },
  },
  {
    table: 'bookings',
    column: 'customer_note',
    data: 'Free-text note a customer leaves on a booking',
    purpose: 'Tells the barber what the customer wants',
    legalBasis: 'contract',
    retention: 'With the booking (expired holds: deleted after 30 days by retention job `expired_holds`).',
    protection: { kind: 'plaintext', reason: 'Shown to the barber on the agenda, which lists many bookings at once; access control limits it to the customer and the shop.' },
  },
  {
    table: 'reviews',
    column: 'comment',
    data: 'Review text a customer publishes',
    purpose: 'Published on the shop page',
    legalBasis: 'consent',
    retention: 'Until the customer deletes it or their account.',
    protection: { kind: 'plaintext', reason: 'Written by the customer to be published.' },
  },
  {
    table: 'idempotency_keys',
    column: 'response_body',
    data: 'Stored API answers to replayed requests (may include the caller’s booking and contact data)',
    purpose: 'Answer a retried request with the same response',
    legalBasis: 'contract',
    retention: '30 days (retention job `idempotency_responses`).',
    protection: { kind: 'plaintext', reason: 'Short-lived technical copy of what the caller was already sent; purged after 30 days.' },
  },
  {
    table: 'privacy_requests',
    column: 'contact_email',
    data: 'Email a person gives on the public withdrawal ("Botón de arrepentimiento") or cancellation ("Botón de baja") form',
    purpose: 'Answering the request within its legal term and proving it was answered',
    legalBasis: 'legal_obligation',
    retention: 'With the request record, as evidence of the answer (not purged by the retention job); scrubbed when the account is deleted.',
    protection: { kind: 'encrypted' },
  },
  {
    table: 'privacy_requests',
    column: 'personal_details',
    data: 'What a requester wrote: the full name on a public withdrawal or cancellation form, its free-text reason, and the description of a rectification that needs review',
    purpose: 'Answering the request within its legal term and proving it was answered',
    legalBasis: 'legal_obligation',
    retention: 'With the request record, as evidence of the answer (not purged by the retention job); scrubbed when the account is deleted.',
    protection: { kind: 'encrypted' },
  },
];

export const NOT_PERSONAL_COLUMNS: readonly NotPersonalColumn[] = [
  { table: 'shops', column: 'name', reason: 'Trade name of the shop, published.' },
  { table: 'services', column: 'name', reason: 'Name of a service (“Corte clásico”).' },
  { table: 'audit_log', column: 'payload', reason: 'Financial events: ids (booking, payment, shop, invoice), amounts and statuses; no names, contacts or documents.' },
  { table: 'consents', column: 'document', reason: 'Which legal text was accepted (terms, privacy_notice, marketing), not an identity document.' },
  { table: 'incident_alerts', column: 'alertname', reason: 'The Prometheus alert rule’s name (“HighErrorRate”), from ops/prometheus/alerts.yml.' },
  { table: 'incidents', column: 'resolution_note', reason: 'An operator’s note on how an incident was fixed: it describes the system, not customers.' },
];
