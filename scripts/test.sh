#!/usr/bin/env bash
# The one test command (`npm test`): installs what is missing, then runs every layer.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== 1/5 Rust engine and binding crate, native (cargo test --workspace)"
cargo test --quiet --workspace

echo "== 2/5 Build the package (pkg/)"
node scripts/build.mjs

echo "== 3/5 wasm-bindgen tests in Node (cargo test --target wasm32-unknown-unknown)"
cargo test --target wasm32-unknown-unknown --lib

echo "== 4/5 the same wasm-bindgen tests in headless Chromium"
CHROMEDRIVER=$(command -v chromedriver) WASM_BINDGEN_USE_BROWSER=1 cargo test --target wasm32-unknown-unknown --lib

echo "== 5/5 JavaScript tests against the built package, Node and Chromium (node --test)"
# Tests import the package by name (scripts/build.mjs links node_modules/jitterbug to pkg/).
node --test tests/js/
