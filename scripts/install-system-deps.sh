#!/usr/bin/env bash
# Install what filings needs from Debian/Ubuntu packages, only where it is missing:
# LibreOffice Writer and Calc (headless DOCX and spreadsheets -> PDF), Liberation fonts (metric twins of Times New
# Roman), the fallback fonts for titles in other scripts (DejaVu: Greek, Cyrillic, Arabic,
# Hebrew; Droid Sans Fallback: Chinese, Japanese, Korean), OCRmyPDF with Tesseract's
# English data (a text layer for scanned exhibits), fontconfig, LibreOffice's Python bridge
# (python3-uno, for the warm LibreOffice pool), Python's venv module, and
# for the tests (FILINGS_TEST_DEPS=1) poppler-utils, procps, git and chromium (headless, for the
# diff's HTML summary). Safe to run again: it does nothing
# when all is there.
set -euo pipefail

# A package counts as there when dpkg has it installed (never `fc-list | grep -q`: under
# pipefail grep's early exit makes fc-list die of SIGPIPE and the check misreport).
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
# A font counts as there when fontconfig resolves its family to itself.
has_font() { [ "$(fc-match -f '%{family}' "$1" 2>/dev/null | cut -d, -f1)" = "$1" ]; }

need=()
command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
# spreadsheet exhibits (.xlsx, .ods) are printed by LibreOffice Calc
installed libreoffice-calc-nogui || installed libreoffice-calc || need+=(libreoffice-calc-nogui)
has_font "Liberation Serif" || installed fonts-liberation2 || need+=(fonts-liberation2)
has_font "DejaVu Sans" || installed fonts-dejavu-core || need+=(fonts-dejavu-core)
has_font "Droid Sans Fallback" || installed fonts-droid-fallback || need+=(fonts-droid-fallback)
command -v ocrmypdf >/dev/null 2>&1 || need+=(ocrmypdf)
installed tesseract-ocr || need+=(tesseract-ocr)
installed tesseract-ocr-eng || need+=(tesseract-ocr-eng)
command -v fc-match >/dev/null 2>&1 || need+=(fontconfig)
# The warm LibreOffice pool runs unoserver under the system Python with LibreOffice's uno
# module; without it builds fall back to one LibreOffice run each, with a warning.
installed python3-uno || need+=(python3-uno)
# The test suite renders bundle pages to images to check where stamps land.
if [ "${FILINGS_TEST_DEPS:-0}" = 1 ]; then
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  command -v pgrep >/dev/null 2>&1 || need+=(procps)   # the tests look for leftover LibreOffice processes
  command -v chromium >/dev/null 2>&1 || need+=(chromium)  # the diff's HTML summary and filings serve's page, in headless Chromium
  command -v git >/dev/null 2>&1 || need+=(git)            # filings diff --rev is tested in a git repository
  installed tesseract-ocr-deu || need+=(tesseract-ocr-deu)  # OCR in a language other than English (settings.ocr)
fi
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || need+=(python3-venv)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

echo "filings: installing ${need[*]} (Debian packages; LibreOffice and OCR are large, this can take a few minutes)" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "filings: need root to install ${need[*]}; run: apt-get install ${need[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "filings: no apt-get here; install by hand: ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
echo "filings: installed ${need[*]}" >&2
