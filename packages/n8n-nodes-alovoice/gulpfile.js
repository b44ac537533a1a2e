// The same asset build as the OMI package's: gulp runs it in this folder, so it copies this package's icons, codex files and entry point.
module.exports = require('../../gulpfile.js');
