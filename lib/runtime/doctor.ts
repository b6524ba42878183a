/**
 * What this machine offers phylab: Node, Jupyter and the kernel, Chromium for figure export,
 * the TF.js backend, the PyTorch benchmark peer. Used by `phylab setup` and `phylab main`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findJupyter, JUPYTER_INSTALL_HINT, jupyterEnv } from '../notebook/jupyter';
import { REPO_ROOT } from './provenance';

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
 * Register the `phylab` kernel (tslab started from this repo's root) with the user's Jupyter,
 * so JupyterLab / Notebook started anywhere offer it. Returns a check line.
 */
export function registerKernel(): Check {
  const jupyter = findJupyter();
  if (!jupyter) return { name: 'jupyter kernel', ok: false, detail: JUPYTER_INSTALL_HINT };
  const dir = mkdtempSync(join(tmpdir(), 'phylab-kernel-'));
  const spec = join(dir, 'phylab');
  try {
    require('node:fs').mkdirSync(spec);
    writeFileSync(
      join(spec, 'kernel.json'),
      JSON.stringify({ argv: [process.execPath, join(REPO_ROOT, 'bin', 'tslab-kernel.cjs'), '--config-path', '{connection_file}'], display_name: 'phylab (TypeScript)', language: 'typescript' }, null, 2),
    );
    const r = spawnSync(jupyter, ['kernelspec', 'install', '--user', '--replace', '--name', 'phylab', spec], { env: jupyterEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) return { name: 'jupyter kernel', ok: false, detail: `jupyter kernelspec install failed: ${r.stderr.toString().trim().split('\n').pop()}` };
    return { name: 'jupyter kernel', ok: true, detail: `kernel 'phylab' registered with ${jupyter} (check: jupyter kernelspec list)` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
