-- Payments through MercadoPago Checkout Pro: each shop's linked seller account, one payment
-- row per checkout of a booking, an inbox of webhook notifications and the refunds owed.

create table merchant_accounts (
  shop_id               uuid primary key references shops (id) on delete cascade,
  mp_user_id            text not null,
  -- Sealed with the data encryption key (AES-256-GCM, key id inside the value).
  access_token_sealed   text not null,
  refresh_token_sealed  text,
  public_key            text,
  token_expires_at      timestamptz,
  linked_at             timestamptz not null default now(),
  refreshed_at          timestamptz,
  status                text not null default 'linked' check (status in ('linked', 'revoked', 'refresh_failed'))
);

create table payments (
  id                uuid primary key default gen_random_uuid(),
  booking_id        uuid references bookings (id),
  shop_id           uuid references shops (id),
  preference_id     text,
  mp_payment_id     text unique,
  -- Our view of the payment, derived from MercadoPago's latest state (never from event order).
  status            text not null check (status in ('checkout', 'pending', 'approved', 'rejected', 'refunded', 'partially_refunded', 'charged_back', 'disputed', 'review')),
  mp_status         text,
  mp_status_detail  text,
  amount_cents      bigint not null check (amount_cents >= 0),
  currency          text not null default 'ARS',
  refunded_cents    bigint not null default 0 check (refunded_cents >= 0),
  mp_fee_cents      bigint not null default 0 check (mp_fee_cents >= 0),
  commission_cents  bigint not null default 0 check (commission_cents >= 0),
  review_reason     text,
  checkout_url      text,
  checkout_expires_at timestamptz,
  approved_at       timestamptz,
  last_synced_at    timestamptz,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);
create index payments_booking_idx on payments (booking_id);
create index payments_open_idx on payments (status) where status in ('checkout', 'pending', 'review');

-- Every notification as received (after its signature checked), processed by a job and
-- by reconciliation if the queue was down: nothing MercadoPago tells us is dropped.
create table payment_notifications (
  id            uuid primary key default gen_random_uuid(),
  mp_payment_id text not null,
  -- The collector (seller) the notification is about: picks the shop's token to fetch it.
  mp_user_id    text,
  action        text,
  request_id    text,
  received_at   timestamptz not null default now(),
  processed_at  timestamptz,
  attempts      integer not null default 0,
  last_error    text
);
create index payment_notifications_pending_idx on payment_notifications (received_at) where processed_at is null;

create table refunds (
  id             uuid primary key default gen_random_uuid(),
  payment_id     uuid not null references payments (id),
  booking_id     uuid references bookings (id),
  amount_cents   bigint not null check (amount_cents > 0),
  reason         text not null,
  status         text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  mp_refund_id   text,
  attempts       integer not null default 0,
  last_error     text,
  created_at     timestamptz not null default now(),
  completed_at   timestamptz
);
create index refunds_pending_idx on refunds (created_at) where status = 'pending';
