#!/usr/bin/env node
// `npm test`: every mocha test: unit tests mirroring lib/ first, then the notebooks executed headless
// through Jupyter in the smoke profile. Ends with one plain line "tests: N passed, N failed, N skipped".
// Usage: npm test [-- --grep PATTERN] [--unit-only] [--notebooks-only] [--browser] [--browser-only]
// The browser tests (test/browser/: notebooks in JupyterLab and classic Notebook through Chromium, a few
// minutes) run only with --browser or --browser-only (`npm run test:browser`).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const args = process.argv.slice(2);
if (args.includes('--help')) {
  console.log('Usage: npm test [-- --grep PATTERN] [--unit-only] [--notebooks-only] [--browser] [--browser-only]\nRuns test/**/*.test.ts with mocha + tsx; notebook tests (test/notebooks/) run last.\nBrowser notebook tests (test/browser/) only with --browser (after the rest) or --browser-only (npm run test:browser).');
  process.exit(0);
}
const root = path.resolve(__dirname, '..');

function walk(dir) {
  const out = [];
  for (const f of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isDirectory()) out.push(...walk(p));
    else if (f.endsWith('.test.ts')) out.push(path.relative(root, p));
  }
  return out;
}
const files = walk(path.join(root, 'test'));
const isNotebook = (f) => f.startsWith(`test${path.sep}notebooks${path.sep}`);
const isBrowser = (f) => f.startsWith(`test${path.sep}browser${path.sep}`);
let selected = files.filter((f) => !isNotebook(f) && !isBrowser(f)).concat(files.filter(isNotebook));
if (args.includes('--browser')) selected = selected.concat(files.filter(isBrowser));
if (args.includes('--browser-only')) selected = files.filter(isBrowser);
if (args.includes('--unit-only')) selected = selected.filter((f) => !isNotebook(f));
if (args.includes('--notebooks-only')) selected = selected.filter(isNotebook);

const mochaBin = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const extra = [];
const g = args.indexOf('--grep');
if (g >= 0) extra.push('--grep', args[g + 1]);
const r = spawnSync(process.execPath, [mochaBin, '--import=tsx', '--timeout', '300000', '--exit', '--reporter', path.join(__dirname, 'summary-reporter.cjs'), ...extra, ...selected], { cwd: root, stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
