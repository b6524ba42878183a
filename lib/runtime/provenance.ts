/** Provenance written next to every result: config, seed, backend, git commit, date. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { currentBackend } from './backend';

/** The repository root (the folder holding package.json of phylab). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

let commitCache: string | null = null;

/** Current git commit (short SHA, with '-dirty' when the work tree has changes), or 'unknown'. */
export function gitCommit(): string {
  if (commitCache !== null) return commitCache;
  try {
    const sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    commitCache = dirty ? `${sha}-dirty` : sha;
  } catch {
    commitCache = 'unknown';
  }
  return commitCache;
}

export interface Provenance {
  config: unknown;
  seed: number | null;
  backend: string | null;
  commit: string;
  date: string;
  node: string;
  argv: string[];
}

export function provenance(config: unknown, seed: number | null = null): Provenance {
  return {
    config,
    seed,
    backend: currentBackend()?.label ?? null,
    commit: gitCommit(),
    date: new Date().toISOString(),
    node: process.version,
    argv: process.argv.slice(2),
  };
}

/** Write `run.json` (resolved config, seed, backend, commit, date, argv) into `dir`. */
export function writeRunInfo(dir: string, config: unknown, seed: number | null = null, extra: Record<string, unknown> = {}): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'run.json');
  writeFileSync(file, JSON.stringify({ ...provenance(config, seed), ...extra }, null, 2) + '\n');
  return file;
}
