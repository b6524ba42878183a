#!/usr/bin/env node
// Starts the tslab TypeScript kernel from the repository root, whatever folder the notebook is in.
// tslab roots TypeScript at the kernel's working directory (yunabe/tslab#63), so starting it here lets
// notebooks in notebooks/ import the library as './lib/...'.
// Used by jupyter/kernels/phylab/kernel.json and by the kernelspec `phylab setup` installs.
'use strict';
const path = require('node:path');
const root = path.resolve(__dirname, '..');
process.chdir(root);
const args = process.argv.slice(2);
process.argv = [process.argv[0], path.join(root, 'node_modules', 'tslab', 'bin', 'tslab'), 'kernel', ...args];
require(path.join(root, 'node_modules', 'tslab', 'dist', 'main.js')).main();
