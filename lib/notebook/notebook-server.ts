/**
 * Start a Jupyter server for a browser session: classic Notebook 6 (`python3 -m notebook`) or
 * phylab's JupyterLab 3.6 front end (jupyter/lab/app.py on a build from lab-build.ts), on
 * 127.0.0.1 without a token, with the repo's `phylab` kernelspec first on JUPYTER_PATH and its
 * own Jupyter data/config/runtime folders (so no notebook is trusted by an earlier signature and
 * no user config changes what it shows). Used by the browser notebook tests.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../runtime/provenance';
import { jupyterEnv } from './jupyter';
import { labBuildDir, labIsBuilt } from './lab-build';

export type FrontEnd = 'lab' | 'classic';
export const FRONT_ENDS: ReadonlyArray<FrontEnd> = ['lab', 'classic'];

export interface ServerOptions {
  /** Folder for the server's Jupyter data/config/runtime dirs and its log. Required. */
  stateDir: string;
  /** Environment for the server and its kernels (e.g. PHYLAB_PROFILE). */
  env?: Record<string, string>;
  /** Python with jupyter_server / notebook; default $PHYLAB_PYTHON or /usr/bin/python3. */
  python?: string;
  /** Seconds to wait for the server to answer; default 60. */
  startTimeoutS?: number;
}

export interface RunningServer {
  frontEnd: FrontEnd;
  /** Base URL, e.g. http://127.0.0.1:PORT/ */
  url: string;
  /** URL that opens a notebook (path relative to the repo root). */
  notebookUrl(path: string): string;
  log: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutS: number, log: string): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutS * 1000) {
    if (child.exitCode !== null) throw new Error(`Jupyter server exited (code ${child.exitCode}) before answering; log: ${log}`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`Jupyter server did not answer ${url} within ${timeoutS} s; log: ${log}`);
}

/** Start a server for `frontEnd` rooted at the repository; stop() ends it (and its kernels). */
export async function startNotebookServer(frontEnd: FrontEnd, opts: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const python = opts.python ?? process.env.PHYLAB_PYTHON ?? '/usr/bin/python3';
  const dirs = { data: join(opts.stateDir, 'data'), config: join(opts.stateDir, 'config'), runtime: join(opts.stateDir, 'runtime') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const log = join(opts.stateDir, `${frontEnd}-server.log`);
  const out = openSync(log, 'a');
  let args: string[];
  let path: string;
  if (frontEnd === 'classic') {
    args = ['-m', 'notebook', '--no-browser', `--port=${port}`, '--ip=127.0.0.1', '--allow-root', '--NotebookApp.token=', '--NotebookApp.password=', `--NotebookApp.notebook_dir=${REPO_ROOT}`];
    path = 'notebooks/';
  } else {
    if (!labIsBuilt()) throw new Error('JupyterLab front end not built: run `node bin/build-jupyterlab.cjs` (npm registry needed, ~2 min)');
    args = [
      join(REPO_ROOT, 'jupyter', 'lab', 'app.py'),
      `--build=${labBuildDir()}`,
      `--ServerApp.port=${port}`,
      '--ServerApp.ip=127.0.0.1',
      '--ServerApp.open_browser=False',
      '--ServerApp.allow_root=True',
      '--ServerApp.token=',
      '--ServerApp.password=',
      `--ServerApp.root_dir=${REPO_ROOT}`,
    ];
    path = 'lab/tree/';
  }
  const env = jupyterEnv({
    JUPYTER_DATA_DIR: dirs.data,
    JUPYTER_CONFIG_DIR: dirs.config,
    JUPYTER_RUNTIME_DIR: dirs.runtime,
    JUPYTER_NO_CONFIG: '1',
    ...(opts.env ?? {}),
  });
  const child = spawn(python, args, { cwd: REPO_ROOT, env, stdio: ['ignore', out, out], detached: true });
  const url = `http://127.0.0.1:${port}/`;
  const server: RunningServer = {
    frontEnd,
    url,
    notebookUrl: (p: string) => `${url}${frontEnd === 'classic' ? 'notebooks/' : 'lab/tree/'}${p.split('/').map(encodeURIComponent).join('/')}`,
    log,
    stop: async () => {
      if (child.exitCode !== null) return;
      // Shut the kernels down through the API first (they run in sessions of their own).
      try {
        const ks = (await (await fetch(`${url}api/kernels`)).json()) as Array<{ id: string }>;
        await Promise.all(ks.map((k) => fetch(`${url}api/kernels/${k.id}`, { method: 'DELETE' }).catch(() => undefined)));
      } catch {
        /* server already gone */
      }
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(-child.pid!, 'SIGTERM'); // the server's process group: its kernels too
      } catch {
        /* gone */
      }
      const t = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 5000);
      await done;
      clearTimeout(t);
    },
  };
  try {
    await waitForHttp(`${url}${path}`, child, opts.startTimeoutS ?? 60, log);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return server;
}
