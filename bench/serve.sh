#!/usr/bin/env bash
# Measures `sen serve` against one `sen check` on invented schools (examples/gen_school.rs):
# on each size, one `sen check`, the first page after start, a warm home page (the to-do
# list), register (first page, a filtered page, page 2) and pupil page, and the home page
# after one file changed (that pupil's folder alone read again). Prints a table: the wall
# time (median of 7 requests after one untimed one; of 5 runs for check) and the CPU time
# (user + system) the server spent per request, read from /proc, which a shared machine
# disturbs less than the wall time. The last column is the wall time over one check's.
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
# The CPU seconds (user + system) process PID has used.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

# Seconds for one GET of PATH with the session cookie (fails on anything but 200).
get() {
    curl -sf -o /dev/null -w '%{time_total}\n' -H "Cookie: sen-$PORT=$TOKEN" "http://127.0.0.1:$PORT$1"
}
# One row: the median wall time of 7 GETs of PATH after one untimed, the server's CPU time
# per request over those 7, and the wall time over one `sen check`'s.
row() {
    local n="$1" what="$2" path="$3" c0 c1 wall
    get "$path" >/dev/null
    c0=$(cpu "$PID")
    wall=$(for _ in 1 2 3 4 5 6 7; do get "$path"; done | median)
    c1=$(cpu "$PID")
    printf '| %s | %s | %s | %s | %s |\n' "$n" "$what" "$(ms "$wall")" \
        "$(ms "$(awk -v a="$c0" -v b="$c1" 'BEGIN {print (b - a) / 7}')")" \
        "$(awk -v w="$wall" -v c="$check" 'BEGIN {printf "%.3f", w / c}')"
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

printf '| pupils | what | wall | CPU | of one check |\n| --- | --- | --- | --- | --- |\n'
for n in "${SIZES[@]}"; do
    school="$TMP/school-$n"
    "$GEN" --pupils "$n" --seed "$SEED" --as-of "$AS_OF" --out "$school" >/dev/null
    # One `sen check`, warm (median of 5 after one untimed run), wall and CPU.
    "$SEN" --records "$school" --as-of "$AS_OF" check --format json >/dev/null || true
    TIMEFORMAT='%R %U %S'
    times=$(for _ in 1 2 3 4 5; do
        { time "$SEN" --records "$school" --as-of "$AS_OF" check --format json >/dev/null 2>&1 || true; } 2>&1
    done)
    check=$(awk '{print $1}' <<<"$times" | median)
    check_cpu=$(awk '{print $2 + $3}' <<<"$times" | median)
    printf '| %s | one `sen check` | %s | %s | 1 |\n' "$n" "$(ms "$check")" "$(ms "$check_cpu")"

    "$SEN" --records "$school" --as-of "$AS_OF" serve --no-open >"$TMP/line" 2>/dev/null &
    PID=$!
    for _ in $(seq 600); do [[ -s $TMP/line ]] && break; sleep 0.1; done
    url=$(sed 's/^sen serve: //' "$TMP/line")
    PORT=$(sed -E 's|.*127\.0\.0\.1:([0-9]+)/.*|\1|' <<<"$url")
    TOKEN=${url##*=}
    # sed reads to the end: `head` would close the pipe early and `ls` fail under pipefail.
    first=$(ls "$school/pupils" | sed -n 1p)
    printf '| %s | first page after start (records read) | %s | | |\n' "$n" "$(ms "$(get /)")"
    row "$n" "warm home (to-do list, first 100 pupils)" /
    row "$n" "warm home, overdue only" "/?kind=overdue"
    row "$n" "warm register, first 100 rows" /register
    row "$n" "warm register, page 2" "/register?page=2"
    row "$n" "warm register, one NC year" "/register?year=5"
    row "$n" "warm pupil page (record and passport)" "/pupils/$first"
    # Report pages render in the server from its records (#24); before, each ran
    # `sen report KIND --format html --out -` as a child, whose time is shown beside.
    for kind in governors register; do
        row "$n" "warm report page ($kind)" "/reports/$kind"
        if ((n <= 1000)); then
            printf '| %s | `sen report %s --format html` (a page before #24) | %s | | |\n' "$n" "$kind" \
                "$(ms "$(timed "$school" report "$kind" --format html --out -)")"
        fi
    done
    # One file changed: that pupil's folder alone is read again, the rules run again.
    changed=$(for _ in 1 2 3 4 5; do
        printf '# touched\n' >>"$school/pupils/$first/pupil.yaml"
        get /
    done | median)
    printf '| %s | home after one file changed | %s | | %s |\n' "$n" "$(ms "$changed")" \
        "$(awk -v w="$changed" -v c="$check" 'BEGIN {printf "%.3f", w / c}')"
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=""
done
