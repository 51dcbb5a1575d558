#!/bin/sh
# Container entrypoint. ECS injects the database and Redis credentials as separate
# Secrets Manager values (so each can rotate without rebuilding a URL by hand) and the
# endpoints as plain variables; the app reads DATABASE_URL and REDIS_URL, so compose them
# here, then hand the process over with exec so signals (SIGTERM drain) reach Node directly.
set -eu

urlencode() {
  node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"
}

if [ -z "${DATABASE_URL:-}" ] && [ -n "${DB_HOST:-}" ]; then
  DATABASE_URL="postgres://$(urlencode "${DB_USER:?DB_USER is required with DB_HOST}"):$(urlencode "${DB_PASSWORD:?DB_PASSWORD is required with DB_HOST}")@${DB_HOST}:${DB_PORT:-5432}/${DB_NAME:-barberpro}?sslmode=${DB_SSLMODE:-verify-full}"
  export DATABASE_URL
fi

if [ -z "${REDIS_URL:-}" ] && [ -n "${REDIS_HOST:-}" ]; then
  if [ -n "${REDIS_AUTH_TOKEN:-}" ]; then
    REDIS_URL="rediss://:$(urlencode "$REDIS_AUTH_TOKEN")@${REDIS_HOST}:${REDIS_PORT:-6379}"
  else
    REDIS_URL="rediss://${REDIS_HOST}:${REDIS_PORT:-6379}"
  fi
  export REDIS_URL
fi

# The composed URLs carry them; nothing else in the process needs the parts.
unset DB_PASSWORD REDIS_AUTH_TOKEN

exec "$@"
