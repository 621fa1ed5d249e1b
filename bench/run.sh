#!/usr/bin/env bash
# Measures `sen` on invented schools of 300, 1,000 and 10,000 pupils (examples/gen_school.rs)
# against two baselines: the floor (reading every file with cat, at each size) and PyYAML's C
# loader (10,000 pupils). Prints a table and appends it, with the targets MET or NOT MET, to
# docs/performance.md (one section a day: a later run the same day replaces it).
#
#   bench/run.sh
#
# Environment:
#   SEN_BIN=PATH      time this sen binary instead of building target/release/sen
#   BENCH_DOCS=PATH   write the section there instead of docs/performance.md
#
# All runs are warm (the trees were just written, so they sit in the page cache), and each
# figure is the median of 5 runs (3 for 10,000 pupils) after one untimed run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AS_OF=2026-11-23
SEED=20261123
SIZES=(300 1000 10000)
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
DOCS="${BENCH_DOCS:-$ROOT/docs/performance.md}"
cd "$ROOT"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/sen-bench.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

say() { printf '%s\n' "$*" >&2; }

# --- tools ----------------------------------------------------------------------------------

TIMER=python
if [[ -x /usr/bin/time ]]; then
    TIMER=gnu
elif command -v apt-get >/dev/null && { apt-get install -y -qq time >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq time >/dev/null 2>&1; }; }; then
    TIMER=gnu
fi
say "timer: $([[ $TIMER == gnu ]] && echo /usr/bin/time || echo 'python3 resource module')"

if ! python3 -c 'import yaml' 2>/dev/null; then
    say "installing PyYAML"
    python3 -m pip install --quiet pyyaml
fi
PY_LOADER=CSafeLoader
if ! python3 -c 'import yaml; yaml.CSafeLoader' 2>/dev/null; then
    say "warning: PyYAML has no libyaml here; the Python baseline uses the pure-Python SafeLoader"
    PY_LOADER=SafeLoader
fi

cat >"$TMP/load_yaml.py" <<EOF
# The Python baseline: parse every records file, as sen must, and nothing more.
import os, sys, yaml
root = sys.argv[1]
count = 0
for top, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if not d.startswith(".") and not (top == root and d in ("out", "templates"))]
    for name in files:
        if name.endswith((".yaml", ".yml")) and not name.startswith("."):
            with open(os.path.join(top, name), "rb") as f:
                yaml.load(f, Loader=yaml.$PY_LOADER)
            count += 1
print(count)
EOF

cat >"$TMP/timed.py" <<'EOF'
# Fallback timer: runs a command, prints "seconds peak_rss_kib user sys" to the file given first.
import resource, subprocess, sys, time
start = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as f:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    f.write(f"{wall:.3f} {r.ru_maxrss} {r.ru_utime:.2f} {r.ru_stime:.2f}\n")
sys.exit(rc)
EOF

# timed NAME CMD...: runs CMD once (its stdout as the caller redirects it) and sets WALL_US,
# RSS_KIB, CPU_US (user + system time, which other work on the machine disturbs less than the
# wall clock) and RC. The wall time comes from the clock around the run, for sub-10 ms resolution.
timed() {
    local out="$TMP/$1.time" t0 t1
    shift
    t0=$(date +%s%N)
    set +e
    if [[ $TIMER == gnu ]]; then
        /usr/bin/time -f '%e %M %U %S' -o "$out" "$@"
    else
        python3 "$TMP/timed.py" "$out" "$@"
    fi
    RC=$?
    set -e
    t1=$(date +%s%N)
    WALL_US=$(((t1 - t0) / 1000))
    # GNU time puts "Command exited with non-zero status N" on the line before.
    RSS_KIB=$(tail -n 1 "$out" | awk '{print $2}')
    CPU_US=$(tail -n 1 "$out" | awk '{printf "%.0f", ($3 + $4) * 1e6}')
}

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
max() { printf '%s\n' "$@" | sort -n | tail -n 1; }
fmt_time() { awk -v us="$1" 'BEGIN { if (us == "") print "-"; else if (us < 1e6) printf "%.1f ms", us / 1000; else printf "%.2f s", us / 1e6 }'; }
commas() { sed ':a; s/\B[0-9]\{3\}\>/,&/; ta' <<<"$1"; }
fmt_mem() { awk -v k="$1" 'BEGIN { if (k == "") print "-"; else printf "%.1f MB", k * 1024 / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print ""; else printf "%.2f", a / b }'; }
verdict() { # verdict VALUE OP LIMIT
    [[ -z $1 ]] && { echo "n/a"; return; }
    awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { ok = (op == "<") ? v < l : v <= l; if (op == ">=") ok = v >= l; print ok ? "MET" : "NOT MET" }'
}

# bench LABEL REPS OK_CODES CMD...: one untimed run (none with WARMUP=0), then REPS timed ones;
# sets MED_US, MED_CPU, MAX_KIB (empty when the command fails) and FAIL (the first line of its
# error).
bench() {
    local label=$1 reps=$2 ok=$3 warmup=${WARMUP:-1} i
    shift 3
    local walls=() rss=() cpus=()
    MED_US="" MED_CPU="" MAX_KIB="" FAIL=""
    for ((i = 1 - warmup; i <= reps; i++)); do
        timed "$label" "$@" >/dev/null 2>"$TMP/$label.err"
        if [[ " $ok " != *" $RC "* ]]; then
            FAIL="exit $RC: $(grep -v -m 1 '^Command exited' "$TMP/$label.err" | cut -c1-100 || true)"
            return 0
        fi
        ((i == 0)) && continue
        walls+=("$WALL_US")
        rss+=("$RSS_KIB")
        cpus+=("$CPU_US")
    done
    MED_US=$(median "${walls[@]}")
    MED_CPU=$(median "${cpus[@]}")
    MAX_KIB=$(max "${rss[@]}")
}

# --- build ----------------------------------------------------------------------------------

GEN="$TARGET/release/examples/gen_school"
say "building the generator (cargo build --release --example gen_school)"
if ! cargo build --release --quiet --example gen_school 2>"$TMP/gen-build.err"; then
    # The example links the sen library; while that does not compile, build the generator on
    # its own, with the versions Cargo.lock pins.
    say "the sen crate does not build; building the generator alone"
    mkdir -p "$TMP/gen"
    {
        printf '[package]\nname = "gen_school_standalone"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
        printf '[[bin]]\nname = "gen_school"\npath = "%s"\n\n[dependencies]\n' "$ROOT/examples/gen_school.rs"
        grep -E '^(anyhow|chrono|clap) *=' Cargo.toml
    } >"$TMP/gen/Cargo.toml"
    cp Cargo.lock "$TMP/gen/"
    CARGO_TARGET_DIR="$TARGET/gen-school-standalone" cargo build --release --quiet --manifest-path "$TMP/gen/Cargo.toml"
    GEN="$TARGET/gen-school-standalone/release/gen_school"
fi

SEN="${SEN_BIN:-}"
if [[ -z $SEN ]]; then
    say "building sen (cargo build --release)"
    if cargo build --release --quiet 2>"$TMP/sen-build.err" && [[ -x $TARGET/release/sen ]]; then
        SEN="$TARGET/release/sen"
    else
        say "sen does not build yet:"
        grep -m 5 -E '^error' "$TMP/sen-build.err" >&2 || true
    fi
fi

# --- schools --------------------------------------------------------------------------------

declare -A GEN_US FILES BYTES
for n in "${SIZES[@]}"; do
    timed "gen-$n" "$GEN" --pupils "$n" --seed "$SEED" --as-of "$AS_OF" --out "$TMP/school-$n"
    ((RC == 0)) || { say "gen_school failed for $n pupils"; exit 1; }
    GEN_US[$n]=$WALL_US
    FILES[$n]=$(find "$TMP/school-$n" -type f -name '*.y*ml' | wc -l)
    BYTES[$n]=$(find "$TMP/school-$n" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
    say "generated $n pupils: ${FILES[$n]} files in $(fmt_time "${GEN_US[$n]}")"
done
BIG="$TMP/school-10000"

# The generator's own check that what it wrote is valid (a bench on invalid records would
# measure the error path).
if [[ -z $SEN ]]; then
    say "warning: without sen (for \`sen schema\`) the generated records are not checked"
elif ! python3 bench/check_records.py "$TMP/school-300" --as-of "$AS_OF" --sen "$SEN" >"$TMP/check-300.txt"; then
    say "warning: the generated records have problems:"
    grep -m 5 PROBLEM "$TMP/check-300.txt" >&2 || true
fi

# --- measurements ---------------------------------------------------------------------------

# Share of the CPUs other processes kept busy over a second: a parallel build skews everything.
BUSY=$( { head -n 1 /proc/stat; sleep 1; head -n 1 /proc/stat; } | awk '
    { idle = $5 + $6; total = 0; for (i = 2; i <= NF; i++) total += $i }
    NR == 1 { i0 = idle; t0 = total }
    NR == 2 { printf "%.0f", 100 * (1 - (idle - i0) / (total - t0)) }')
((BUSY > 25)) && say "warning: the CPUs are ${BUSY}% busy with other work; timings will suffer"

declare -A CHECK_US CHECK_CPU CHECK_KIB CHECK_FAIL FLOOR_AT FLOOR_CPU
FINDINGS=""
if [[ -n $SEN ]]; then
    for n in "${SIZES[@]}"; do
        reps=5
        ((n >= 10000)) && reps=3
        say "sen check, $n pupils ($reps runs)"
        bench "check-$n" "$reps" "0 1" "$SEN" --records "$TMP/school-$n" --as-of "$AS_OF" check --format json
        CHECK_US[$n]=$MED_US CHECK_CPU[$n]=$MED_CPU CHECK_KIB[$n]=$MAX_KIB CHECK_FAIL[$n]=$FAIL
    done
    set +e
    "$SEN" --records "$BIG" --as-of "$AS_OF" check --format json >"$TMP/findings.json" 2>/dev/null
    set -e
    FINDINGS=$(python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))["counts"]
print(", ".join(f"{v:,} {k}" for k, v in c.items()))' "$TMP/findings.json" 2>/dev/null || true)
    # The generated records are valid, so an invalid finding is a bug in sen or the generator.
    INVALID=$(python3 -c 'import json, sys
f = [x for x in json.load(open(sys.argv[1]))["findings"] if x["kind"] == "invalid"]
print(len(f), *[f"{x[\"file\"]}: {x[\"message\"]}" for x in f[:3]], sep="\n")' "$TMP/findings.json" 2>/dev/null || true)
    if [[ -n $INVALID && ${INVALID%%$'\n'*} != 0 ]]; then
        say "warning: sen finds ${INVALID%%$'\n'*} invalid records in the generated school, for example:"
        say "${INVALID#*$'\n'}"
    fi
fi

for n in "${SIZES[@]}"; do
    reps=5
    ((n >= 10000)) && reps=3
    say "floor: find | cat, $n pupils ($reps runs)"
    # shellcheck disable=SC2016 # $1 is for the inner shell
    bench "floor-$n" "$reps" "0" bash -c 'find "$1" -type f -exec cat {} + >/dev/null' _ "$TMP/school-$n"
    FLOOR_AT[$n]=$MED_US FLOOR_CPU[$n]=$MED_CPU
done
FLOOR_US=${FLOOR_AT[10000]}

say "python $PY_LOADER, 10000 pupils (3 runs)"
# The slowest step by far, and nothing in it warms up: no untimed run.
WARMUP=0 bench python 3 "0" python3 "$TMP/load_yaml.py" "$BIG"
PY_US=$MED_US PY_CPU=$MED_CPU PY_KIB=$MAX_KIB

LETTER_US="" LETTER_KIB="" LETTER_NOTE="sen not built" REPORT_US="" REPORT_KIB="" REPORT_NOTE="sen not built"
if [[ -n $SEN ]]; then
    say "sen letter --due, 10000 pupils (3 runs)"
    # Each run writes into a folder of its own: existing letters are not overwritten.
    cat >"$TMP/letters.sh" <<'EOF'
dir="$1/letters-$(date +%s%N)"
exec "$2" --records "$3" --as-of "$4" letter --due --out "$dir"
EOF
    bench letter 3 "0 1" bash "$TMP/letters.sh" "$TMP" "$SEN" "$BIG" "$AS_OF"
    LETTER_US=$MED_US LETTER_CPU=$MED_CPU LETTER_KIB=$MAX_KIB LETTER_NOTE=${FAIL:+not available ($FAIL)}
    LETTERS=("$TMP"/letters-*)
    if [[ -z $FAIL && -d ${LETTERS[0]} ]]; then
        LETTER_NOTE="$(commas "$(find "${LETTERS[0]}" -type f | wc -l)") letter files"
    fi

    say "sen report register, 10000 pupils (3 runs)"
    bench report 3 "0" "$SEN" --records "$BIG" --as-of "$AS_OF" report register
    REPORT_US=$MED_US REPORT_CPU=$MED_CPU REPORT_KIB=$MAX_KIB REPORT_NOTE=${FAIL:+not available ($FAIL)}

    # Over two academic years, so the governors' report reads the register at four term ends.
    say "sen report effectiveness, 10000 pupils (3 runs)"
    bench effect 3 "0" "$SEN" --records "$BIG" --as-of "$AS_OF" report effectiveness --from 2025-09-01
    EFFECT_US=$MED_US EFFECT_CPU=$MED_CPU EFFECT_KIB=$MAX_KIB EFFECT_NOTE=${FAIL:+not available ($FAIL)}
    say "sen report governors, 10000 pupils (3 runs)"
    bench governors 3 "0" "$SEN" --records "$BIG" --as-of "$AS_OF" report governors --from 2025-09-01
    GOV_US=$MED_US GOV_CPU=$MED_CPU GOV_KIB=$MAX_KIB GOV_NOTE=${FAIL:+not available ($FAIL)}
fi

# --- results --------------------------------------------------------------------------------

SEN10=${CHECK_US[10000]:-}
SEN_FLOOR=$(ratio "$SEN10" "$FLOOR_US")
SEN_FLOOR300=$(ratio "${CHECK_US[300]:-}" "${FLOOR_AT[300]:-}")
PY_SEN=$(ratio "$PY_US" "$SEN10")
SCALE=$(ratio "$SEN10" "${CHECK_US[1000]:-}")
PEAK=""
for n in "${SIZES[@]}"; do
    [[ -n ${CHECK_KIB[$n]:-} ]] && PEAK=$(max ${PEAK:+"$PEAK"} "${CHECK_KIB[$n]}")
done
CORES=$(nproc)

row() { printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$@"; }
check_cell() {
    local n=$1
    if [[ -z $SEN ]]; then echo "sen not built"
    elif [[ -n ${CHECK_FAIL[$n]} ]]; then echo "failed (${CHECK_FAIL[$n]})"
    else fmt_time "${CHECK_US[$n]}"; fi
}
files_cell() { printf "%s files, %s" "$(commas "${FILES[$1]}")" "$(awk -v b="${BYTES[$1]}" 'BEGIN {printf "%.1f MB", b / 1e6}')"; }

{
    echo "## Run of $(date -u '+%Y-%m-%d %H:%M') UTC"
    echo
    echo "Machine: $CORES cores (\`nproc\`), CPUs ${BUSY}% busy with other work as measuring began, $(rustc --version 2>/dev/null | cut -d' ' -f1-2), Python $(python3 -c 'import platform, yaml; print(platform.python_version(), "with PyYAML", yaml.__version__)'). Schools from \`gen_school --seed $SEED --as-of $AS_OF\`; warm page cache; median of 5 runs (3 at 10,000 pupils) after one untimed run (none for Python); peak RSS is the largest of those runs."
    echo
    row "what" "pupils" "records" "median wall time" "median CPU (user+sys)" "peak RSS" "note"
    row "---" "---:" "---" "---:" "---:" "---:" "---"
    for n in "${SIZES[@]}"; do
        row "\`sen check --format json\`" "$(commas "$n")" "$(files_cell "$n")" "$(check_cell "$n")" "$(fmt_time "${CHECK_CPU[$n]:-}")" "$(fmt_mem "${CHECK_KIB[$n]:-}")" ""
    done
    for n in "${SIZES[@]}"; do
        row "floor: \`find -type f -exec cat {} +\`" "$(commas "$n")" "$(files_cell "$n")" "$(fmt_time "${FLOOR_AT[$n]}")" "$(fmt_time "${FLOOR_CPU[$n]}")" "-" ""
    done
    row "Python: PyYAML \`$PY_LOADER\`, every file" "10,000" "$(files_cell 10000)" "$(fmt_time "$PY_US")" "$(fmt_time "${PY_CPU:-}")" "$(fmt_mem "$PY_KIB")" ""
    row "\`sen letter --due\`" "10,000" "$(files_cell 10000)" "$(fmt_time "$LETTER_US")" "$(fmt_time "${LETTER_CPU:-}")" "$(fmt_mem "$LETTER_KIB")" "$LETTER_NOTE"
    row "\`sen report register\`" "10,000" "$(files_cell 10000)" "$(fmt_time "$REPORT_US")" "$(fmt_time "${REPORT_CPU:-}")" "$(fmt_mem "$REPORT_KIB")" "$REPORT_NOTE"
    row "\`sen report effectiveness --from 2025-09-01\`" "10,000" "$(files_cell 10000)" "$(fmt_time "${EFFECT_US:-}")" "$(fmt_time "${EFFECT_CPU:-}")" "$(fmt_mem "${EFFECT_KIB:-}")" "${EFFECT_NOTE:-}"
    row "\`sen report governors --from 2025-09-01\`" "10,000" "$(files_cell 10000)" "$(fmt_time "${GOV_US:-}")" "$(fmt_time "${GOV_CPU:-}")" "$(fmt_mem "${GOV_KIB:-}")" "${GOV_NOTE:-} four term ends and as-of"
    for n in "${SIZES[@]}"; do
        row "generator \`gen_school\`" "$(commas "$n")" "$(files_cell "$n")" "$(fmt_time "${GEN_US[$n]}")" "-" "-" "one run"
    done
    echo
    [[ -n $FINDINGS ]] && { echo "Findings at 10,000 pupils: $FINDINGS."; echo; }
    echo "Ratios: sen / floor = ${SEN_FLOOR:-n/a} at 10,000 pupils, ${SEN_FLOOR300:-n/a} at 300; Python / sen = ${PY_SEN:-n/a}; sen 10,000 / sen 1,000 = ${SCALE:-n/a} (the targets of issue #24)."
    echo
    printf '| %s | %s | %s |\n' "target" "measured" "verdict"
    printf '| --- | --- | --- |\n'
    printf '| %s | %s | %s |\n' "\`sen check\`, 10,000 pupils, within 1.3x the floor" "${SEN_FLOOR:-n/a}x" "$(verdict "$SEN_FLOOR" "<=" 1.3)"
    printf '| %s | %s | %s |\n' "\`sen check\`, 300 pupils, within 1.3x the floor" "${SEN_FLOOR300:-n/a}x" "$(verdict "$SEN_FLOOR300" "<=" 1.3)"
    printf '| %s | %s | %s |\n' "at least 6x faster than Python, 10,000 pupils" "${PY_SEN:-n/a}x" "$(verdict "$PY_SEN" ">=" 6)"
    printf '| %s | %s | %s |\n' "peak memory of \`sen check\` under 150 MB" "$(fmt_mem "$PEAK")" "$(verdict "$PEAK" "<" 146484)"
    printf '| %s | %s | %s |\n' "10,000 / 1,000 pupils time ratio at most 11" "${SCALE:-n/a}" "$(verdict "$SCALE" "<=" 11)"
    LETTER_CHECK=$(ratio "${LETTER_US:-}" "$SEN10")
    REG_CHECK=$(ratio "${REPORT_US:-}" "$SEN10")
    EFF_CHECK=$(ratio "${EFFECT_US:-}" "$SEN10")
    GOV_CHECK=$(ratio "${GOV_US:-}" "$SEN10")
    printf '| %s | %s | %s |\n' "\`sen letter --due\`, 10,000 pupils, under 5 s" "$(fmt_time "$LETTER_US") (${LETTER_CHECK:-n/a}x check)" "$(verdict "$LETTER_US" "<" 5000000)"
    printf '| %s | %s | %s |\n' "\`sen report register\`, 10,000 pupils, within 1.5x \`sen check\`" "${REG_CHECK:-n/a}x" "$(verdict "$REG_CHECK" "<=" 1.5)"
    printf '| %s | %s | %s |\n' "\`sen report effectiveness\`, 10,000 pupils, within 1.5x \`sen check\`" "${EFF_CHECK:-n/a}x" "$(verdict "$EFF_CHECK" "<=" 1.5)"
    printf '| %s | %s | %s |\n' "\`sen report governors\`, 10,000 pupils, within 1.5x \`sen check\`" "${GOV_CHECK:-n/a}x" "$(verdict "$GOV_CHECK" "<=" 1.5)"
} >"$TMP/section.md"

echo
cat "$TMP/section.md"
echo

if [[ -z $SEN ]]; then
    say "sen could not be built, so nothing was written to $DOCS"
    exit 1
fi

mkdir -p "$(dirname "$DOCS")"
if [[ ! -f $DOCS ]]; then
    cat >"$DOCS" <<'EOF'
# Performance

`bench/run.sh` builds `sen` in release, invents schools of 300, 1,000 and 10,000 pupils with
`examples/gen_school.rs`, and times `sen check`, `sen letter --due` and `sen report register`
against two baselines on the 10,000-pupil school: the floor (every file read with `cat`) and
a Python script that parses every file with PyYAML's C loader. Each run adds a section below
(a second run on the same day replaces that day's).

EOF
fi
python3 - "$DOCS" "$TMP/section.md" <<'EOF'
import sys
docs, section = sys.argv[1], open(sys.argv[2]).read()
text = open(docs).read()
day = section.split("\n", 1)[0][: len("## Run of YYYY-MM-DD")]
parts = text.split("\n## ")
head, runs = parts[0], ["## " + p for p in parts[1:]]
runs = [r for r in runs if not r.startswith(day)]
out = head.rstrip("\n") + "\n\n" + "".join(r.rstrip("\n") + "\n\n" for r in runs) + section.rstrip("\n") + "\n"
open(docs, "w").write(out)
EOF
say "wrote the results to $DOCS"
