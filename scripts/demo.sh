#!/usr/bin/env bash
# Runs the whole analysis on the sample layers: layers/demo -> outputs/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo run --release --quiet -- analyze layers/demo --out outputs/demo "$@"
# a planner's check of a proposed park, with its review sheet (exit 1: it is not compliant)
status=0
cargo run --release --quiet -- proposal layers/proposal-demo.geojson --layers layers/demo \
    --map outputs/demo/proposal-review.png || status=$?
[ "$status" -le 1 ]
