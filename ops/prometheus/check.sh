#!/usr/bin/env bash
# Validates the alerting config: rule syntax, rule unit tests, the example scrape config
# and (when amtool is installed) the Alertmanager routing. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found: apt-get install -y --no-install-recommends prometheus" >&2
  exit 2
fi
promtool --version | head -n1

promtool check rules recording-rules.yml alerts.yml
promtool test rules tests/*.test.yml

# The scrape config names a bearer-token file that only exists on a real Prometheus host;
# check a copy pointing at a throwaway one so the syntax is still proven here.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'placeholder\n' >"$tmp/metrics-token"
sed -e "s#/etc/prometheus/barberpro-metrics-token#$tmp/metrics-token#" \
    -e "s#- recording-rules.yml#- $PWD/recording-rules.yml#" \
    -e "s#- alerts.yml#- $PWD/alerts.yml#" prometheus.yml >"$tmp/prometheus.yml"
promtool check config "$tmp/prometheus.yml"

if command -v amtool >/dev/null 2>&1; then
  amtool check-config ../alertmanager/alertmanager.yml
else
  echo "amtool not installed: alertmanager.yml not checked (apt-get install prometheus-alertmanager)"
fi
