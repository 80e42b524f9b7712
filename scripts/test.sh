#!/usr/bin/env bash
# Runs every test: unit tests, integration tests (oracle agreement, broken
# inputs, GDAL formats, PostGIS, determinism), and the build without GDAL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# a throwaway PostGIS server for the PostGIS test, stopped on exit
conn=$(bash scripts/pg_test_server.sh start)
pg_dir=${conn#PG:host=}
pg_dir=${pg_dir%% *}
trap 'bash scripts/pg_test_server.sh stop "$pg_dir"' EXIT
export YUANQU_TEST_PG="$conn" YUANQU_REQUIRE_PG=1
cargo test --release "$@"
# the build without GDAL must compile too (checked, so the GDAL binary in
# target/release is not replaced by one without it)
cargo check --release --no-default-features --all-targets --quiet
