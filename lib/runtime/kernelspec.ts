/**
 * The Jupyter kernelspecs `phylab setup` registers (user level), bound to this checkout so two
 * checkouts on one machine never run each other's lib/ and results:
 *  - `phylab-<hash of this checkout's path>` ("phylab (TypeScript, <checkout>)"): always this
 *    checkout (env PHYLAB_KERNEL_BOUND=1);
 *  - `phylab`, the name the notebooks' metadata asks for: runs the checkout the notebook is in
 *    (bin/kernel-root.cjs), falling back to the one that registered it.
 * Registering warns when the existing `phylab` (or this hash's) registration pointed at another
 * checkout.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { REPO_ROOT } from './provenance';

/** `phylab-` + 8 hex digits of this checkout's real path. */
export function boundKernelName(root = REPO_ROOT): string {
  let real = root;
  try {
    real = realpathSync(root);
  } catch {
    // keep the path as given
  }
  return `phylab-${createHash('sha256').update(real).digest('hex').slice(0, 8)}`;
}

/** The kernel.json of a kernelspec launching `root`'s bin/tslab-kernel.cjs (bound: always that checkout). */
export function kernelJson(root: string, bound: boolean): Record<string, unknown> {
  return {
    argv: [process.execPath, join(root, 'bin', 'tslab-kernel.cjs'), '--config-path', '{connection_file}'],
    display_name: bound ? `phylab (TypeScript, ${root})` : 'phylab (TypeScript)',
    language: 'typescript',
    ...(bound ? { env: { PHYLAB_KERNEL_BOUND: '1' } } : {}),
  };
}

/** The checkout an installed kernelspec launches (from its kernel.json argv), or null when it is not a phylab one. */
export function checkoutOfKernelJson(file: string): string | null {
  try {
    const k = JSON.parse(readFileSync(file, 'utf8')) as { argv?: unknown };
    const launcher = Array.isArray(k.argv) ? k.argv.find((a): a is string => typeof a === 'string' && a.endsWith(join('bin', 'tslab-kernel.cjs'))) : undefined;
    return launcher ? resolve(dirname(launcher), '..') : null;
  } catch {
    return null;
  }
}

/** Jupyter's user data folder (where `kernelspec install --user` puts kernels), or null. */
export function jupyterDataDir(jupyter: string, env: NodeJS.ProcessEnv): string | null {
  const r = spawnSync(jupyter, ['--data-dir'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return r.status === 0 ? r.stdout.toString().trim() || null : null;
}

export interface KernelRegistration {
  ok: boolean;
  /** Names installed. */
  names: string[];
  /** Warnings: earlier registrations that pointed at another checkout. */
  warnings: string[];
  detail: string;
}

/** Install both kernelspecs for `root` with `jupyter kernelspec install --user` (env: Jupyter's environment). */
export function registerKernels(jupyter: string, env: NodeJS.ProcessEnv, root = REPO_ROOT): KernelRegistration {
  const bound = boundKernelName(root);
  const data = jupyterDataDir(jupyter, env);
  const warnings: string[] = [];
  for (const name of ['phylab', bound]) {
    const file = data ? join(data, 'kernels', name, 'kernel.json') : null;
    if (!file || !existsSync(file)) continue;
    const other = checkoutOfKernelJson(file);
    if (other && resolve(other) !== resolve(root)) {
      warnings.push(name === 'phylab'
        ? `the kernel 'phylab' was registered from ${other}; it is now registered from ${root} and runs the checkout each notebook is in`
        : `the kernel '${name}' pointed at ${other}; now at ${root}`);
    }
  }
  const tmp = mkdtempSync(join(tmpdir(), 'phylab-kernel-'));
  try {
    for (const [name, isBound] of [['phylab', false], [bound, true]] as const) {
      const spec = join(tmp, name);
      mkdirSync(spec);
      writeFileSync(join(spec, 'kernel.json'), JSON.stringify(kernelJson(root, isBound), null, 2) + '\n');
      const r = spawnSync(jupyter, ['kernelspec', 'install', '--user', '--replace', '--name', name, spec], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      if (r.status !== 0) return { ok: false, names: [], warnings, detail: `jupyter kernelspec install ${name} failed: ${r.stderr.toString().trim().split('\n').pop()}` };
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const detail = `kernels 'phylab' (the notebook's checkout) and '${bound}' (always ${root}) registered with ${jupyter}${warnings.length ? `; WARNING: ${warnings.join('; ')}` : ''}`;
  return { ok: true, names: ['phylab', bound], warnings, detail };
}
