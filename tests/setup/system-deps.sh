#!/usr/bin/env bash
# The Debian packages the tests need beyond npm: Chromium for end-to-end tests (Playwright
# drives Debian's build; it never downloads a browser), CJK fonts so screenshots show
# Chinese, and the tools device tests use. Installs them when missing and allowed (root on Debian), else says what to do.
set -euo pipefail

packages=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || packages+=(chromium)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || packages+=(fonts-noto-cjk)  # not -q: an early exit would SIGPIPE fc-list and fail the pipe
# Device tests: QR read-back of printed tickets, SVG → PNG previews.
command -v zbarimg >/dev/null || packages+=(zbar-tools)
command -v rsvg-convert >/dev/null || packages+=(librsvg2-bin)
# PDFs (the half-year report, HYR-*; archive PDFs, ARC-3) are read back independently of the
# libraries that wrote them: pdftotext, pdfinfo, pdffonts.
command -v pdfinfo >/dev/null || packages+=(poppler-utils)
# ID-card reader over a virtual serial pair; USB/HID bindings load libusb and use udev.
command -v socat >/dev/null || packages+=(socat)
[ -e /usr/lib/x86_64-linux-gnu/libusb-1.0.so.0 ] || ldconfig -p 2>/dev/null | grep -q libusb-1.0 || packages+=(libusb-1.0-0)
command -v udevadm >/dev/null || packages+=(udev)
# The window's flatbed scanner through SANE: scanimage and its `test` backend (a real page, no hardware).
command -v scanimage >/dev/null || packages+=(sane-utils)
# The regional center (issue #18) runs on PostgreSQL: the tests start Debian's initdb/pg_ctl in a
# temp dir (tests/support/postgres.ts), as the `postgres` user the package creates when run as root.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || packages+=(postgresql)
# Social security cards over PC/SC: the daemon, vsmartcard's virtual reader (a fake card in
# tests) and the headers the smartcard binding builds against.
# (Installed means installed: a package removed but not purged still answers `dpkg -s`, with
# status "deinstall ok config-files".)
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = 'install ok installed' ]; }
for p in pcscd vsmartcard-vpcd libpcsclite-dev; do installed "$p" || packages+=("$p"); done
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages for the tests: ${packages[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    echo "missing Debian packages for the tests: ${packages[*]}" >&2
    echo "install them with: sudo apt-get install ${packages[*]}" >&2
    exit 1
  fi
fi

# The README's order (npm install && npm start, then npm test) installs node modules before
# these headers exist: npm then skips the optional smartcard binding (it cannot build without
# libpcsclite-dev), and the type check and the PC/SC tests need it. Now that the headers are
# here, let npm install what it skipped (the lockfile is unchanged; only the missing optional
# package is added and built).
cd "$(dirname "$0")/../.."
if [ -d node_modules ] && ! (cd kiosk && node -e "require.resolve('smartcard')") >/dev/null 2>&1; then
  echo "building the optional smartcard binding skipped by an earlier install (libpcsclite-dev is here now)" >&2
  npm install --no-audit --no-fund >/dev/null
fi
# Installed but not loadable (built before the library was there, or for another Node): rebuild the
# optional native modules in place. node-hid, usb and serialport ship prebuilt binaries and only
# need the Debian libraries installed above.
for m in smartcard; do
  if [ -d "node_modules/$m" ] && ! (cd kiosk && node -e "require('$m')") >/dev/null 2>&1; then
    echo "rebuilding the optional native module $m against the Debian packages now installed" >&2
    npm rebuild "$m" >/dev/null
  fi
done
