#!/usr/bin/env node
// Makes a wrapper's package-lock.json usable by `npm ci` when some optional,
// platform-specific packages cannot be fetched from the npm registry the lock
// is made against (for example @msgpackr-extract/msgpackr-extract-darwin-arm64).
//
// `npm install` silently drops an optional dependency it cannot fetch, so the
// lock it writes has no entry for it, and `npm ci` then refuses the lock
// ("Missing: <name>@ from lock file"). For each such optional dependency this
// adds an entry with the version and the os/cpu read from the package name,
// so `npm ci` on Linux x64 skips it as a package for another platform.
//
//   node e2e/scripts/stub-missing-optional.js e2e/n8n-2/package-lock.json
//
// Re-run it after regenerating a lock with
//   npm install --legacy-peer-deps --ignore-scripts --package-lock-only
'use strict';

const fs = require('fs');

const OSES = ['darwin', 'win32', 'linux', 'freebsd', 'openbsd', 'netbsd', 'android', 'sunos', 'aix'];
const CPUS = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'];

function platformOf(name) {
	const tokens = name.split('/').pop().split(/[-_.]/);
	const os = OSES.find((o) => tokens.includes(o));
	const cpu = CPUS.find((c) => tokens.includes(c));
	return os && cpu ? { os, cpu } : undefined;
}

function resolvesFrom(packages, fromPath, name) {
	// Node's lookup: nested node_modules first, then each ancestor, then the root.
	let dir = fromPath;
	for (;;) {
		const candidate = (dir ? `${dir}/` : '') + `node_modules/${name}`;
		if (packages[candidate]) return true;
		if (!dir) return false;
		const idx = dir.lastIndexOf('/node_modules/');
		dir = idx === -1 ? '' : dir.slice(0, idx);
	}
}

const file = process.argv[2];
if (!file) {
	console.error('usage: stub-missing-optional.js <package-lock.json>');
	process.exit(2);
}
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;
const added = [];
for (const [path, meta] of Object.entries(packages)) {
	for (const [name, spec] of Object.entries(meta.optionalDependencies ?? {})) {
		if (resolvesFrom(packages, path, name)) continue;
		const platform = platformOf(name);
		if (!platform) {
			console.error(`cannot tell the platform of missing optional ${name}@${spec} (needed by ${path || 'root'})`);
			process.exit(1);
		}
		if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) {
			console.error(`missing optional ${name}@${spec} is not pinned to one version; stub it by hand`);
			process.exit(1);
		}
		const key = `node_modules/${name}`;
		if (packages[key]) continue;
		packages[key] = {
			version: spec,
			cpu: [platform.cpu],
			license: 'MIT',
			optional: true,
			os: [platform.os],
		};
		added.push(`${name}@${spec} (${platform.os}/${platform.cpu})`);
	}
}
if (added.length) {
	lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en'))));
	fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
}
console.log(`${file}: stubbed ${added.length} missing optional package(s)${added.length ? ':\n  ' + added.join('\n  ') : ''}`);
