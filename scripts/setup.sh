#!/usr/bin/env bash
# Installs what building and testing need, and only what is missing: the wasm32 target, the
# wasm-bindgen CLI at the version Cargo.lock locks, and the npm packages. Safe to run often.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must equal the wasm-bindgen crate in Cargo.lock, or the generated glue will not
# match the module. (Cargo.toml pins the crate with `=`.)
[[ -f Cargo.lock ]] || cargo generate-lockfile
locked=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
installed=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [[ "$installed" != "$locked" ]]; then
  echo "setup: installing wasm-bindgen-cli $locked (takes about 4 minutes on 2 cores)"
  # Not --locked: the CLI's own lockfile names a webpki-roots release this registry lacks;
  # cargo resolves the rest within the CLI's semver ranges.
  cargo install wasm-bindgen-cli --version "$locked"
fi

# Debian packages the tests run for real: Chromium and ChromeDriver for the browser tests
# (playwright-core and wasm-bindgen-test-runner drive them; neither can download a browser of
# its own here), redis-server for the fleet-coordination tests (they start their own
# server on a free loopback port), and prometheus for promtool (the alert rules' tests).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
if (( ${#missing[@]} )); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]} (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]} (the browser, Redis and alert-rule tests need them)" >&2
    exit 1
  fi
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund
fi
