// Which phylab checkout a kernel started by Jupyter should run (used by bin/tslab-kernel.cjs).
// Jupyter starts a kernel in the notebook's folder. A kernelspec bound to one checkout (env
// PHYLAB_KERNEL_BOUND=1: `phylab-<hash>` and the repo-local jupyter/kernels/phylab) always runs
// its own checkout. The shared name `phylab` (what the notebooks' metadata asks for) runs the
// checkout the notebook is in, so a notebook never runs another checkout's lib/ and results;
// outside any checkout it falls back to the one that registered it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** The phylab checkout containing `dir` (a folder with phylab's package.json and bin/tslab-kernel.cjs), or null. */
function checkoutOf(dir) {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8'));
      if (pkg.name === 'phylab' && fs.existsSync(path.join(d, 'bin', 'tslab-kernel.cjs'))) return d;
    } catch {
      // no package.json here
    }
    if (path.dirname(d) === d) return null;
  }
}

/** The checkout to run: `own` when bound, else the notebook folder's checkout, else `own`. */
function kernelRoot(own, cwd, env) {
  if (env.PHYLAB_KERNEL_BOUND === '1') return own;
  return checkoutOf(cwd) || own;
}

module.exports = { checkoutOf, kernelRoot };
