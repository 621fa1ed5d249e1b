#!/usr/bin/env bash
# Prints every letter kind and every report of the example school to PDF with headless
# Chromium, as a SENCO would ("Print -> Save as PDF"), and checks the pages with pdfinfo:
# each letter (advice requests too) fits one A4 page, the register and the provision map are A4 landscape, every
# other report A4 portrait; with LibreOffice installed, each Word letter one page too.
# Leaves the PDFs (and PNGs of their first pages) in target/print-check/ to look at.
# Exit 1 on any failure.
#
#   tools/print-check.sh            # uses target/debug/sen (built if missing)
#   SEN_BIN=PATH tools/print-check.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
AS_OF=2026-11-23
OUT="${CARGO_TARGET_DIR:-$ROOT/target}/print-check"
SEN="${SEN_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/sen}"
[[ -x $SEN ]] || cargo build --quiet
for tool in chromium pdfinfo pdftoppm; do
    command -v "$tool" >/dev/null || { echo "print-check: $tool is not installed" >&2; exit 2; }
done
rm -rf "$OUT"
mkdir -p "$OUT"
school="$OUT/oakfield"
cp -r examples/oakfield "$school"
failed=0

pdf() { # HTML -> PDF
    local profile
    profile="$(mktemp -d)"
    chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$profile" --no-pdf-header-footer \
        --print-to-pdf="$2" "file://$1" >/dev/null 2>&1
    rm -rf "$profile"
}

check() { # PDF, what, want pages (or "any"), want orientation
    local pages size w h orient
    pages=$(pdfinfo "$1" | awk '/^Pages:/ {print $2}')
    size=$(pdfinfo "$1" | awk -F': *' '/^Page size:/ {print $2}')
    w=$(awk '{printf "%d", $1}' <<<"$size")
    h=$(awk '{printf "%d", $3}' <<<"$size")
    orient=portrait
    ((w > h)) && orient=landscape
    if [[ $3 != any && $pages != "$3" ]] || [[ $orient != "$4" ]] || ! grep -q "A4" <<<"$size"; then
        echo "FAIL $2: $pages pages, $size ($orient); want ${3} page(s), A4 $4"
        failed=$((failed + 1))
    else
        echo "ok   $2: $pages page(s), A4 $orient"
    fi
    pdftoppm -png -r 50 -f 1 -l 1 "$1" "${1%.pdf}" 2>/dev/null || true
}

# Every letter kind, to every contact who receives letters: one A4 page each.
letters=(
    "notification zainab-hussain"
    "notification amara-okafor"
    "review-record amara-okafor"
    "review-record ethan-murphy"
    "meeting-record kai-thompson"
    "meeting-record filip-kowalczyk"
    "annual-review-invitation freya-morgan"
    "advice-request samuel-adeyemi"
    "advice-request freya-morgan"
)
for l in "${letters[@]}"; do
    # shellcheck disable=SC2086 # the words are the arguments
    "$SEN" --records "$school" --as-of "$AS_OF" letter $l --format html --force >/dev/null 2>&1 || {
        echo "FAIL sen letter $l"
        failed=$((failed + 1))
    }
done
"$SEN" --records "$school" --as-of "$AS_OF" letter review-invitation amara-okafor --date 2026-12-03 \
    --time 15:30 --place "the library" --format html --force >/dev/null 2>&1 || {
    echo "FAIL sen letter review-invitation"
    failed=$((failed + 1))
}
while IFS= read -r html; do
    name="$(basename "$(dirname "$html")")-$(basename "$html" .html)"
    pdf "$html" "$OUT/$name.pdf"
    check "$OUT/$name.pdf" "letter $name" 1 portrait
done < <(find "$school/out/letters" -name '*.html' | sort)

# The Word letters: one page each too, when LibreOffice is here to lay them out (it is not
# installed by .ci/run: `apt-get install libreoffice-writer-nogui` adds about 400 MB).
if command -v soffice >/dev/null; then
    words="$OUT/word"
    for l in "${letters[@]}"; do
        # shellcheck disable=SC2086 # the words are the arguments
        "$SEN" --records "$school" --as-of "$AS_OF" letter $l --format docx --out "$words" --force >/dev/null 2>&1 || {
            echo "FAIL sen letter $l --format docx"
            failed=$((failed + 1))
        }
    done
    while IFS= read -r docx; do
        name="word-$(basename "$(dirname "$docx")")-$(basename "$docx" .docx)"
        cp "$docx" "$OUT/$name.docx"
        (cd "$OUT" && soffice --headless --convert-to pdf "$name.docx" >/dev/null 2>&1)
        check "$OUT/$name.pdf" "Word letter $name" 1 portrait
    done < <(find "$words" -name '*.docx' | sort)
else
    echo "skip Word letters: LibreOffice (soffice) is not installed"
fi

# Reports: the wide ones landscape.
for r in register provision-map information effectiveness governors passport pupil inspection; do
    args=("$r")
    [[ $r == passport ]] && args+=(--class "5 Willow")
    [[ $r == pupil ]] && args+=(freya-morgan)
    [[ $r == inspection ]] && args+=(samuel-adeyemi freya-morgan)
    "$SEN" --records "$school" --as-of "$AS_OF" report "${args[@]}" --format html --out "$school/out/$r.html" >/dev/null
    pdf "$school/out/$r.html" "$OUT/report-$r.pdf"
    orient=portrait
    [[ $r == register || $r == provision-map ]] && orient=landscape
    want=any
    [[ $r == passport ]] && want=2 # one page a pupil: two pupils in 5 Willow
    check "$OUT/report-$r.pdf" "report $r" "$want" "$orient"
done

echo "print-check: $failed failed; PDFs and first pages in $OUT"
((failed == 0))
