-- The double-entry ledger and the tamper-evident audit trail.
-- Runs unchanged on PostgreSQL 15 and on PGlite.
--
-- Both are append-only: rows are never updated or deleted, corrections are new rows
-- (a reversing entry, a later audit event). The triggers below refuse UPDATE, DELETE and
-- TRUNCATE for every role. In production the application's role must also lack the
-- privileges and must not own these tables (an owner can disable triggers): see
-- ops/sql/ledger_audit_grants.sql. Tests connect as a superuser and rely on the triggers.

create function barberpro_append_only() returns trigger
language plpgsql as $$
begin
  raise exception '% is append-only: % is not allowed', tg_table_name, tg_op
    using errcode = 'insufficient_privilege',
          hint = 'Record a correcting entry or a new audit event instead.';
end
$$;

-- Ledger ---------------------------------------------------------------------------------
-- Amounts are integer centavos (ARS). A posting is signed: debit positive, credit negative.
-- Normal balances: asset and expense accounts carry debit (positive) balances, liability and
-- revenue accounts credit (negative) ones. Chart of accounts: src/modules/ledger/postings.ts.

create table ledger_accounts (
  code       text primary key check (code ~ '^[a-z0-9_]+(:[a-z0-9_-]+)*$'),
  kind       text not null check (kind in ('asset', 'liability', 'revenue', 'expense')),
  shop_id    uuid references shops (id),
  created_at timestamptz not null default now()
);
create index ledger_accounts_shop_idx on ledger_accounts (shop_id) where shop_id is not null;

create table ledger_entries (
  id              uuid primary key default gen_random_uuid(),
  occurred_at     timestamptz not null,
  kind            text not null check (kind ~ '^[a-z][a-z_]*$'),
  -- One real-world event, one entry: a replayed webhook finds its key and writes nothing.
  idempotency_key text not null unique check (length(idempotency_key) between 1 and 255),
  booking_id      uuid references bookings (id),
  payment_ref     text,
  description     text not null default '',
  created_at      timestamptz not null default now()
);
create index ledger_entries_payment_ref_idx on ledger_entries (payment_ref) where payment_ref is not null;
create index ledger_entries_booking_idx on ledger_entries (booking_id) where booking_id is not null;
create index ledger_entries_occurred_idx on ledger_entries (occurred_at);

create table ledger_postings (
  id           bigint generated always as identity primary key,
  entry_id     uuid not null references ledger_entries (id),
  account_code text not null references ledger_accounts (code),
  amount_cents bigint not null check (amount_cents <> 0),
  -- Which movement of the entry the line belongs to (collection, mp_fee, commission, refund…);
  -- the lines of each type balance on their own, and reports group by it.
  line_type    text not null check (line_type ~ '^[a-z][a-z_]*$')
);
create index ledger_postings_entry_idx on ledger_postings (entry_id);
create index ledger_postings_account_idx on ledger_postings (account_code, entry_id);

-- Every entry has at least two postings and they sum to zero. Checked at commit (deferred),
-- once the transaction has written the entry and all of its postings.
create function ledger_assert_entry_balanced() returns trigger
language plpgsql as $$
declare
  v_entry uuid;
  v_count integer;
  v_sum   numeric;
begin
  if tg_table_name = 'ledger_entries' then
    v_entry := new.id;
  else
    v_entry := new.entry_id;
  end if;
  select count(*), coalesce(sum(amount_cents), 0) into v_count, v_sum from ledger_postings where entry_id = v_entry;
  if v_count < 2 or v_sum <> 0 then
    raise exception 'ledger entry % is unbalanced: % postings summing to % centavos', v_entry, v_count, v_sum
      using errcode = 'check_violation';
  end if;
  return null;
end
$$;

create constraint trigger ledger_entries_balanced after insert on ledger_entries
  deferrable initially deferred for each row execute function ledger_assert_entry_balanced();
create constraint trigger ledger_postings_balanced after insert on ledger_postings
  deferrable initially deferred for each row execute function ledger_assert_entry_balanced();

create trigger ledger_accounts_append_only before update or delete on ledger_accounts
  for each row execute function barberpro_append_only();
create trigger ledger_accounts_no_truncate before truncate on ledger_accounts
  for each statement execute function barberpro_append_only();
create trigger ledger_entries_append_only before update or delete on ledger_entries
  for each row execute function barberpro_append_only();
create trigger ledger_entries_no_truncate before truncate on ledger_entries
  for each statement execute function barberpro_append_only();
create trigger ledger_postings_append_only before update or delete on ledger_postings
  for each row execute function barberpro_append_only();
create trigger ledger_postings_no_truncate before truncate on ledger_postings
  for each statement execute function barberpro_append_only();

-- Audit trail ----------------------------------------------------------------------------
-- Every financial event, hash-chained: hash = sha256(prev_hash || '\n' || canonical JSON of
-- the row's content), computed by the application (src/modules/audit/chain.ts) and checked by
-- `npx barberpro audit verify`. Appends are serialised by a transaction-scoped advisory lock,
-- so seq has no gaps: row n+1 follows row n and carries its hash.

create table audit_log (
  seq         bigint primary key check (seq >= 1),
  -- Millisecond precision: the value hashed is the one read back.
  occurred_at timestamptz(3) not null,
  event_type  text not null check (length(event_type) between 1 and 100),
  entity_type text not null check (length(entity_type) between 1 and 100),
  entity_id   text not null check (length(entity_id) between 1 and 255),
  actor       text not null check (length(actor) between 1 and 255),
  payload     jsonb not null,
  -- The event's natural key: a duplicated event finds its row instead of adding one.
  dedupe_key  text not null unique check (length(dedupe_key) between 1 and 255),
  prev_hash   text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
  hash        text not null unique check (hash ~ '^[0-9a-f]{64}$')
);
create index audit_log_entity_idx on audit_log (entity_type, entity_id);

-- A row must extend the chain: the next seq after the last row, pointing at the last row's hash
-- (the first row: seq 1 and 64 zeros). Two racing appends cannot both pass: the second
-- collides on the primary key.
create function audit_log_extends_chain() returns trigger
language plpgsql as $$
declare
  v_seq  bigint;
  v_hash text;
begin
  select seq, hash into v_seq, v_hash from audit_log order by seq desc limit 1;
  if not found then
    v_seq := 0;
    v_hash := repeat('0', 64);
  end if;
  if new.seq <> v_seq + 1 or new.prev_hash <> v_hash then
    raise exception 'audit_log row % does not extend the chain (last row is %)', new.seq, v_seq
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;

create trigger audit_log_extends_chain before insert on audit_log
  for each row execute function audit_log_extends_chain();
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function barberpro_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function barberpro_append_only();
