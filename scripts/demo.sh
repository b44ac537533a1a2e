#!/usr/bin/env bash
# `npm run demo`: the package in a real n8n 2.x with the OMI sandbox, from a fresh clone.
# Installs what is missing (this repo's dev dependencies, then the n8n 2.x that
# e2e/n8n-2/package.json pins, with Node 24),
# builds the package, and hands over to scripts/demo.ts, which starts everything.
# What the installs and the build print goes to a log file; the terminal shows
# progress, and the log's path.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m▶ %s\033[0m\n' "$*"; }

log_file="$PWD/e2e/.runtime/demo-setup.log"
mkdir -p "$(dirname "$log_file")"
: >"$log_file"

# Runs a command with its output in the log; prints the lines matching $2 (progress; empty: none)
# as they come, and the log's tail if it fails.
logged() {
	local what="$1" progress="$2"
	shift 2
	set +e
	if [[ -n "$progress" ]]; then
		"$@" 2>&1 | tee -a "$log_file" | { grep --line-buffered -E "$progress" || true; }
	else
		"$@" >>"$log_file" 2>&1
	fi
	local status=${PIPESTATUS[0]}
	set -e
	if [[ $status -ne 0 ]]; then
		printf '\n\033[31m%s failed (exit %s). The last lines of %s:\033[0m\n' "$what" "$status" "$log_file" >&2
		tail -n 30 "$log_file" >&2
		exit "$status"
	fi
}

first_time=0
if [[ ! -x node_modules/.bin/tsx ]]; then
	first_time=1
	step "Installing this repository's dev dependencies (npm ci; first time only)"
	echo "  npm's output goes to $log_file; its 'EBADENGINE' warnings are expected."
	logged "npm ci" '^added [0-9]+ packages' npm ci --no-audit --no-fund
fi

n8n_version="$(node -p "require('./e2e/n8n-2/package.json').dependencies.n8n")"
if ! bash e2e/scripts/install-n8n.sh check 2; then
	first_time=1
	step "Installing n8n $n8n_version and Node 24 (first time only: a few minutes)"
	echo "  npm's output goes to $log_file; its 'EBADENGINE' and deprecation warnings are expected."
	logged "Installing n8n $n8n_version" '^\[install-n8n\] ([0-9]+ of about|installing|npm ci for|rebuilding|n8n .* ready)' \
		bash e2e/scripts/install-n8n.sh 2
fi

step "Building the package"
logged "The build" '' npm run build --silent
[[ $first_time -eq 1 ]] && echo "  Setup done; everything it printed is in $log_file."

# scripts/demo.ts stops everything when this process is gone: npm forwards a signal to its shell,
# which dies without passing it on, so a signal to `npm run demo` alone would leave n8n running.
if [[ -n "${npm_lifecycle_event:-}" ]]; then
	DEMO_WATCH_PID="$(ps -o ppid= -p "$PPID" | tr -d ' ')"
else
	DEMO_WATCH_PID="$PPID"
fi
export DEMO_WATCH_PID
exec node_modules/.bin/tsx scripts/demo.ts
