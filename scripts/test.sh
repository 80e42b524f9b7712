#!/usr/bin/env bash
# Runs every test: unit tests, integration tests (oracle agreement, broken
# inputs, GDAL formats, determinism), and the build without GDAL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test --release "$@"
cargo build --release --no-default-features --quiet
