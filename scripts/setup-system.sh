#!/usr/bin/env bash
# Idempotent system setup: the packages krlib needs from Debian.
#   chromium       - the browser engine that prints the Thai PDF reports (Playwright drives it
#                    through its executable path; nothing is downloaded at run time)
#   poppler-utils  - pdftotext, used by the tests to check the PDF text layer
#   fonts-thai-tlwg- Thai system fonts, so JupyterLab (make lab) shows Thai text in the
#                    browser; the reports embed Sarabun from PyPI and need no system font
# Runs apt only when something is missing, so a second call is instant.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if ! command -v fc-list >/dev/null 2>&1; then need+=(fontconfig fonts-thai-tlwg)
elif [ -z "$(fc-list :lang=th family 2>/dev/null | head -n 1)" ]; then need+=(fonts-thai-tlwg); fi
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup-system: need root (or sudo) to apt-get install ${need[*]}" >&2; exit 1
  fi
fi
echo "setup-system: installing ${need[*]} from Debian" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
