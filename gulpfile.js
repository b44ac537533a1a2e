// tsc only emits JavaScript. n8n also needs the files that the compiled nodes
// point at: the SVG icons (`file:../../icons/...`) and each node's codex JSON,
// at the same relative places inside dist/.
const { src, dest, parallel } = require('gulp');

function copyIcons() {
	return src('icons/*.svg').pipe(dest('dist/icons'));
}

function copyCodexFiles() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

exports['build:assets'] = parallel(copyIcons, copyCodexFiles);
