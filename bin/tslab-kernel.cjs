#!/usr/bin/env node
// Starts the tslab TypeScript kernel from the repository root, whatever folder the notebook is in.
// tslab roots TypeScript at the kernel's working directory (yunabe/tslab#63), so starting it here lets
// notebooks in notebooks/ import the library as './lib/...'.
// Used by jupyter/kernels/phylab/kernel.json and by the kernelspecs `phylab setup` installs. Which
// checkout it runs: bin/kernel-root.cjs (a bound kernelspec: its own; the shared `phylab`: the
// checkout the notebook is in).
'use strict';
const path = require('node:path');
const { kernelRoot } = require('./kernel-root.cjs');
const own = path.resolve(__dirname, '..');
const root = kernelRoot(own, process.cwd(), process.env);
if (root !== own) process.stderr.write(`[phylab kernel] the notebook is in the checkout ${root}: running its lib/ (kernel registered from ${own})\n`);
process.chdir(root);
const args = process.argv.slice(2);
process.argv = [process.argv[0], path.join(root, 'node_modules', 'tslab', 'bin', 'tslab'), 'kernel', ...args];
require(path.join(root, 'node_modules', 'tslab', 'dist', 'main.js')).main();
