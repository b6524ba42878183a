/**
 * Headless notebook execution through a real Jupyter client (nbconvert's ExecutePreprocessor,
 * i.e. nbclient) with the repo's tslab kernelspec `phylab` (jupyter/kernels/phylab).
 * Used by `phylab notebook` and by the notebook tests (profile `smoke`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { REPO_ROOT } from '../runtime/provenance';

/** Jupyter's command, or null when Jupyter (with nbconvert) is not installed. */
export function findJupyter(): string | null {
  const candidates = [process.env.PHYLAB_JUPYTER, '/usr/bin/jupyter', 'jupyter'].filter((c): c is string => !!c);
  for (const c of candidates) {
    const r = spawnSync(c, ['nbconvert', '--version'], { stdio: ['ignore', 'pipe', 'pipe'], env: jupyterEnv() });
    if (r.status === 0) return c;
  }
  return null;
}

export const JUPYTER_INSTALL_HINT =
  'Jupyter not found. Install JupyterLab your usual way (pip install jupyterlab), or on Debian/Ubuntu: ' +
  'sudo apt-get install jupyter-notebook jupyter-nbconvert; then run `npx phylab setup` to register the kernel.';

/** Environment for Jupyter processes: the repo's kernelspec first on JUPYTER_PATH. */
export function jupyterEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const path = [join(REPO_ROOT, 'jupyter'), process.env.JUPYTER_PATH].filter(Boolean).join(':');
  return { ...process.env, JUPYTER_PATH: path, PYDEVD_DISABLE_FILE_VALIDATION: '1', ...extra };
}

export interface CellError {
  cell: number;
  ename: string;
  evalue: string;
}

export interface NotebookRun {
  /** The executed notebook (nbformat JSON). */
  notebook: { cells: Array<{ cell_type: string; source: string | string[]; outputs?: Array<Record<string, unknown>>; execution_count?: number | null }> };
  /** Where the executed copy was written. */
  outPath: string;
  errors: CellError[];
  seconds: number;
  /** nbconvert's stderr tail when it failed. */
  log: string;
}

export interface ExecuteOptions {
  /** Profile passed to the notebook as PHYLAB_PROFILE. Default 'smoke'. */
  profile?: string;
  /** Folder for the executed copy. Default data/runs/notebooks. */
  outDir?: string;
  /** Per-cell timeout in seconds. Default 1200. */
  cellTimeoutS?: number;
  /** Extra environment for the kernel. */
  env?: Record<string, string>;
}

/** Python with nbclient: the interpreter next to the Jupyter command found. */
function findPython(jupyter: string): string {
  const r = spawnSync('head', ['-1', jupyter === 'jupyter' ? (spawnSync('which', ['jupyter']).stdout?.toString().trim() ?? '') : jupyter], { stdio: ['ignore', 'pipe', 'ignore'] });
  const shebang = r.stdout?.toString().trim() ?? '';
  const py = shebang.startsWith('#!') ? shebang.slice(2).trim().split(/\s+/)[0] : '';
  return process.env.PHYLAB_PYTHON ?? (py && existsSync(py) ? py : '/usr/bin/python3');
}

/**
 * Execute a notebook top to bottom through nbclient (lib/notebook/execute-notebook.py), stopping
 * at the first failing cell; its error (tslab's stderr text or compile errors) is reported.
 */
export function executeNotebook(notebookPath: string, opts: ExecuteOptions = {}): NotebookRun {
  const jupyter = findJupyter();
  if (!jupyter) throw new Error(JUPYTER_INSTALL_HINT);
  const src = resolve(notebookPath);
  if (!existsSync(src)) throw new Error(`notebook not found: ${src}`);
  const outDir = resolve(opts.outDir ?? join(REPO_ROOT, 'data', 'runs', 'notebooks'));
  mkdirSync(outDir, { recursive: true });
  const outPath = join(outDir, basename(src));
  const t0 = Date.now();
  const r = spawnSync(findPython(jupyter), [join(__dirname, 'execute-notebook.py'), src, outPath, 'phylab', String(opts.cellTimeoutS ?? 1200)], {
    cwd: dirname(src),
    env: jupyterEnv({ PHYLAB_PROFILE: opts.profile ?? 'smoke', PHYLAB_QUIET: '1', ...(opts.env ?? {}) }),
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (Date.now() - t0) / 1000;
  const log = (r.stderr?.toString() ?? '').split('\n').slice(-40).join('\n');
  const lastLine = (r.stdout?.toString() ?? '').trim().split('\n').pop() ?? '';
  let status: { ok: boolean; cell: number | null; ename: string; evalue: string; stderr: string } | null = null;
  try {
    status = JSON.parse(lastLine);
  } catch {
    status = null;
  }
  if (!status || !existsSync(outPath)) {
    return { notebook: { cells: [] }, outPath, errors: [{ cell: -1, ename: 'ExecutionFailed', evalue: `notebook execution failed (exit ${r.status})` }], seconds, log };
  }
  const notebook = JSON.parse(readFileSync(outPath, 'utf8')) as NotebookRun['notebook'];
  const errors: CellError[] = status.ok ? [] : [{ cell: status.cell ?? -1, ename: status.ename, evalue: [status.evalue, status.stderr].filter(Boolean).join('\n').replace(/\x1b\[[0-9;]*m/g, '').trim() }];
  return { notebook, outPath, errors, seconds, log };
}

/** All output mime types (and 'stream') a notebook produced, per cell. */
export function outputKinds(run: NotebookRun): string[][] {
  return run.notebook.cells.map((c) => (c.outputs ?? []).flatMap((o) => (o.output_type === 'stream' ? ['stream'] : Object.keys((o.data as object) ?? {}))));
}
