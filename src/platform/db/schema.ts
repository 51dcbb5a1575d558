import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Kysely table types; they mirror migrations/*.sql and change with them. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** bigint columns are parsed to JS numbers (safe below 2^53 centavos). */
type Int8 = ColumnType<number, number | bigint | string, number | bigint | string>;
type DefaultInt8 = ColumnType<number, number | bigint | string | undefined, number | bigint | string>;
/** numeric columns stay strings so no precision is lost. */
type Numeric = ColumnType<string, string | number, string | number>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  password_hash: string;
  full_name: string;
  /** Sealed (`v2.<keyId>.…`, context users.phone:<id>); AccountsRepository opens it. */
  phone: string | null;
  /** Keyed hash of the phone's digits (PersonalDataCipher.keyedHash('phone', …)). */
  phone_hash: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set whenever a session is issued (login, refresh); the retention job's "unused account" test. */
  last_active_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  role: 'customer' | 'provider' | 'admin';
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  user_id: string;
  family_id: string;
  token_hash: string;
  expires_at: Timestamp;
  created_at: DefaultTimestamp;
  used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export type TaxCondition = 'monotributo' | 'responsable_inscripto';

export interface ShopsTable {
  id: Generated<string>;
  name: string;
  slug: string;
  description: Generated<string>;
  cuit: string;
  tax_condition: TaxCondition;
  address: string;
  city: string;
  province: string;
  region: string;
  timezone: Generated<string>;
  latitude: number;
  longitude: number;
  phone: string | null;
  cancellation_cutoff_minutes: Generated<number>;
  hold_minutes: Generated<number>;
  min_notice_minutes: Generated<number>;
  booking_horizon_days: Generated<number>;
  slot_step_minutes: Generated<number>;
  rating_avg: Numeric | null;
  rating_count: Generated<number>;
  active: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ShopMembersTable {
  shop_id: string;
  user_id: string;
  role: 'owner' | 'barber';
  created_at: DefaultTimestamp;
}

export interface BarbersTable {
  id: Generated<string>;
  shop_id: string;
  user_id: string | null;
  display_name: string;
  bio: Generated<string>;
  active: Generated<boolean>;
  created_at: DefaultTimestamp;
}

export type DepositKind = 'none' | 'fixed' | 'percent' | 'full';

export interface ServicesTable {
  id: Generated<string>;
  shop_id: string;
  name: string;
  description: Generated<string>;
  duration_minutes: number;
  price_cents: Int8;
  deposit_kind: Generated<DepositKind>;
  deposit_value: ColumnType<number, number | undefined, number>;
  buffer_before_minutes: Generated<number>;
  buffer_after_minutes: Generated<number>;
  active: Generated<boolean>;
  created_at: DefaultTimestamp;
}

export interface BarberServicesTable {
  barber_id: string;
  service_id: string;
}

export interface BarberWeeklyHoursTable {
  id: Generated<string>;
  barber_id: string;
  weekday: number;
  start_minute: number;
  end_minute: number;
  kind: 'work' | 'break';
}

export interface BarberDateOverridesTable {
  id: Generated<string>;
  barber_id: string;
  on_date: string;
  start_minute: number | null;
  end_minute: number | null;
  note: Generated<string>;
}

export interface BarberTimeOffTable {
  id: Generated<string>;
  barber_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reason: Generated<string>;
  created_at: DefaultTimestamp;
}

export type BookingStatus = 'pending' | 'confirmed' | 'completed' | 'no_show' | 'cancelled' | 'expired';
/** Statuses that occupy the barber's time (the exclusion constraint's predicate). */
export const LIVE_BOOKING_STATUSES = ['pending', 'confirmed', 'completed', 'no_show'] as const;

export interface BookingsTable {
  id: Generated<string>;
  shop_id: string;
  barber_id: string;
  service_id: string;
  customer_id: string;
  status: BookingStatus;
  starts_at: Timestamp;
  ends_at: Timestamp;
  blocked_from: Timestamp;
  blocked_to: Timestamp;
  price_cents: Int8;
  deposit_cents: DefaultInt8;
  currency: Generated<'ARS'>;
  booking_value: ColumnType<string | null, never, never>;
  hold_expires_at: Timestamp | null;
  customer_note: Generated<string>;
  cancelled_at: Timestamp | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  reschedule_count: Generated<number>;
  response_time_ms: number | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface BookingEventsTable {
  id: Generated<number>;
  booking_id: string;
  type: string;
  actor_id: string | null;
  data: ColumnType<unknown, string, string>;
  created_at: DefaultTimestamp;
}

export interface ReviewsTable {
  id: Generated<string>;
  booking_id: string;
  shop_id: string;
  barber_id: string;
  customer_id: string;
  rating: number;
  comment: Generated<string>;
  created_at: DefaultTimestamp;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  scope: string;
  request_hash: string;
  status_code: number;
  response_body: ColumnType<unknown, string, string>;
  created_at: DefaultTimestamp;
}

export interface BookingAnalyticsView {
  booking_id: string;
  shop_id: string;
  provider_region: string;
  provider_city: string;
  customer_rating: number | null;
  response_time_ms: number | null;
  booking_date: string;
  status: BookingStatus;
  booking_value: string | null;
}

export type NotificationKind = 'confirmation' | 'rescheduled' | 'cancelled' | 'reminder_24h' | 'reminder_2h';
export type NotificationChannel = 'email' | 'whatsapp';
export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface NotificationsTable {
  id: Generated<string>;
  booking_id: string;
  customer_id: string;
  kind: NotificationKind;
  channel: NotificationChannel;
  sequence: Generated<number>;
  status: Generated<NotificationStatus>;
  due_at: Timestamp;
  attempts: Generated<number>;
  last_error: string | null;
  claimed_by: string | null;
  claimed_at: Timestamp | null;
  send_started_at: Timestamp | null;
  sent_at: Timestamp | null;
  provider_message_id: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface NotificationPreferencesTable {
  user_id: string;
  email: Generated<boolean>;
  whatsapp: Generated<boolean>;
  whatsapp_phone: string | null;
  updated_at: DefaultTimestamp;
}

export interface DailyRollupsTable {
  day: string;
  region: string;
  bookings_created: number;
  bookings_cancelled: number;
  bookings_completed: number;
  bookings_no_show: number;
  revenue_cents: Int8;
  avg_rating: Numeric | null;
  avg_response_time_ms: Numeric | null;
  computed_at: DefaultTimestamp;
}

export interface MerchantAccountsTable {
  shop_id: string;
  mp_user_id: string;
  access_token_sealed: string;
  refresh_token_sealed: string | null;
  public_key: string | null;
  token_expires_at: Timestamp | null;
  linked_at: DefaultTimestamp;
  refreshed_at: Timestamp | null;
  status: Generated<'linked' | 'revoked' | 'refresh_failed'>;
}

export type PaymentRowStatus = 'checkout' | 'pending' | 'approved' | 'rejected' | 'refunded' | 'partially_refunded' | 'charged_back' | 'disputed' | 'review';

export interface PaymentsTable {
  id: Generated<string>;
  booking_id: string | null;
  shop_id: string | null;
  preference_id: string | null;
  mp_payment_id: string | null;
  status: PaymentRowStatus;
  mp_status: string | null;
  mp_status_detail: string | null;
  amount_cents: Int8;
  currency: Generated<string>;
  refunded_cents: DefaultInt8;
  mp_fee_cents: DefaultInt8;
  commission_cents: DefaultInt8;
  review_reason: string | null;
  checkout_url: string | null;
  checkout_expires_at: Timestamp | null;
  approved_at: Timestamp | null;
  last_synced_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface PaymentNotificationsTable {
  id: Generated<string>;
  mp_payment_id: string;
  mp_user_id: string | null;
  action: string | null;
  request_id: string | null;
  received_at: DefaultTimestamp;
  processed_at: Timestamp | null;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface RefundsTable {
  id: Generated<string>;
  payment_id: string;
  booking_id: string | null;
  amount_cents: Int8;
  reason: string;
  status: Generated<'pending' | 'succeeded' | 'failed'>;
  mp_refund_id: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: DefaultTimestamp;
  completed_at: Timestamp | null;
}

export interface DB {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  shops: ShopsTable;
  shop_members: ShopMembersTable;
  barbers: BarbersTable;
  services: ServicesTable;
  barber_services: BarberServicesTable;
  barber_weekly_hours: BarberWeeklyHoursTable;
  barber_date_overrides: BarberDateOverridesTable;
  barber_time_off: BarberTimeOffTable;
  bookings: BookingsTable;
  booking_events: BookingEventsTable;
  reviews: ReviewsTable;
  idempotency_keys: IdempotencyKeysTable;
  booking_analytics: BookingAnalyticsView;
  daily_rollups: DailyRollupsTable;
  merchant_accounts: MerchantAccountsTable;
  payments: PaymentsTable;
  payment_notifications: PaymentNotificationsTable;
  refunds: RefundsTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
}

export type User = Selectable<UsersTable>;
export type Shop = Selectable<ShopsTable>;
export type Barber = Selectable<BarbersTable>;
export type Service = Selectable<ServicesTable>;
export type Booking = Selectable<BookingsTable>;
export type NewBooking = Insertable<BookingsTable>;
export type ShopUpdate = Updateable<ShopsTable>;

// Ledger and audit trail (migration 0004). Declaration merging adds them to DB.

export type LedgerAccountKind = 'asset' | 'liability' | 'revenue' | 'expense';

export interface LedgerAccountsTable {
  code: string;
  kind: LedgerAccountKind;
  shop_id: string | null;
  created_at: DefaultTimestamp;
}

export interface LedgerEntriesTable {
  id: Generated<string>;
  occurred_at: Timestamp;
  kind: string;
  idempotency_key: string;
  booking_id: string | null;
  payment_ref: string | null;
  description: ColumnType<string, string | undefined, never>;
  created_at: DefaultTimestamp;
}

export interface LedgerPostingsTable {
  id: Generated<number>;
  entry_id: string;
  account_code: string;
  /** Integer centavos, debit positive, credit negative. */
  amount_cents: Int8;
  line_type: string;
}

export interface AuditLogTable {
  seq: Int8;
  occurred_at: Timestamp;
  event_type: string;
  entity_type: string;
  entity_id: string;
  actor: string;
  payload: ColumnType<unknown, string, never>;
  dedupe_key: string;
  prev_hash: string;
  hash: string;
}

export interface DB {
  ledger_accounts: LedgerAccountsTable;
  ledger_entries: LedgerEntriesTable;
  ledger_postings: LedgerPostingsTable;
  audit_log: AuditLogTable;
}

// AFIP invoicing (migration 0006).

export type AfipEnvironmentName = 'homologation' | 'production' | 'sandbox';
export type InvoiceKind = 'invoice' | 'credit_note';
export type InvoiceStatus = 'pending' | 'issuing' | 'authorized' | 'rejected';
/** jsonb read as parsed JSON, written as JSON text. */
type Json = ColumnType<unknown, string, string>;
type NullableJson = ColumnType<unknown, string | null | undefined, string | null>;

export interface ShopFiscalSettingsTable {
  shop_id: string;
  point_of_sale: number;
  business_name: string;
  gross_income_registration: string;
  /** date: 'YYYY-MM-DD' */
  activity_start_date: string;
  certificate_pem: string;
  private_key_sealed: string;
  environment: AfipEnvironmentName;
  enabled: Generated<boolean>;
  updated_at: DefaultTimestamp;
}

export interface AfipTicketsTable {
  key: string;
  token_sealed: string;
  sign_sealed: string;
  expires_at: Timestamp;
  updated_at: DefaultTimestamp;
}

export interface InvoiceSequencesTable {
  cuit: string;
  point_of_sale: number;
  cbte_tipo: number;
  failures: Generated<number>;
  retry_at: Timestamp | null;
  last_error: string | null;
  updated_at: DefaultTimestamp;
}

export interface BookingBillingTable {
  booking_id: string;
  /** {"sealed": "v2.…"} (context booking_billing.receiver:<booking_id>); the repository opens it. */
  receiver: Json;
  document_hash: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: DefaultTimestamp;
}

export interface InvoicesTable {
  id: Generated<string>;
  shop_id: string;
  booking_id: string | null;
  payment_id: string | null;
  kind: InvoiceKind;
  source_ref: string;
  associated_invoice_id: string | null;
  cbte_tipo: number;
  point_of_sale: number | null;
  cuit: string;
  number: number | null;
  /** date: 'YYYY-MM-DD' */
  issue_date: string | null;
  total_cents: Int8;
  net_cents: DefaultInt8;
  iva_cents: DefaultInt8;
  iva_rate_id: number | null;
  /** {"sealed": "v2.…"} (contexts invoices.receiver:<id>, invoices.document:<id>); the repository opens them. */
  receiver: Json;
  document: NullableJson;
  receiver_document_hash: ColumnType<string | null, string | null | undefined, string | null>;
  status: Generated<InvoiceStatus>;
  cae: string | null;
  cae_expires_on: string | null;
  afip_errors: NullableJson;
  afip_observations: NullableJson;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: Timestamp | null;
  revision: Generated<number>;
  created_at: DefaultTimestamp;
  authorized_at: Timestamp | null;
}

export interface DB {
  shop_fiscal_settings: ShopFiscalSettingsTable;
  afip_tickets: AfipTicketsTable;
  invoice_sequences: InvoiceSequencesTable;
  booking_billing: BookingBillingTable;
  invoices: InvoicesTable;
}

// Personal data protection (migration 0007).

export interface RetentionRunsTable {
  id: Generated<string>;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  counts: ColumnType<Record<string, number>, string | undefined, string>;
  errors: ColumnType<Record<string, string>, string | undefined, string>;
}

// Data-subject rights and consent (migration 0008).

export type PrivacyRequestKind = 'access' | 'rectification' | 'deletion' | 'withdrawal' | 'cancellation';
export type PrivacyRequestStatus = 'received' | 'in_review' | 'completed' | 'rejected';
export type ConsentDocument = 'terms' | 'privacy_notice' | 'marketing';
export type ConsentSource = 'sign_up' | 'settings' | 'reacceptance' | 'deletion';

export interface PrivacyRequestsTable {
  id: Generated<string>;
  procedure_code: string;
  kind: PrivacyRequestKind;
  status: PrivacyRequestStatus;
  user_id: string | null;
  /** Sealed (privacy_requests.contact_email:<id>). */
  contact_email: string | null;
  booking_id: string | null;
  details: Json;
  /** {"sealed": …} of {fullName?, description?} (privacy_requests.personal_details:<id>). */
  personal_details: Json | null;
  received_at: Timestamp;
  due_at: Timestamp;
  answered_at: Timestamp | null;
  answered_by: string | null;
  answer: string | null;
}

export interface ConsentsTable {
  id: Generated<Int8>;
  user_id: string;
  document: ConsentDocument;
  version: string;
  granted: boolean;
  source: ConsentSource;
  recorded_at: Timestamp;
}

/** Merged into UsersTable above. */
export interface UsersTable {
  deleted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface DB {
  retention_runs: RetentionRunsTable;
  privacy_requests: PrivacyRequestsTable;
  consents: ConsentsTable;
}
