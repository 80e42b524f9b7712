#!/usr/bin/env bash
# Starts a throwaway PostGIS server for the PostGIS test (tests/it/formats.rs)
# and prints its GDAL connection string; `scripts/pg_test_server.sh stop DIR`
# stops it and removes DIR. Installs postgresql and postgis with apt when
# missing (as root); otherwise says what is missing and exits 2.
#   usage: conn=$(scripts/pg_test_server.sh start)   # PG:host=DIR port=5433 dbname=yuanqu user=postgres
#          scripts/pg_test_server.sh stop DIR
set -euo pipefail

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

case "${1:-}" in
start)
  if [ -z "$(bin_dir)" ] || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "pg_test_server: installing postgresql and postgis" >&2
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgis >/dev/null
    else
      echo "pg_test_server: PostgreSQL with PostGIS is missing: apt-get install postgresql postgis" >&2
      exit 2
    fi
  fi
  bin=$(bin_dir)
  dir=$(mktemp -d /tmp/yuanqu-pg.XXXXXX)
  chown postgres "$dir" 2>/dev/null || true
  run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  run "$bin/initdb" -D "$dir/data" -U postgres -A trust >/dev/null
  run "$bin/pg_ctl" -D "$dir/data" -o "-k $dir -p 5433 -c listen_addresses=''" -l "$dir/log" -w start >/dev/null
  run "$bin/createdb" -h "$dir" -p 5433 -U postgres yuanqu
  run "$bin/psql" -q -h "$dir" -p 5433 -U postgres -d yuanqu -c "CREATE EXTENSION postgis" >/dev/null
  echo "PG:host=$dir port=5433 dbname=yuanqu user=postgres"
  ;;
stop)
  dir=${2:?usage: pg_test_server.sh stop DIR}
  bin=$(bin_dir)
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  else "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true; fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg_test_server.sh start | stop DIR" >&2
  exit 2
  ;;
esac
