-- Personal data at rest (Ley 25.326): columns that now hold sealed values, the keyed hashes that
-- let sealed values be matched, and the retention job's record of its runs.
-- Runs unchanged on PostgreSQL 15 and on PGlite.
--
-- Which columns are sealed, with what context, and why: src/platform/privacy/inventory.ts
-- (rendered as docs/personal-data-inventory.md). SQL cannot seal values — the keys are the
-- application's — so rows written in plaintext before this migration are sealed by the step
-- `npx barberpro migrate` (and `serve`) runs right after the migrations:
-- src/platform/crypto/rotation.ts, sealPlaintext(). Until then the application reads them as
-- they are; nothing breaks during a rollout.

-- users.phone holds `v2.<keyId>.…` from now on; phone_hash is HMAC-SHA-256 of its digits.
alter table users add column phone_hash text;
create index users_phone_hash_idx on users (phone_hash) where phone_hash is not null;

-- The E.164 shape is checked by the application before sealing (normalizePhone); the column
-- now holds ciphertext, which the old check would refuse.
alter table notification_preferences drop constraint if exists notification_preferences_whatsapp_phone_check;

-- receiver (and invoices.document) hold {"sealed": "v2.…"}: the whole receiver (name, document,
-- address) sealed as one value. The hashes are of the receiver's document number (DNI/CUIL/CUIT).
alter table booking_billing add column document_hash text;
create index booking_billing_document_hash_idx on booking_billing (document_hash) where document_hash is not null;
alter table invoices add column receiver_document_hash text;
create index invoices_receiver_document_hash_idx on invoices (receiver_document_hash) where receiver_document_hash is not null;

-- When the account last got a session (login or refresh): what tells an unused account from a
-- quiet one once its expired refresh tokens are purged. Backfilled from the tokens there are.
alter table users add column last_active_at timestamptz;
update users u set last_active_at = (select max(t.created_at) from refresh_tokens t where t.user_id = u.id);

-- One row per run of the retention job: what it removed or anonymised, per kind.
create table retention_runs (
  id          uuid primary key default gen_random_uuid(),
  started_at  timestamptz not null,
  finished_at timestamptz,
  -- {"expired_holds": 3, "unused_accounts": 0, …}
  counts      jsonb not null default '{}'::jsonb,
  -- Kinds that failed this run, with the reason (the others still ran).
  errors      jsonb not null default '{}'::jsonb
);
create index retention_runs_started_idx on retention_runs (started_at desc);
