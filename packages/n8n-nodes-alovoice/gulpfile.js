// tsc only emits the TypeScript sources. The package also needs, at the same
// relative places inside dist/: the SVG icons the nodes point at
// (`file:../../icons/...`), each node's codex JSON, and the package entry point
// (only dist/ is published).
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src('icons/*.svg').pipe(dest('dist/icons'));
}

function copyCodexFiles() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

function copyEntryPoint() {
	return src('index.js').pipe(dest('dist'));
}

exports['build:assets'] = parallel(copyIcons, copyCodexFiles, copyEntryPoint);
