#!/usr/bin/env bash
# Fuzz the records loader for N minutes (default 10): `fuzz/run.sh 10`.
# Needs `cargo install cargo-fuzz` and a C++ compiler. On a stable toolchain the nightly
# flags cargo-fuzz needs are unlocked with RUSTC_BOOTSTRAP=1. Not run in CI.
# A crash is saved under fuzz/artifacts/loader/; copy it into tests/fixtures/fuzz/ so
# tests/it/fuzz_props.rs keeps it as a regression test.
set -euo pipefail
minutes="${1:-10}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
corpus="$here/corpus/loader"
mkdir -p "$corpus"
# Seed with real records, so mutations start from the shapes the loader actually sees.
find "$root/examples" "$root/tests/fixtures" -type f \( -name '*.yaml' -o -name '*.yml' \) \
  -size -64k 2>/dev/null | while read -r f; do
  cp "$f" "$corpus/seed-$(printf '%s' "$f" | sha256sum | cut -c1-16)"
done
cd "$here"
RUSTC_BOOTSTRAP=1 cargo fuzz run loader "$corpus" -- \
  -dict="$here/yaml.dict" \
  -max_len=65536 \
  -rss_limit_mb=1024 \
  -timeout=5 \
  -max_total_time=$((minutes * 60))
