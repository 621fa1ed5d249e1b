#!/usr/bin/env bash
# Times `sen import pupils` (10,000 rows into an empty school) and `sen census` (against a
# 10,000-pupil school) beside `sen check` on that school: issue #13 asks each to take no more
# than twice `sen check`. The export is made from the generated school itself, so census
# matches every pupil and import writes every K and E pupil.
#
#   bench/mis.sh            # prints the figures and the verdicts
#
# It then times reading alone (`sen import pupils --dry-run` into an empty school) over
# invented exports of 20,000 and 200,000 rows: reading is linear (issue #23: 10x the rows
# within 11x the time; 200,000 rows in a few seconds).
#
# SEN_BIN=PATH times that binary instead of building target/release/sen.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AS_OF=2026-11-23
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/sen-mis-bench.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

if [[ -z "${SEN_BIN:-}" ]]; then
    cargo build --release --quiet
    SEN_BIN="$TARGET/release/sen"
fi
cargo run --release --quiet --example gen_school -- --pupils 10000 --seed 1 --as-of "$AS_OF" --out "$TMP/school" >/dev/null
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install --quiet pyyaml

# The MIS export of the generated school: one row a pupil, SIMS-style headers.
python3 - "$TMP/school" "$TMP/export.csv" <<'PY'
import csv, os, sys, yaml
root, out = sys.argv[1], sys.argv[2]
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["UPN", "Legal Surname", "Legal Forename", "DOB", "SEN Status", "SEN Start Date", "Primary Need", "Secondary Need"])
    for pid in sorted(os.listdir(os.path.join(root, "pupils"))):
        with open(os.path.join(root, "pupils", pid, "pupil.yaml")) as y:
            d = yaml.load(y, Loader=loader)
        s = d["sen"]
        w.writerow([d.get("upn") or "", d["name"]["family"], d["name"]["given"], str(d["dob"]),
                    s["status"], str(s["since"]), s.get("primary_need") or "", s.get("secondary_need") or ""])
PY

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_of() { # seconds for one run of the command
    local start end
    start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}
runs=3
check=$(for _ in $(seq $runs); do time_of "$SEN_BIN" --records "$TMP/school" --as-of "$AS_OF" check --format json; done | median)
census=$(for _ in $(seq $runs); do time_of "$SEN_BIN" --records "$TMP/school" --as-of "$AS_OF" census "$TMP/export.csv" --format json; done | median)
import=$(for i in $(seq $runs); do
    rm -rf "$TMP/empty$i"
    "$SEN_BIN" init "$TMP/empty$i" --school "Bench School" --senco "Ms A Senco" --senco-email a@example.org >/dev/null
    time_of "$SEN_BIN" --records "$TMP/empty$i" --as-of "$AS_OF" import pupils "$TMP/export.csv"
done | median)
rows=$(($(wc -l <"$TMP/export.csv") - 1))
verdict() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx sen check: %s", a / b, (a <= 2 * b ? "MET" : "NOT MET") }'; }
printf 'rows in the export: %s\n' "$rows"
printf 'sen check (10,000 pupils):  %.2f s\n' "$check"
printf 'sen census (10,000 rows):   %.2f s  (%s)\n' "$census" "$(verdict "$census" "$check")"
printf 'sen import (10,000 rows):   %.2f s  (%s)\n' "$import" "$(verdict "$import" "$check")"

# Reading alone, linear in the rows: invented exports of 20,000 and 200,000 rows, every
# pupil new, so import plans (and --dry-run lists) every one.
rows_export() { # rows file
    python3 - "$1" "$2" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
needs = ["SPLD", "MLD", "SEMH", "SLCN", "ASD", "HI"]
with open(out, "w", newline="") as f:
    f.write("UPN,Legal Surname,Legal Forename,DOB,SEN Status,SEN Start Date,Primary Need\r\n")
    for i in range(n):
        f.write(f",\"Family{i}, Jr\",Given{i},{1 + i % 28:02d}/{1 + i % 12:02d}/{2010 + i % 10},K,01/09/2025,{needs[i % 6]}\r\n")
PY
}
rows_export 20000 "$TMP/rows-20000.csv"
rows_export 200000 "$TMP/rows-200000.csv"
rm -rf "$TMP/empty-read"
"$SEN_BIN" init "$TMP/empty-read" --school "Bench School" --senco "Ms A Senco" --senco-email a@example.org >/dev/null
small=$(for _ in $(seq $runs); do time_of "$SEN_BIN" --records "$TMP/empty-read" --as-of "$AS_OF" import pupils "$TMP/rows-20000.csv" --dry-run; done | median)
large=$(for _ in $(seq $runs); do time_of "$SEN_BIN" --records "$TMP/empty-read" --as-of "$AS_OF" import pupils "$TMP/rows-200000.csv" --dry-run; done | median)
printf 'import --dry-run (20,000 rows):   %.2f s\n' "$small"
printf 'import --dry-run (200,000 rows):  %.2f s  (%s)\n' "$large" "$(awk -v a="$large" -v b="$small" 'BEGIN { printf "%.2fx the 20,000-row time: %s", a / b, (a <= 11 * b ? "MET (<= 11x)" : "NOT MET") }')"
