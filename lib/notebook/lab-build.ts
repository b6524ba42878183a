/**
 * phylab's JupyterLab 3.6 front end (jupyter/lab/): built once from npm into
 * node_modules/.cache/phylab-jupyterlab/<key>/ (key: SHA-256 of the sources and the lockfile),
 * then reused. Needs only the npm registry (no pip, no internet beyond it). Served by
 * jupyter/lab/app.py on Debian's jupyter_server 1.x + jupyterlab_server 2.x.
 * Measured here (2 vCPUs shared): npm ci ≈ 1 min, webpack ≈ 15–40 s, ≈ 40 MB.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../runtime/provenance';

/** The sources copied into the build folder (all in jupyter/lab/). */
export const LAB_SOURCES: ReadonlyArray<string> = ['package.json', 'package-lock.json', 'index.js', 'webpack.config.js'];
export const LAB_SRC_DIR = join(REPO_ROOT, 'jupyter', 'lab');
export const LAB_CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'phylab-jupyterlab');

/** Content key of the front end: first 16 hex digits of the SHA-256 over LAB_SOURCES. */
export function labBuildKey(srcDir = LAB_SRC_DIR): string {
  const h = createHash('sha256');
  for (const f of LAB_SOURCES) h.update(f).update('\0').update(readFileSync(join(srcDir, f))).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** Folder holding the built static files (bundle.js, schemas/, themes/) for the current sources. */
export function labBuildDir(): string {
  return join(LAB_CACHE_DIR, labBuildKey(), 'build');
}

/** True when the current sources are built (bundle.js and the done-stamp exist). */
export function labIsBuilt(): boolean {
  const dir = join(LAB_CACHE_DIR, labBuildKey());
  return existsSync(join(dir, 'build', 'bundle.js')) && existsSync(join(dir, 'phylab-build.json'));
}

export interface LabBuildResult {
  dir: string;
  cached: boolean;
  seconds: { install: number; webpack: number };
}

function run(cmd: string, args: string[], cwd: string, what: string, log: (s: string) => void): number {
  const t0 = Date.now();
  log(`[phylab lab] ${what}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) {
    const tail = `${r.stdout?.toString() ?? ''}\n${r.stderr?.toString() ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`JupyterLab front end: ${what} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}) in ${cwd}:\n${tail}`);
  }
  return (Date.now() - t0) / 1000;
}

/**
 * Build the front end unless the current sources are already built. `force` rebuilds. Older
 * builds in the cache are removed after a successful build.
 */
export function buildLab(opts: { force?: boolean; log?: (s: string) => void } = {}): LabBuildResult {
  const log = opts.log ?? ((s: string) => process.stderr.write(s + '\n'));
  const key = labBuildKey();
  const final = join(LAB_CACHE_DIR, key);
  if (!opts.force && labIsBuilt()) return { dir: join(final, 'build'), cached: true, seconds: { install: 0, webpack: 0 } };
  const work = join(LAB_CACHE_DIR, `${key}.tmp-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const f of LAB_SOURCES) copyFileSync(join(LAB_SRC_DIR, f), join(work, f));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = run(npm, ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], work, 'npm ci (pinned @jupyterlab/* 3.6.8)', log);
  const webpack = run(process.execPath, [join(work, 'node_modules', 'webpack-cli', 'bin', 'cli.js'), '--config', 'webpack.config.js'], work, 'webpack', log);
  if (!existsSync(join(work, 'build', 'bundle.js'))) throw new Error(`JupyterLab front end: webpack wrote no build/bundle.js in ${work}`);
  writeFileSync(join(work, 'phylab-build.json'), JSON.stringify({ key, date: new Date().toISOString(), node: process.version, seconds: { install, webpack } }, null, 2) + '\n');
  rmSync(final, { recursive: true, force: true });
  renameSync(work, final);
  for (const d of readdirSync(LAB_CACHE_DIR)) if (d !== key && !d.includes('.tmp-')) rmSync(join(LAB_CACHE_DIR, d), { recursive: true, force: true });
  log(`[phylab lab] built in ${(install + webpack).toFixed(0)} s (npm ci ${install.toFixed(0)} s, webpack ${webpack.toFixed(0)} s): ${join(final, 'build')}`);
  return { dir: join(final, 'build'), cached: false, seconds: { install, webpack } };
}
