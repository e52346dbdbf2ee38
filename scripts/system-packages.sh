#!/usr/bin/env bash
# The programs the tests start for real, from Debian's packages: a PostgreSQL 15 server, chromium for the
# browser tests (Playwright cannot download its own build here), Prometheus (with promtool) to scrape the
# service and check the example alert rules, poppler's pdftotext to read the invoice PDFs, HAProxy for the topology
# tests and systemd's systemd-analyze to verify the unit file in deploy/. Installs what is
# missing when run as root with apt-get (as on CI); otherwise says what to install and stops.
set -euo pipefail

missing=()
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || missing+=(postgresql)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/prometheus && -x /usr/bin/promtool ]] || missing+=(prometheus)
[[ -x /usr/bin/pdftotext ]] || missing+=(poppler-utils)
[[ -x /usr/sbin/haproxy ]] || missing+=(haproxy)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)

if ((${#missing[@]} == 0)); then exit 0; fi
if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "installing for the tests: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "The tests need these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
