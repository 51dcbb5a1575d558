-- Notifications: booking confirmations, changes, cancellations and reminders.
-- The database is the source of truth: rows are written in the booking's own transaction
-- (an outbox) and a dispatcher drains them; the job queue only says "look now".
-- Runs unchanged on PostgreSQL 15 and on PGlite.

-- Per-customer channel choices. No row means the defaults: email on, WhatsApp off.
create table notification_preferences (
  user_id        uuid primary key references users (id) on delete cascade,
  email          boolean not null default true,
  whatsapp       boolean not null default false,
  -- E.164 with the leading "+", e.g. +5491140000000.
  whatsapp_phone text check (whatsapp_phone ~ '^\+[1-9][0-9]{7,14}$'),
  updated_at     timestamptz not null default now(),
  check (not whatsapp or whatsapp_phone is not null)
);

create table notifications (
  id                  uuid primary key default gen_random_uuid(),
  booking_id          uuid not null references bookings (id) on delete cascade,
  customer_id         uuid not null references users (id) on delete cascade,
  kind                text not null check (kind in ('confirmation', 'rescheduled', 'cancelled', 'reminder_24h', 'reminder_2h')),
  channel             text not null check (channel in ('email', 'whatsapp')),
  -- The booking's reschedule_count the message is about: a reschedule makes new messages
  -- (and the calendar event's SEQUENCE) without colliding with those already sent.
  sequence            integer not null default 0 check (sequence >= 0),
  -- pending → sending (claimed by one dispatcher) → sent | failed; or pending → skipped.
  -- A claimed row is never sent again, even if its dispatcher died mid-send.
  status              text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed', 'skipped')),
  due_at              timestamptz not null,
  attempts            integer not null default 0 check (attempts >= 0),
  last_error          text,
  -- Which dispatcher run holds the row while it is "sending", and when it took it.
  claimed_by          uuid,
  claimed_at          timestamptz,
  -- Set just before the message is handed to the provider. A stuck "sending" row without it
  -- never left us and goes back to pending; with it, the outcome is unknown and it fails.
  send_started_at     timestamptz,
  sent_at             timestamptz,
  provider_message_id text,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  unique (booking_id, kind, channel, sequence),
  check (status <> 'sent' or sent_at is not null),
  check (status <> 'sending' or (claimed_at is not null and claimed_by is not null))
);
create index notifications_due_idx on notifications (due_at) where status = 'pending';
create index notifications_sending_idx on notifications (claimed_at) where status = 'sending';
create index notifications_customer_idx on notifications (customer_id, created_at desc);
