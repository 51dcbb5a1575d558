#!/usr/bin/env bash
# Dependency audit for CI: the runtime dependencies (no devDependencies) must have no known
# high or critical vulnerability. Fails closed: when npm cannot reach the advisory service the
# audit did not happen, and that is a failure too, unless AUDIT_UNAVAILABLE_OK=1 says this
# environment is known to block it (the message then says loudly that nothing was checked).
set -uo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp)
trap 'rm -f "$out"' EXIT
npm audit --omit=dev --audit-level=high >"$out" 2>&1
status=$?
cat "$out"
if [ "$status" -eq 0 ]; then
  echo "dependency audit: no high or critical vulnerability in runtime dependencies"
  exit 0
fi
if grep -q "audit endpoint returned an error\|ENOAUDIT\|EAI_AGAIN\|ECONNREFUSED\|ETIMEDOUT" "$out"; then
  echo "dependency audit NOT performed: the npm advisory service could not be reached (see above)" >&2
  if [ "${AUDIT_UNAVAILABLE_OK:-0}" = "1" ]; then
    echo "AUDIT_UNAVAILABLE_OK=1: continuing without a dependency audit" >&2
    exit 0
  fi
  exit 1
fi
echo "dependency audit: high or critical vulnerabilities in runtime dependencies (npm audit fix, or upgrade within Node 20-compatible versions)" >&2
exit 1
