#!/usr/bin/env bash
# The one test command (`npm test`): installs what is missing, then runs every layer.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== 1/4 Rust engine, native (cargo test)"
cargo test --quiet

echo "== 2/4 Build the package (pkg/)"
node scripts/build.mjs

echo "== 3/4 wasm-bindgen tests in Node (cargo test --target wasm32-unknown-unknown)"
cargo test --target wasm32-unknown-unknown --lib

echo "== 4/4 JavaScript tests against the built package (node --test)"
# Tests import the package by name (scripts/build.mjs links node_modules/jitterbug to pkg/).
node --test tests/js/
