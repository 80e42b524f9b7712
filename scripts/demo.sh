#!/usr/bin/env bash
# Runs the whole analysis on the sample layers: layers/demo -> outputs/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo run --release --quiet -- analyze layers/demo --out outputs/demo "$@"
