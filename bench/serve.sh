#!/usr/bin/env bash
# Measures `sen serve` against one `sen check` on invented schools (examples/gen_school.rs):
# a warm page (home, the register, a pupil) on 1,000 pupils, the same after one file
# changed (one pupil folder read again), and the 10,000-pupil register's first page and a
# filtered page. Prints a table (medians of 7 requests after one untimed one).
#
#   bench/serve.sh            # 1,000 and 10,000 pupils
#   SIZES="1000" bench/serve.sh
#
# Environment: SEN_BIN=PATH times this sen binary instead of building target/release/sen;
# GEN_BIN=PATH uses this gen_school.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AS_OF=2026-11-23
SEED=20261123
read -r -a SIZES <<<"${SIZES:-1000 10000}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/sen-serve-bench.XXXXXX")"
PID=""
cleanup() { [[ -n $PID ]] && kill "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
say() { printf '%s\n' "$*" >&2; }

command -v curl >/dev/null || { say "bench/serve.sh needs curl"; exit 2; }
SEN="${SEN_BIN:-}"
if [[ -z $SEN ]]; then
    say "building sen (release)"
    cargo build --release --quiet --bin sen
    SEN="$TARGET/release/sen"
fi
GEN="${GEN_BIN:-$TARGET/release/examples/gen_school}"
[[ -x $GEN ]] || cargo build --release --quiet --example gen_school

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ms() { awk -v s="$1" 'BEGIN {printf "%.1f ms", s * 1000}'; }

# Seconds for one GET of PATH with the session cookie (fails on anything but 200).
get() {
    curl -sf -o /dev/null -w '%{time_total}\n' -H "Cookie: sen-$PORT=$TOKEN" "http://127.0.0.1:$PORT$1"
}
# Median of 7 GETs after one untimed.
warm() {
    get "$1" >/dev/null
    for _ in 1 2 3 4 5 6 7; do get "$1"; done | median
}

# Seconds of one run of sen with ARGS over SCHOOL (median of 5 after one untimed).
timed() {
    local school=$1
    shift
    "$SEN" --records "$school" --as-of "$AS_OF" "$@" >/dev/null || true
    for _ in 1 2 3 4 5; do
        s=$(date +%s.%N)
        "$SEN" --records "$school" --as-of "$AS_OF" "$@" >/dev/null || true
        e=$(date +%s.%N)
        awk -v s="$s" -v e="$e" 'BEGIN {print e - s}'
    done | median
}

printf '| pupils | what | time |\n| --- | --- | --- |\n'
for n in "${SIZES[@]}"; do
    school="$TMP/school-$n"
    "$GEN" --pupils "$n" --seed "$SEED" --as-of "$AS_OF" --out "$school" >/dev/null
    # One `sen check`, warm (median of 5 after one untimed run).
    "$SEN" --records "$school" --as-of "$AS_OF" check --format json >/dev/null || true
    check=$(for _ in 1 2 3 4 5; do
        s=$(date +%s.%N)
        "$SEN" --records "$school" --as-of "$AS_OF" check --format json >/dev/null || true
        e=$(date +%s.%N)
        awk -v s="$s" -v e="$e" 'BEGIN {print e - s}'
    done | median)
    printf '| %s | one `sen check` | %s |\n' "$n" "$(ms "$check")"

    "$SEN" --records "$school" --as-of "$AS_OF" serve --no-open >"$TMP/line" 2>/dev/null &
    PID=$!
    for _ in $(seq 100); do [[ -s $TMP/line ]] && break; sleep 0.1; done
    url=$(sed 's/^sen serve: //' "$TMP/line")
    PORT=$(sed -E 's|.*127\.0\.0\.1:([0-9]+)/.*|\1|' <<<"$url")
    TOKEN=${url##*=}
    first=$(ls "$school/pupils" | head -1)
    printf '| %s | first page after start (records read) | %s |\n' "$n" "$(ms "$(get /)")"
    if ((n <= 1000)); then
        printf '| %s | warm home (to-do list) | %s |\n' "$n" "$(ms "$(warm /)")"
        printf '| %s | warm register | %s |\n' "$n" "$(ms "$(warm /register)")"
        printf '| %s | warm pupil page | %s |\n' "$n" "$(ms "$(warm "/pupils/$first")")"
        # Report pages render in the server from its records (#24); before, each ran
        # `sen report KIND --format html --out -` as a child, whose time is shown beside.
        for kind in governors register; do
            printf '| %s | warm report page (%s) | %s |\n' "$n" "$kind" \
                "$(ms "$(warm "/reports/$kind")")"
            printf '| %s | `sen report %s --format html` (a page before #24) | %s |\n' "$n" "$kind" \
                "$(ms "$(timed "$school" report "$kind" --format html --out -)")"
        done
        # One file changed: that pupil's folder alone is read again.
        changed=$(for _ in 1 2 3 4 5; do
            printf '# touched\n' >>"$school/pupils/$first/pupil.yaml"
            get /
        done | median)
        printf '| %s | home after one file changed | %s |\n' "$n" "$(ms "$changed")"
    else
        printf '| %s | warm home (to-do list) | %s |\n' "$n" "$(ms "$(warm /)")"
        printf '| %s | warm register, page 1 of 100 rows | %s |\n' "$n" "$(ms "$(warm /register)")"
        printf '| %s | warm register, one class | %s |\n' "$n" \
            "$(ms "$(warm "/register?year=5")")"
    fi
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=""
done
