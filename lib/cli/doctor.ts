/**
 * What this machine offers phylab: Node, Jupyter and the kernel, Chromium for figure export,
 * the TF.js backend, the PyTorch benchmark peer. Used by `phylab setup` and `phylab main`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findJupyter, JUPYTER_INSTALL_HINT, jupyterEnv } from '../notebook/jupyter';
import { registerKernels } from '../runtime/kernelspec';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Chromium for figure export: PHYLAB_CHROMIUM, then the usual Debian/Ubuntu paths. */
export function findChromium(): string | null {
  for (const p of [process.env.PHYLAB_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']) {
    if (p && existsSync(p)) return p;
  }
  return null;
}

/**
 * Register the Jupyter kernels of this checkout (lib/runtime/kernelspec.ts): `phylab` (runs the
 * checkout the notebook is in) and `phylab-<hash>` (always this checkout), warning when an older
 * registration pointed elsewhere. Returns a check line.
 */
export function registerKernel(): Check {
  const jupyter = findJupyter();
  if (!jupyter) return { name: 'jupyter kernel', ok: false, detail: JUPYTER_INSTALL_HINT };
  const r = registerKernels(jupyter, jupyterEnv());
  return { name: 'jupyter kernel', ok: r.ok, detail: r.detail };
}

export function checkPytorchPeer(): Check {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return r.status === 0
    ? { name: 'pytorch peer', ok: true, detail: `PyTorch ${r.stdout.toString().trim()} (benchmark reference)` }
    : { name: 'pytorch peer', ok: false, detail: 'PyTorch not found: apt-get install python3-torch libopenblas0-pthread (only `npm run bench` needs it)' };
}

export function checkChromium(): Check {
  const c = findChromium();
  return c
    ? { name: 'chromium', ok: true, detail: `${c} (figure export to SVG/PNG/PDF)` }
    : { name: 'chromium', ok: false, detail: 'no Chromium found: apt-get install chromium (or set PHYLAB_CHROMIUM=/path/to/chrome) to export figures' };
}

export function checkNode(): Check {
  const major = Number(process.versions.node.split('.')[0]);
  return { name: 'node', ok: major >= 20, detail: `Node ${process.version}${major >= 20 ? '' : ' (phylab needs Node ≥ 20)'}` };
}

export function formatChecks(checks: ReadonlyArray<Check>): string {
  return checks.map((c) => `  ${c.ok ? 'ok  ' : 'MISS'} ${c.name.padEnd(16)} ${c.detail}`).join('\n');
}
