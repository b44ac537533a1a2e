#!/usr/bin/env bash
# `npm run demo`: the package in a real n8n 2.x with the OMI sandbox, from a fresh clone.
# Installs what is missing (this repo's dev dependencies, then the n8n 2.x that
# e2e/n8n-2/package.json pins, with Node 24),
# builds the package, and hands over to scripts/demo.ts, which starts everything.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m▶ %s\033[0m\n' "$*"; }

if [[ ! -x node_modules/.bin/tsx ]]; then
	step "Installing this repository's dev dependencies (npm ci)"
	npm ci --no-audit --no-fund
fi

step "Installing n8n $(node -p "require('./e2e/n8n-2/package.json').dependencies.n8n") and Node 24 (first time only: a few minutes, npm's output follows)"
bash e2e/scripts/install-n8n.sh 2

step "Building the package"
npm run build --silent

exec node_modules/.bin/tsx scripts/demo.ts
