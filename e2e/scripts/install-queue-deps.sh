#!/usr/bin/env bash
# What the queue-mode reliability test needs from the machine: redis-server and
# PostgreSQL's initdb and postgres (Debian packages). Idempotent: installs only
# what is missing. The test starts its own redis-server and PostgreSQL on
# 127.0.0.1 and stops them; no system service is started or enabled here.
set -euo pipefail

# The harness (e2e/harness/queueMode.ts) runs the newest of these as the `postgres` user when run as root.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ] || [ ! -x "$pg_bin/postgres" ]; then
	missing+=(postgresql)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-queue-deps: missing ${missing[*]}; run as root or install them yourself" >&2
	exit 1
fi
# policy-rc.d 101 keeps the packages' maintainer scripts from starting their system services.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod +x "$policy"
	own_policy=1
fi
trap 'if [ "$own_policy" -eq 1 ]; then rm -f "$policy"; fi' EXIT
export DEBIAN_FRONTEND=noninteractive
echo "install-queue-deps: installing ${missing[*]}"
if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
fi
