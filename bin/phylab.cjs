#!/usr/bin/env node
// phylab command-line entry: runs lib/cli/main.ts through tsx (no build step).
'use strict';
require('tsx/cjs');
const { main } = require('../lib/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`phylab: ${err && err.message ? err.message : err}\n`);
    process.exit(1);
  },
);
