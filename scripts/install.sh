#!/usr/bin/env bash
# Install everything nianbao needs on Debian/Ubuntu: system packages, then a .venv with the project.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(python3-venv tesseract-ocr tesseract-ocr-chi-sim fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai fonts-dejavu-core fonts-dejavu-extra fonts-liberation fonts-liberation2 poppler-utils postgresql libreoffice-writer-nogui chromium qpdf)
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
# jieba's dictionary in the fast cache (~/.cache/nianbao), so that the first extraction is not the slow one
.venv/bin/python -c "from extractor.text.nlp import segment; segment('政府信息公开')"
echo "nianbao installed: $(.venv/bin/nianbao --help >/dev/null && echo ok) (.venv/bin/nianbao)"
