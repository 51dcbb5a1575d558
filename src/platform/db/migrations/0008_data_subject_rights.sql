-- Data-subject rights (Ley 25.326), consent, and the consumer "Botón de arrepentimiento" /
-- "Botón de baja": every request with its legal deadline, and consent as an append-only history.

create table privacy_requests (
  id              uuid primary key default gen_random_uuid(),
  -- What the requester is given at once to follow the request up (e.g. ARR-2026-7K3M9QX2).
  procedure_code  text not null unique,
  kind            text not null check (kind in ('access', 'rectification', 'deletion', 'withdrawal', 'cancellation')),
  -- received: open, waiting for an answer; in_review: open, and the subject's data is blocked
  -- (not processed for notifications or marketing) until it is answered.
  status          text not null check (status in ('received', 'in_review', 'completed', 'rejected')),
  user_id         uuid references users (id),
  -- Public requests (no login): the email given, to answer to. Scrubbed when the account is deleted.
  contact_email   text,
  booking_id      uuid references bookings (id) on delete set null,
  -- Field names and reasons only (never the values of personal data).
  details         jsonb not null default '{}'::jsonb,
  received_at     timestamptz not null,
  due_at          timestamptz not null,
  answered_at     timestamptz,
  answered_by     uuid references users (id),
  answer          text,
  check ((status in ('completed', 'rejected')) = (answered_at is not null)),
  check (user_id is not null or contact_email is not null)
);
create index privacy_requests_open_idx on privacy_requests (due_at) where status in ('received', 'in_review');
create index privacy_requests_user_idx on privacy_requests (user_id, received_at desc);
-- The blocking check on the notifications send path reads this one.
create index privacy_requests_blocking_idx on privacy_requests (user_id) where status = 'in_review';

create table consents (
  id           bigserial primary key,
  user_id      uuid not null references users (id) on delete cascade,
  document     text not null check (document in ('terms', 'privacy_notice', 'marketing')),
  -- The version of the text accepted; for marketing, the privacy notice in force when chosen.
  version      text not null,
  granted      boolean not null,
  source       text not null check (source in ('sign_up', 'settings', 'reacceptance', 'deletion')),
  recorded_at  timestamptz not null
);
create index consents_user_idx on consents (user_id, document, recorded_at desc, id desc);

-- Set when the subject asked to be deleted and it was carried out; the row stays as an
-- anonymous shell so bookings, payments and invoices keep their references.
alter table users add column deleted_at timestamptz;
