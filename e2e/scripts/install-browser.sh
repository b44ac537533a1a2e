#!/usr/bin/env bash
# What the browser suite (e2e/tests/editor.e2e.ts) needs from the machine:
# Debian's Chromium at /usr/bin/chromium, which playwright-core drives.
# Idempotent: installs only when it is missing.
set -euo pipefail

[ -x /usr/bin/chromium ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-browser: /usr/bin/chromium is missing; run as root or install the Debian package chromium yourself" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-browser: installing chromium"
if ! apt-get install -y --no-install-recommends chromium fonts-liberation; then
	apt-get update
	apt-get install -y --no-install-recommends chromium fonts-liberation
fi
