#!/usr/bin/env node
// Build (or find cached) phylab's JupyterLab 3.6 front end: jupyter/lab/ → node_modules/.cache/phylab-jupyterlab/<key>/build.
// Usage: node bin/build-jupyterlab.cjs [--force] [--print-path]
'use strict';
require('tsx/cjs');
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log('Usage: node bin/build-jupyterlab.cjs [--force] [--print-path]\n' +
    'Builds the pinned JupyterLab 3.6.8 front end of jupyter/lab/ from npm (npm ci + webpack, about 1-2 min) into\n' +
    'node_modules/.cache/phylab-jupyterlab/<key>/build, or reuses it when the sources are unchanged.\n' +
    '--force rebuilds; --print-path prints only the build folder. Serve it with jupyter/lab/app.py --build=DIR.');
  process.exit(0);
}
const unknown = args.filter((a) => !['--force', '--print-path'].includes(a));
if (unknown.length) { console.error(`build-jupyterlab: unknown option ${unknown.join(' ')} (allowed: --force, --print-path, --help)`); process.exit(2); }
const { buildLab } = require('../lib/notebook/lab-build.ts');
try {
  const r = buildLab({ force: args.includes('--force') });
  console.log(args.includes('--print-path') ? r.dir : `${r.cached ? 'cached' : 'built'}: ${r.dir}`);
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
