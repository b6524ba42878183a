/**
 * The unit cache: data/cache/units/<experiment>/<unit-hash>/{unit.json, result.json, meta.json, lock, …unit files}.
 * The hash covers the unit's key (resolved config slice + seed) and its code version.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configHash } from '../../config/hash';
import { REPO_ROOT } from '../../runtime/provenance';
import { claimLock, releaseLock } from '../../runtime/pid-lock';
import type { Json, Unit } from './experiment';
import { invalidResult } from './unit-validation';

/** What the runner records of one unit of a run (run.json `units`). */
export interface UnitRecord {
  id: string;
  hash: string;
  cached: boolean;
  /** Taken from the summary folder's `units/` (shipped results) rather than the cache. */
  shipped?: boolean;
  seconds: number | null;
  done: boolean;
  /** Commit of the code that computed the unit (from its meta.json; null when not done or not recorded). */
  commit: string | null;
  /** TF.js backend label of the process that computed it (null when not recorded: units finished before it was). */
  backend: string | null;
}

export type UnitMeta = Pick<UnitRecord, 'seconds' | 'commit' | 'backend'>;

export function defaultCacheDir(): string {
  return process.env.PHYLAB_CACHE ?? join(REPO_ROOT, 'data', 'cache', 'units');
}

export function unitHash(unit: Unit): string {
  return configHash({ key: unit.key, version: unit.version });
}

export function readJson(file: string): Json | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}): delete it (or rerun with --force=<unit id>) to recompute`);
  }
}

/**
 * A unit's cached result when it is there, parses and fits the unit's schema; otherwise undefined,
 * saying why when a file is there but unusable (the unit then runs again).
 */
export function readValidResult(u: Unit, file: string, log: (s: string) => void): Json | undefined {
  if (!existsSync(file)) return undefined;
  let r: Json;
  try {
    r = JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (e) {
    log(`[phylab] ${file} is not valid JSON (${(e as Error).message}): unit ${u.id} runs again`);
    return undefined;
  }
  const bad = invalidResult(u, r);
  if (bad) {
    log(`[phylab] ${file} is not a valid result of ${u.id} (${bad}): the unit runs again`);
    return undefined;
  }
  return r;
}

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}

/** Compute time, commit and backend of a finished unit, from its meta.json. */
export function readMeta(dir: string): UnitMeta {
  const m = (readJson(join(dir, 'meta.json')) ?? {}) as { seconds?: unknown; commit?: unknown; backend?: unknown };
  const str = (x: unknown) => (typeof x === 'string' ? x : null);
  return { seconds: typeof m.seconds === 'number' ? m.seconds : null, commit: str(m.commit), backend: str(m.backend) };
}

/**
 * Claim a unit for this process: `<dir>/lock` holds the owner's pid (lib/runtime/pid-lock.ts).
 * Returns false when another live process is running the unit, so two sweeps (e.g. one per core)
 * never train the same model twice.
 */
export function claimUnit(dir: string): boolean {
  return claimLock(join(dir, 'lock'));
}

export function releaseUnit(dir: string): void {
  releaseLock(join(dir, 'lock'));
}
