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

/**
 * Execute a notebook top to bottom. Errors are recorded in the executed copy (allow_errors) so
 * the first failing cell's message can be reported; tslab aborts the cells after it, so only the
 * first error is meaningful.
 */
export function executeNotebook(notebookPath: string, opts: ExecuteOptions = {}): NotebookRun {
  const jupyter = findJupyter();
  if (!jupyter) throw new Error(JUPYTER_INSTALL_HINT);
  const src = resolve(notebookPath);
  if (!existsSync(src)) throw new Error(`notebook not found: ${src}`);
  const outDir = resolve(opts.outDir ?? join(REPO_ROOT, 'data', 'runs', 'notebooks'));
  mkdirSync(outDir, { recursive: true });
  const t0 = Date.now();
  const r = spawnSync(
    jupyter,
    ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.allow_errors=True', `--ExecutePreprocessor.timeout=${opts.cellTimeoutS ?? 1200}`, '--ExecutePreprocessor.kernel_name=phylab', `--output-dir=${outDir}`, basename(src)],
    { cwd: dirname(src), env: jupyterEnv({ PHYLAB_PROFILE: opts.profile ?? 'smoke', PHYLAB_QUIET: '1', ...(opts.env ?? {}) }), stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = (Date.now() - t0) / 1000;
  const outPath = join(outDir, basename(src));
  const log = (r.stderr?.toString() ?? '').split('\n').slice(-40).join('\n');
  if (r.status !== 0 || !existsSync(outPath)) {
    const m = /CellExecutionError|Exception|Error/.test(log) ? log : `nbconvert exited with ${r.status}`;
    return { notebook: { cells: [] }, outPath, errors: [{ cell: -1, ename: 'ExecutionFailed', evalue: m }], seconds, log };
  }
  const notebook = JSON.parse(readFileSync(outPath, 'utf8')) as NotebookRun['notebook'];
  const errors: CellError[] = [];
  notebook.cells.forEach((c, i) => {
    for (const o of c.outputs ?? []) {
      if (o.output_type !== 'error') continue;
      // tslab puts compile errors in the traceback and leaves evalue empty
      const trace = Array.isArray(o.traceback) ? (o.traceback as string[]).join('\n').replace(/\x1b\[[0-9;]*m/g, '') : '';
      errors.push({ cell: i, ename: String(o.ename), evalue: String(o.evalue) || trace });
    }
  });
  return { notebook, outPath, errors, seconds, log };
}

/** All output mime types (and 'stream') a notebook produced, per cell. */
export function outputKinds(run: NotebookRun): string[][] {
  return run.notebook.cells.map((c) => (c.outputs ?? []).flatMap((o) => (o.output_type === 'stream' ? ['stream'] : Object.keys((o.data as object) ?? {}))));
}
