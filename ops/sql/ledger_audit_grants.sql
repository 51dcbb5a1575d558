-- Privileges for the ledger and the audit trail in production (documentation; run by a DBA).
--
-- The triggers of migration 0004 refuse UPDATE, DELETE and TRUNCATE on ledger_accounts,
-- ledger_entries, ledger_postings and audit_log for everybody, but a table's owner (or a
-- superuser) can disable a trigger. So, in production:
--   * migrations run as an owner role (here barberpro_owner) that the application never uses;
--   * the application connects as barberpro_app, which may only read and append.
-- Role names are examples; adapt them. Tests do not assume these roles exist.

-- create role barberpro_owner nologin;
-- create role barberpro_app login password '…';
-- alter table ledger_accounts owner to barberpro_owner;
-- alter table ledger_entries  owner to barberpro_owner;
-- alter table ledger_postings owner to barberpro_owner;
-- alter table audit_log       owner to barberpro_owner;

revoke all on ledger_accounts, ledger_entries, ledger_postings, audit_log from public;
revoke update, delete, truncate, references, trigger on ledger_accounts, ledger_entries, ledger_postings, audit_log from barberpro_app;
grant select, insert on ledger_accounts, ledger_entries, ledger_postings, audit_log to barberpro_app;
-- ledger_postings.id is an identity column: inserting needs its sequence.
grant usage on sequence ledger_postings_id_seq to barberpro_app;

-- Check: every line must say false.
-- select t, has_table_privilege('barberpro_app', t, 'UPDATE') as can_update,
--           has_table_privilege('barberpro_app', t, 'DELETE') as can_delete,
--           has_table_privilege('barberpro_app', t, 'TRUNCATE') as can_truncate
-- from unnest(array['ledger_accounts', 'ledger_entries', 'ledger_postings', 'audit_log']) as t;
