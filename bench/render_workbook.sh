#!/usr/bin/env bash
# rota.xlsx as HR prints it: LibreOffice turns the workbook into a PDF with each sheet's print
# settings (orientation, fit to width, repeated header rows, page header), then every page
# becomes a PNG to look at.
#
#   bench/render_workbook.sh [RESULTS_DIR | WORKBOOK.xlsx] [OUT_DIR]
#   bench/render_workbook.sh out/ render/      # -> render/rota.pdf, render/page-01.png, ...
#
# Needs soffice and pdftoppm (apt-get install -y libreoffice-calc poppler-utils).
# DPI=100 for sharper pages (default 60).
set -euo pipefail

book=${1:-out}
[ -d "$book" ] && book="$book/rota.xlsx"
out=${2:-render}
[ -f "$book" ] || { echo "no workbook at $book" >&2; exit 2; }
for tool in soffice pdftoppm pdfinfo; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y libreoffice-calc poppler-utils" >&2; exit 2; }
done

mkdir -p "$out"
profile=$(mktemp -d)   # a profile of its own, so that a running LibreOffice does not swallow the job
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$out" "$book" >/dev/null 2>&1
pdf="$out/$(basename "${book%.*}").pdf"
rm -f "$out"/page-*.png
pdftoppm -png -r "${DPI:-60}" "$pdf" "$out/page"
echo "$pdf: $(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}') pages; PNGs in $out/"
