#!/bin/sh
# Regenerate tests/fixtures/libreoffice/: the hand-checkable drop in source/ (UTF-8 CSV)
# converted by LibreOffice Calc, in the Thai locale (1054, D/M/Y, Thai month names), to
# .xlsx, .xls (BIFF8) and .ods, once with every column typed as text and once with Calc's
# automatic cell types (what a person opening the CSV in Calc gets: citizen ids become
# numbers, 01/10/67 becomes a 1967 date cell, district codes and domains become numbers).
# Needs soffice (Debian: apt-get install -y libreoffice-calc-nogui); CI only reads the
# committed output. See ../shared/notes/real-exports.md for the filter options.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
fixtures="$here/tests/fixtures/libreoffice"
source_dir="$fixtures/source"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# CSV filter tokens: separator 44 (,), text delimiter 34 ("), charset 76 (UTF-8),
# first line 1, column formats, language 1054 (Thai).
text_types="1/2/2/2/3/2/4/2/5/2/6/2/7/2/8/2/9/2/10/2/11/2/12/2"
for types in text auto; do
    if [ "$types" = text ]; then formats=$text_types; else formats=""; fi
    for fmt in xlsx xls ods; do
        out="$fixtures/$fmt-$types"
        rm -rf "$out"
        mkdir -p "$out"
        # one file per call: never pipe soffice's output (a broken pipe stops the loop)
        for csv in "$source_dir"/*.csv; do
            soffice -env:UserInstallation="file://$profile" --headless \
                --infilter="CSV:44,34,76,1,$formats,1054" \
                --convert-to "$fmt" --outdir "$out" "$csv" >/dev/null 2>&1
            [ -s "$out/$(basename "$csv" .csv).$fmt" ] || {
                echo "conversion failed: $csv -> $fmt ($types)" >&2; exit 1; }
        done
    done
done
echo "wrote $(ls "$fixtures"/*-*/* | wc -l) files under $fixtures"
