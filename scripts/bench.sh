#!/usr/bin/env bash
# `make bench`: PostgreSQL and Redis started as CI starts them (installed from Debian's packages
# when missing, as root), then every benchmark (bench/run.py), results in bench/RESULTS.md.
# Services this script started are stopped again at the end; running ones are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=${LVZHI_CI_PG_BIN:-/usr/lib/postgresql/15/bin}
missing=()
[ -x "$PG_BIN/pg_ctl" ] || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "make bench needs these Debian packages: ${missing[*]} (install them, or run as root)" >&2
    exit 1
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! bash scripts/ci_services.sh status >/dev/null 2>&1; then
  trap 'bash scripts/ci_services.sh stop' EXIT
fi
bash scripts/ci_services.sh start
eval "$(bash scripts/ci_services.sh env)"
.venv/bin/python -m bench.run "$@"
