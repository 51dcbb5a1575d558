-- Incidents (launch runbook, "Incident Response Procedures"): opened by Alertmanager or by an
-- operator, escalated on the runbook's matrix until acknowledged, closed with measured times.

create table incidents (
  id                 uuid primary key default gen_random_uuid(),
  title              text not null check (length(title) between 1 and 300),
  description        text,
  severity           text not null check (severity in ('critical', 'high', 'medium', 'low')),
  status             text not null default 'open' check (status in ('open', 'acknowledged', 'resolved')),
  source             text not null check (source in ('alertmanager', 'manual')),
  -- Alertmanager's groupKey: one incident per alert group while it is not resolved.
  group_key          text,
  -- When the condition began (the earliest alert's startsAt); opened_at is when we knew.
  detected_at        timestamptz not null,
  opened_at          timestamptz not null,
  acknowledged_at    timestamptz,
  acknowledged_by    uuid references users (id),
  resolved_at        timestamptz,
  resolved_by        uuid references users (id),
  -- 'alert' when Alertmanager reported the condition gone, 'operator' when a person closed it.
  resolved_via       text check (resolved_via in ('alert', 'operator')),
  resolution_note    text,
  -- Escalation levels paged so far (1 = DevOps Team); the next one is due at next_escalation_at.
  escalation_level   integer not null default 0 check (escalation_level >= 0),
  next_escalation_at timestamptz,
  check ((status = 'resolved') = (resolved_at is not null)),
  check (acknowledged_at is null or acknowledged_at >= opened_at),
  check (resolved_at is null or resolved_at >= opened_at)
);
create unique index incidents_open_group_key on incidents (group_key) where status <> 'resolved' and group_key is not null;
create index incidents_escalation_due on incidents (next_escalation_at) where status = 'open';
create index incidents_opened_at on incidents (opened_at);

-- Every alert seen on an incident, once per firing (fingerprint + startsAt): redelivered
-- webhooks find their alert here and change nothing.
create table incident_alerts (
  fingerprint  text not null,
  starts_at    timestamptz not null,
  incident_id  uuid not null references incidents (id) on delete cascade,
  alertname    text not null,
  severity     text not null,
  resolved_at  timestamptz,
  primary key (fingerprint, starts_at)
);
create index incident_alerts_incident on incident_alerts (incident_id);

create table incident_events (
  id           bigint generated always as identity primary key,
  incident_id  uuid not null references incidents (id) on delete cascade,
  at           timestamptz not null,
  kind         text not null,
  detail       text not null
);
create index incident_events_incident on incident_events (incident_id, at, id);

-- One page per escalation level, written in the escalation's transaction and sent after it
-- commits: the unique key keeps a level from being paged twice however many workers run.
create table incident_pages (
  id           bigint generated always as identity primary key,
  incident_id  uuid not null references incidents (id) on delete cascade,
  level        integer not null check (level >= 1),
  target       text not null,
  status       text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
  attempts     integer not null default 0,
  channel      text,
  created_at   timestamptz not null,
  sent_at      timestamptz,
  last_error   text,
  unique (incident_id, level)
);
create index incident_pages_pending on incident_pages (created_at) where status = 'pending';
