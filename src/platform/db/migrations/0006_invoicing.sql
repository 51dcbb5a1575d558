-- AFIP (ARCA) electronic invoices: each shop's fiscal settings (point of sale, WSAA certificate
-- and sealed key), WSAA tickets shared by every instance, one row per voucher to issue (an
-- invoice per collected payment, a credit note per refund) and one row per numbering sequence
-- that issuers lock to keep numbers consecutive across instances.

create table shop_fiscal_settings (
  shop_id                   uuid primary key references shops (id) on delete cascade,
  point_of_sale             integer not null check (point_of_sale between 1 and 99999),
  business_name             text not null check (length(business_name) between 2 and 200),
  gross_income_registration text not null check (length(gross_income_registration) between 1 and 60),
  activity_start_date       date not null,
  certificate_pem           text not null,
  -- Sealed with the data encryption key (context shop_fiscal_settings.private_key:<shop_id>).
  private_key_sealed        text not null,
  environment               text not null check (environment in ('homologation', 'production', 'sandbox')),
  enabled                   boolean not null default true,
  updated_at                timestamptz not null default now()
);

-- One WSAA ticket per (certificate, service): WSAA refuses a second login while one is valid
-- (coe.alreadyAuthenticated), so every instance must read the ticket another one obtained.
create table afip_tickets (
  key          text primary key,
  token_sealed text not null,
  sign_sealed  text not null,
  expires_at   timestamptz not null,
  updated_at   timestamptz not null default now()
);

-- The row issuers lock (FOR UPDATE) while they number and send a voucher of the sequence;
-- it also carries the sequence's backoff while AFIP is unreachable.
create table invoice_sequences (
  cuit          text not null check (cuit ~ '^[0-9]{11}$'),
  point_of_sale integer not null check (point_of_sale between 1 and 99999),
  cbte_tipo     integer not null check (cbte_tipo in (1, 3, 6, 8, 11, 13)),
  failures      integer not null default 0,
  retry_at      timestamptz,
  last_error    text,
  updated_at    timestamptz not null default now(),
  primary key (cuit, point_of_sale, cbte_tipo)
);

-- What the customer asked to be invoiced to (optional; anonymous consumidor final otherwise).
create table booking_billing (
  booking_id  uuid primary key references bookings (id) on delete cascade,
  receiver    jsonb not null,
  updated_at  timestamptz not null default now()
);

create table invoices (
  id                    uuid primary key default gen_random_uuid(),
  shop_id               uuid not null references shops (id),
  booking_id            uuid references bookings (id),
  payment_id            uuid references payments (id),
  kind                  text not null check (kind in ('invoice', 'credit_note')),
  -- Idempotency: the ledger key of the collection or refund this voucher documents.
  source_ref            text not null unique,
  associated_invoice_id uuid references invoices (id),
  cbte_tipo             integer not null check (cbte_tipo in (1, 3, 6, 8, 11, 13)),
  -- Null until the shop has fiscal settings.
  point_of_sale         integer check (point_of_sale between 1 and 99999),
  cuit                  text not null check (cuit ~ '^[0-9]{11}$'),
  -- Set when the number is claimed (status issuing) and kept once authorized.
  number                integer check (number between 1 and 99999999),
  issue_date            date,
  total_cents           bigint not null check (total_cents > 0),
  net_cents             bigint not null default 0 check (net_cents >= 0),
  iva_cents             bigint not null default 0 check (iva_cents >= 0),
  iva_rate_id           integer,
  receiver              jsonb not null,
  -- The draft sent while issuing; the authorised InvoiceDocument once authorized.
  document              jsonb,
  status                text not null default 'pending' check (status in ('pending', 'issuing', 'authorized', 'rejected')),
  cae                   text check (cae ~ '^[0-9]{14}$'),
  cae_expires_on        date,
  afip_errors           jsonb,
  afip_observations     jsonb,
  attempts              integer not null default 0,
  last_error            text,
  -- Not before this time (a service still too far ahead, a retry after a failure).
  next_attempt_at       timestamptz,
  -- Bumped by every edit of a pending row, so an issuer never sends a version it did not read.
  revision              integer not null default 0,
  created_at            timestamptz not null default now(),
  authorized_at         timestamptz,
  check (kind = 'invoice' or associated_invoice_id is not null),
  check (status <> 'authorized' or (number is not null and cae is not null and document is not null)),
  check (status <> 'issuing' or number is not null)
);
create unique index invoices_number_key on invoices (cuit, point_of_sale, cbte_tipo, number) where number is not null;
create index invoices_status_idx on invoices (status, created_at);
create index invoices_open_sequence_idx on invoices (cuit, point_of_sale, cbte_tipo, created_at) where status in ('pending', 'issuing');
create index invoices_booking_idx on invoices (booking_id);
create index invoices_shop_idx on invoices (shop_id, created_at);
