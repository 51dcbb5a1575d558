-- Daily business figures per Argentine day and provider region, kept by the rollups job so
-- dashboards read a small table instead of scanning bookings.
create table daily_rollups (
  day                  date not null,
  region               text not null,
  bookings_created     integer not null,
  bookings_cancelled   integer not null,
  bookings_completed   integer not null,
  bookings_no_show     integer not null,
  revenue_cents        bigint not null,
  avg_rating           numeric(3, 2),
  avg_response_time_ms numeric(10, 2),
  computed_at          timestamptz not null default now(),
  primary key (day, region)
);
