-- BarberPro core schema: accounts, catalog, schedules, bookings, reviews.
-- Runs unchanged on PostgreSQL 15 and on PGlite.

create extension if not exists btree_gist;

-- "Today" in reports is the Argentine day, also for ad-hoc SQL run by operators.
do $$
begin
  execute format('alter database %I set timezone to %L', current_database(), 'America/Argentina/Buenos_Aires');
end
$$;

create table users (
  id            uuid primary key default gen_random_uuid(),
  email         text not null,
  password_hash text not null,
  full_name     text not null,
  phone         text,
  role          text not null check (role in ('customer', 'provider', 'admin')),
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));

create table refresh_tokens (
  id           uuid primary key default gen_random_uuid(),
  user_id      uuid not null references users (id) on delete cascade,
  family_id    uuid not null,
  token_hash   text not null unique,
  expires_at   timestamptz not null,
  created_at   timestamptz not null default now(),
  used_at      timestamptz,
  revoked_at   timestamptz
);
create index refresh_tokens_user_idx on refresh_tokens (user_id);
create index refresh_tokens_family_idx on refresh_tokens (family_id);

create table shops (
  id                          uuid primary key default gen_random_uuid(),
  name                        text not null check (length(name) between 2 and 120),
  slug                        text not null unique,
  description                 text not null default '',
  cuit                        text not null check (cuit ~ '^[0-9]{11}$'),
  tax_condition               text not null check (tax_condition in ('monotributo', 'responsable_inscripto')),
  address                     text not null,
  city                        text not null,
  province                    text not null,
  region                      text not null,
  timezone                    text not null default 'America/Argentina/Buenos_Aires',
  latitude                    double precision not null check (latitude between -90 and 90),
  longitude                   double precision not null check (longitude between -180 and 180),
  phone                       text,
  cancellation_cutoff_minutes integer not null default 1440 check (cancellation_cutoff_minutes between 0 and 20160),
  hold_minutes                integer not null default 10 check (hold_minutes between 1 and 120),
  min_notice_minutes          integer not null default 60 check (min_notice_minutes between 0 and 43200),
  booking_horizon_days        integer not null default 60 check (booking_horizon_days between 1 and 365),
  slot_step_minutes           integer not null default 15 check (slot_step_minutes between 5 and 240),
  rating_avg                  numeric(3, 2),
  rating_count                integer not null default 0,
  active                      boolean not null default true,
  created_at                  timestamptz not null default now(),
  updated_at                  timestamptz not null default now()
);
create index shops_city_idx on shops (lower(city));
create index shops_region_idx on shops (lower(region));
create index shops_rating_idx on shops (rating_avg desc nulls last, id);

-- Provider accounts belong to shops as owner (manages everything) or barber (works the agenda).
create table shop_members (
  shop_id    uuid not null references shops (id) on delete cascade,
  user_id    uuid not null references users (id) on delete cascade,
  role       text not null check (role in ('owner', 'barber')),
  created_at timestamptz not null default now(),
  primary key (shop_id, user_id)
);
create index shop_members_user_idx on shop_members (user_id);

create table barbers (
  id           uuid primary key default gen_random_uuid(),
  shop_id      uuid not null references shops (id) on delete cascade,
  user_id      uuid references users (id) on delete set null,
  display_name text not null check (length(display_name) between 1 and 80),
  bio          text not null default '',
  active       boolean not null default true,
  created_at   timestamptz not null default now(),
  unique (shop_id, id)
);
create index barbers_shop_idx on barbers (shop_id);

create table services (
  id                    uuid primary key default gen_random_uuid(),
  shop_id               uuid not null references shops (id) on delete cascade,
  name                  text not null check (length(name) between 2 and 80),
  description           text not null default '',
  duration_minutes      integer not null check (duration_minutes between 5 and 480),
  price_cents           bigint not null check (price_cents >= 0),
  deposit_kind          text not null default 'none' check (deposit_kind in ('none', 'fixed', 'percent', 'full')),
  deposit_value         bigint not null default 0 check (deposit_value >= 0),
  buffer_before_minutes integer not null default 0 check (buffer_before_minutes between 0 and 120),
  buffer_after_minutes  integer not null default 0 check (buffer_after_minutes between 0 and 120),
  active                boolean not null default true,
  created_at            timestamptz not null default now(),
  unique (shop_id, id),
  check (deposit_kind <> 'percent' or deposit_value between 1 and 100),
  check (deposit_kind <> 'fixed' or deposit_value between 1 and price_cents)
);
create index services_shop_idx on services (shop_id);
create index services_name_idx on services (lower(name));

-- Which services a barber performs; a barber with no rows here performs every service of the shop.
create table barber_services (
  barber_id  uuid not null references barbers (id) on delete cascade,
  service_id uuid not null references services (id) on delete cascade,
  primary key (barber_id, service_id)
);

-- Weekly hours and breaks are wall-clock minutes after local midnight in the shop's timezone.
create table barber_weekly_hours (
  id           uuid primary key default gen_random_uuid(),
  barber_id    uuid not null references barbers (id) on delete cascade,
  weekday      smallint not null check (weekday between 0 and 6),
  start_minute smallint not null check (start_minute between 0 and 1439),
  end_minute   smallint not null check (end_minute between 1 and 1440),
  kind         text not null default 'work' check (kind in ('work', 'break')),
  check (start_minute < end_minute)
);
create index barber_weekly_hours_barber_idx on barber_weekly_hours (barber_id);

-- A date override replaces that day's weekly hours and breaks; a row with null minutes closes the day.
create table barber_date_overrides (
  id           uuid primary key default gen_random_uuid(),
  barber_id    uuid not null references barbers (id) on delete cascade,
  on_date      date not null,
  start_minute smallint check (start_minute between 0 and 1439),
  end_minute   smallint check (end_minute between 1 and 1440),
  note         text not null default '',
  check ((start_minute is null and end_minute is null) or (start_minute < end_minute))
);
create index barber_date_overrides_idx on barber_date_overrides (barber_id, on_date);

create table barber_time_off (
  id         uuid primary key default gen_random_uuid(),
  barber_id  uuid not null references barbers (id) on delete cascade,
  starts_at  timestamptz not null,
  ends_at    timestamptz not null,
  reason     text not null default '',
  created_at timestamptz not null default now(),
  check (starts_at < ends_at)
);
create index barber_time_off_idx on barber_time_off using gist (barber_id, tstzrange(starts_at, ends_at, '[)'));

create table bookings (
  id                    uuid primary key default gen_random_uuid(),
  shop_id               uuid not null references shops (id),
  barber_id             uuid not null,
  service_id            uuid not null,
  customer_id           uuid not null references users (id),
  status                text not null check (status in ('pending', 'confirmed', 'completed', 'no_show', 'cancelled', 'expired')),
  starts_at             timestamptz not null,
  ends_at               timestamptz not null,
  -- The interval the barber is unavailable: the service plus its buffers before and after.
  blocked_from          timestamptz not null,
  blocked_to            timestamptz not null,
  price_cents           bigint not null check (price_cents >= 0),
  deposit_cents         bigint not null default 0 check (deposit_cents >= 0 and deposit_cents <= price_cents),
  currency              text not null default 'ARS' check (currency = 'ARS'),
  -- What the booking is worth to the shop, in pesos; null once it produced nothing (cancelled or
  -- expired), so the seed's SUM/AVG over bookings.booking_value count only live business.
  booking_value         numeric(12, 2) generated always as (
                          case when status in ('cancelled', 'expired') then null else price_cents / 100.0 end
                        ) stored,
  hold_expires_at       timestamptz,
  customer_note         text not null default '',
  cancelled_at          timestamptz,
  cancelled_by          uuid references users (id),
  cancel_reason         text,
  reschedule_count      integer not null default 0,
  -- Measured server time of the request that created the booking (for the seed's booking_analytics).
  response_time_ms      integer check (response_time_ms >= 0),
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now(),
  foreign key (shop_id, barber_id) references barbers (shop_id, id),
  foreign key (shop_id, service_id) references services (shop_id, id),
  check (starts_at < ends_at),
  check (blocked_from <= starts_at and ends_at <= blocked_to),
  check (status <> 'pending' or hold_expires_at is not null),
  -- The last guard against double booking: no two live bookings of one barber may overlap,
  -- buffers included, whatever the application does.
  constraint bookings_no_overlap exclude using gist (
    barber_id with =,
    tstzrange(blocked_from, blocked_to, '[)') with &&
  ) where (status in ('pending', 'confirmed', 'completed', 'no_show'))
);
create index bookings_customer_idx on bookings (customer_id, starts_at desc);
create index bookings_shop_starts_idx on bookings (shop_id, starts_at);
create index bookings_created_idx on bookings (created_at);
create index bookings_pending_hold_idx on bookings (hold_expires_at) where status = 'pending';

create table booking_events (
  id          bigint generated always as identity primary key,
  booking_id  uuid not null references bookings (id) on delete cascade,
  type        text not null,
  actor_id    uuid references users (id),
  data        jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now()
);
create index booking_events_booking_idx on booking_events (booking_id, id);

create table reviews (
  id          uuid primary key default gen_random_uuid(),
  booking_id  uuid not null unique references bookings (id),
  shop_id     uuid not null references shops (id),
  barber_id   uuid not null references barbers (id),
  customer_id uuid not null references users (id),
  rating      smallint not null check (rating between 1 and 5),
  comment     text not null default '' check (length(comment) <= 2000),
  created_at  timestamptz not null default now()
);
create index reviews_shop_idx on reviews (shop_id, created_at desc);

-- Replays of POSTs carrying an Idempotency-Key: the same key from the same caller gets the
-- same answer, and a different body with a used key is refused.
create table idempotency_keys (
  user_id       uuid not null references users (id) on delete cascade,
  key           text not null check (length(key) between 1 and 255),
  scope         text not null,
  request_hash  text not null,
  status_code   integer not null,
  response_body jsonb not null,
  created_at    timestamptz not null default now(),
  primary key (user_id, scope, key)
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);

-- The seed's "Regional performance analysis" reads this view verbatim.
-- booking_date is the Argentine (shop-local) day the booking was placed.
create view booking_analytics as
select
  b.id                                         as booking_id,
  b.shop_id,
  s.region                                     as provider_region,
  s.city                                       as provider_city,
  r.rating                                     as customer_rating,
  b.response_time_ms,
  (b.created_at at time zone s.timezone)::date as booking_date,
  b.status,
  b.booking_value
from bookings b
join shops s on s.id = b.shop_id
left join reviews r on r.booking_id = b.id;
