#!/usr/bin/env bash
# Install what the tests need (Debian's MediaWiki and PHP, Chromium, the Python package
# with its test extras) and run the whole suite: lint, unit tests, integration tests against a
# real local MediaWiki that the test session starts and stops itself.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the browser tests drive Debian's headless Chromium (Playwright, no download).
# poppler-utils: the PDF tests read the dossier with pdftotext; pango: WeasyPrint draws it.
apt_packages=(mediawiki php-sqlite3 php-cli php-intl php-mbstring php-xml php-gd chromium fonts-dejavu-core
  poppler-utils libpango-1.0-0 libpangoft2-1.0-0)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
python3 -m ruff check .
python3 -m pytest -q -p no:cacheprovider "$@"
