/**
 * Runs an experiment's units with a results cache, so a rerun or an interrupted sweep resumes:
 *   data/cache/units/<experiment>/<unit-hash>/{unit.json, result.json, …unit files}
 * The hash covers the unit's key (resolved config slice + seed) and its code version.
 * A unit's result.json is written last (atomically), so a killed unit simply runs again.
 * Summaries go to data/results/<experiment>/<profile>/{summary.json, summary.csv, run.json}, with
 * a copy of every finished unit's result in `units/<unit-hash>.json.gz` there (gzip-compressed JSON). Those copies ship with
 * the repository (results, never checkpoints), so a clean clone reuses them as cached units: a unit
 * found there counts as done when every unit that depends on it is done too (an evaluation still
 * to run needs its model's checkpoint, which only the cache holds).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { configHash } from '../../config/hash';
import { Progress, formatDuration } from '../../runtime/progress';
import { currentBackend } from '../../runtime/backend';
import { gitCommit, provenance, REPO_ROOT } from '../../runtime/provenance';
import { claimLock, describeHolder, lockHolder, releaseLock } from '../../runtime/pid-lock';
import { hostName } from '../../runtime/process-identity';
import { unitInputs } from './unit-inputs';
import type { Profile } from '../../config/profile';
import type { Experiment, Json, Row, Unit } from './experiment';
import { forcedUnits } from './force-pattern';
import { chooseResultsFolder, defaultResultsDir } from './results-folder';
import { decideSummary, preflightResultsFolder } from './summary-guard';
import { clearUnitFolder, invalidResult } from './unit-validation';

export interface RunOptions {
  profile: Profile;
  seeds?: number[];
  /**
   * Recompute units from scratch (their cache folder emptied first, so a train unit retrains): a
   * comma-separated list of unit id patterns with `*` wildcards (force-pattern.ts), or true for
   * every unit. Units depending on a forced one are recomputed too. Default none.
   */
  force?: boolean | string;
  /**
   * Summary folder. Default (results-folder.ts): data/results/<experiment>/<profile> for the
   * experiment's default config and seeds, else data/results/<experiment>/runs/<profile>-<config hash>.
   * The default folder is refused for any other config.
   */
  outDir?: string;
  /** Root of the default results folders (`<root>/<experiment>/<profile>`). Default data/results of the repository. */
  resultsRoot?: string;
  /** Replace the folder's summary even when it covers finished units or rows this run lacks. Default false. */
  replaceSummary?: boolean;
  /** Unit cache root. Default data/cache/units (PHYLAB_CACHE overrides). */
  cacheDir?: string;
  /** Only plan and report what is cached; run nothing. */
  dryRun?: boolean;
  /** Start no new unit once this many seconds have passed (the unit in progress finishes); 0 starts none: it only collects the cached units into the summary. */
  budgetS?: number;
  /** Train nothing: units whose id starts with `train/` run only when cached (evaluations of trained models still run, e.g. after a metric change). Default false. */
  noTrain?: boolean;
  /** Print nothing. */
  silent?: boolean;
  /** How often to look whether units held by another process are free, in ms. Default 10000. */
  pollMs?: number;
  /** Run only this unit (`phylab exp <name> --unit <id>`): the others are its inputs, taken from the cache (waited for while another process holds them), never computed; no summary is written. Default: every unit. */
  only?: string;
}

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

export interface ExperimentResult {
  name: string;
  profile: Profile;
  seeds: number[];
  config: unknown;
  rows: Row[];
  units: UnitRecord[];
  /** Folder with summary.json / summary.csv / run.json. */
  outDir: string;
  /** Whether every planned unit has a result. */
  complete: boolean;
  /** False when the summary in `outDir` was kept because it covers more finished units than this run, was already up to date, or on a dry run. */
  summaryWritten: boolean;
  /** Why the summary was not written (kept, or up to date); null when written or on a dry run. */
  summaryNote: string | null;
  /** Whether `outDir` is the experiment's default results folder for the profile. */
  defaultFolder: boolean;
}

export function defaultCacheDir(): string {
  return process.env.PHYLAB_CACHE ?? join(REPO_ROOT, 'data', 'cache', 'units');
}

export function unitHash(unit: Unit): string {
  return configHash({ key: unit.key, version: unit.version });
}

function readJson(file: string): Json | undefined {
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
function readValidResult(u: Unit, file: string, log: (s: string) => void): Json | undefined {
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

function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}

/** Order units so dependencies come first (stable otherwise). */
function topoSort(units: Unit[]): Unit[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  if (byId.size !== units.length) throw new Error('experiment plan has duplicate unit ids');
  const out: Unit[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (u: Unit) => {
    const s = state.get(u.id);
    if (s === 2) return;
    if (s === 1) throw new Error(`dependency cycle at unit ${u.id}`);
    state.set(u.id, 1);
    for (const d of u.deps ?? []) {
      const du = byId.get(d);
      if (!du) throw new Error(`unit ${u.id} depends on unknown unit ${d}`);
      visit(du);
    }
    state.set(u.id, 2);
    out.push(u);
  };
  units.forEach(visit);
  return out;
}

export async function runExperiment<C>(exp: Experiment<C>, config: C, opts: RunOptions): Promise<ExperimentResult> {
  const seeds = opts.seeds ?? exp.defaultSeeds(opts.profile);
  exp.validate?.(config, seeds);
  const units = topoSort(exp.plan(config, seeds));
  const forced = forcedUnits(units, opts.force);
  const cacheRoot = join(opts.cacheDir ?? defaultCacheDir(), exp.name);
  const folder = chooseResultsFolder(exp, config, seeds, opts.profile, opts.outDir, opts.resultsRoot);
  const outDir = folder.dir;
  const log = (s: string) => {
    if (!opts.silent) process.stderr.write(s + '\n');
  };
  // a corrupt run.json / summary.json or a folder that cannot be written stops the run before its first unit
  const prevSummary = opts.dryRun ? undefined : preflightResultsFolder(outDir);
  if (!folder.isDefault && opts.outDir === undefined) log(`[phylab] this run differs from the default ${exp.name} (${opts.profile}) run in ${folder.differs.join(', ')}: its results go to ${outDir} (the default folder ${defaultResultsDir(exp.name, opts.profile, opts.resultsRoot)} is left as it is)`);
  // the code this process runs: captured before any unit, so a later commit in the work tree is never recorded
  const commit = gitCommit();
  const results: Record<string, Json> = {};
  const dirs: Record<string, string> = {};
  const records: UnitRecord[] = [];
  const hashes = new Map(units.map((u) => [u.id, unitHash(u)]));
  const notDone = (u: Unit): UnitRecord => ({ id: u.id, hash: hashes.get(u.id)!, cached: false, seconds: null, done: false, commit: null, backend: null });

  // What is cached already?
  let cachedCost = 0;
  let totalCost = 0;
  for (const u of units) {
    const dir = join(cacheRoot, hashes.get(u.id)!);
    dirs[u.id] = dir;
    totalCost += Math.round(u.cost);
    const r = forced.has(u.id) ? undefined : readValidResult(u, join(dir, 'result.json'), log);
    if (r !== undefined) {
      results[u.id] = r;
      cachedCost += Math.round(u.cost);
    }
  }
  // Shipped unit results (<outDir>/units/<hash>.json.gz): dependents first, so a unit is taken only
  // when everything that needs it is done as well.
  const shipped = new Set<string>();
  const shippedFrom = new Map<string, string>();
  {
    const dependents = new Map<string, string[]>();
    for (const u of units) for (const d of u.deps ?? []) dependents.set(d, [...(dependents.get(d) ?? []), u.id]);
    for (const u of [...units].reverse()) {
      if (results[u.id] !== undefined || forced.has(u.id)) continue;
      if (!(dependents.get(u.id) ?? []).every((d) => results[d] !== undefined)) continue;
      let found: { s: ShippedUnit; from: string } | undefined;
      for (const from of folder.shippedDirs) {
        const s = readShippedUnit(from, hashes.get(u.id)!);
        if (s === undefined || s.id !== u.id) continue;
        const bad = invalidResult(u, s.result);
        if (bad) {
          log(`[phylab] ${shippedFile(from, hashes.get(u.id)!)} is not a valid result of ${u.id} (${bad}): not used; the unit runs again`);
          continue;
        }
        found = { s, from };
        break;
      }
      if (!found) continue;
      results[u.id] = found.s.result;
      shipped.add(u.id);
      shippedFrom.set(u.id, found.from);
      cachedCost += Math.round(u.cost);
    }
  }
  const todo = units.filter((u) => results[u.id] === undefined);
  log(`[phylab] ${exp.name} (${opts.profile}): ${units.length} units, ${units.length - todo.length} cached${shipped.size ? ` (${shipped.size} from the shipped results in ${[...new Set(shippedFrom.values())].join(', ')})` : ''}, ${todo.length} to run; cache ${cacheRoot}`);

  const progress = new Progress({ label: `${exp.name}`, total: totalCost, initial: cachedCost, unit: 'cost', silent: opts.silent || opts.dryRun, intervalMs: 10000 });
  const t0 = Date.now();
  let stopped = false;
  const inputs = opts.only !== undefined ? unitInputs(units, opts.only) : null;
  const byId = new Map<string, UnitRecord>();
  // Passes over the plan: a unit another process is computing (or one that needs such a unit) is
  // left for a later pass; between passes this process waits for those locks to go.
  for (let pass = 0; ; pass++) {
    const busy = new Set<string>();
    for (const u of units) {
      if (byId.get(u.id)?.done) continue;
      const cached = pass === 0 && results[u.id] !== undefined && !todo.includes(u);
      if (cached) {
        if (shipped.has(u.id)) byId.set(u.id, { id: u.id, hash: hashes.get(u.id)!, cached: true, shipped: true, done: true, ...shippedMeta(shippedFrom.get(u.id)!, hashes.get(u.id)!) });
        else byId.set(u.id, { id: u.id, hash: hashes.get(u.id)!, cached: true, done: true, ...readMeta(dirs[u.id]) });
        continue;
      }
      const depsMissing = (u.deps ?? []).filter((d) => results[d] === undefined);
      if (depsMissing.some((d) => busy.has(d))) busy.add(u.id);
      if (inputs !== null && u.id !== opts.only) {
        // --unit: another unit is only an input, waited for while another process computes it
        if (inputs.has(u.id) && !busy.has(u.id) && lockHolder(join(dirs[u.id], 'lock')) !== null) busy.add(u.id);
        byId.set(u.id, notDone(u));
        continue;
      }
      if (opts.dryRun || stopped || depsMissing.length > 0 || (opts.noTrain && u.id.startsWith('train/'))) {
        byId.set(u.id, notDone(u));
        continue;
      }
      if (opts.budgetS !== undefined && (Date.now() - t0) / 1000 >= opts.budgetS) {
        stopped = true;
        log(`[phylab] time budget of ${formatDuration(opts.budgetS)} used: stopping before ${u.id}; rerun to resume`);
        byId.set(u.id, notDone(u));
        continue;
      }
      const dir = dirs[u.id];
      mkdirSync(dir, { recursive: true });
      if (!claimUnit(dir)) {
        const holder = lockHolder(join(dir, 'lock'));
        if (pass === 0) log(`[phylab] ${u.id} is being computed by another process${holder ? ` (${describeHolder(holder)}; lock ${holder.file})` : ''}: left for later`);
        busy.add(u.id);
        byId.set(u.id, notDone(u));
        continue;
      }
      // another process may have finished it since the scan above (its lock is gone): take its result, never recompute
      const late = forced.has(u.id) ? undefined : readValidResult(u, join(dir, 'result.json'), log);
      if (late !== undefined) {
        releaseUnit(dir);
        results[u.id] = late as Json;
        byId.set(u.id, { id: u.id, hash: hashes.get(u.id)!, cached: true, done: true, ...readMeta(dir) });
        continue;
      }
      if (forced.has(u.id)) clearUnitFolder(dir); // from scratch: no checkpoint to resume, no old result
      writeJsonAtomic(join(dir, 'unit.json'), { id: u.id, key: u.key, version: u.version, deps: u.deps ?? [], started: new Date().toISOString() });
      progress.status(`running ${u.id}`);
      const deps: Record<string, Json> = {};
      const depDirs: Record<string, string> = {};
      for (const d of u.deps ?? []) {
        deps[d] = results[d];
        depDirs[d] = dirs[d];
      }
      const ts = Date.now();
      const backend = currentBackend()?.label ?? null;
      let result: Json;
      let seconds: number;
      try {
        result = await u.run({ dir, deps, depDirs, progress, force: forced.has(u.id) });
        seconds = (Date.now() - ts) / 1000; // the one figure meta.json, run.json and the shipped copy carry
        const bad = invalidResult(u, result);
        if (bad) throw new Error(`unit ${u.id} returned an invalid result (${bad}); nothing was recorded for it (its folder: ${dir})`);
        writeJsonAtomic(join(dir, 'result.json'), result);
        writeJsonAtomic(join(dir, 'meta.json'), { id: u.id, seconds, finished: new Date().toISOString(), commit, backend, host: hostName(), slurmJob: process.env.SLURM_JOB_ID ?? null });
      } finally {
        releaseUnit(dir);
      }
      results[u.id] = result;
      byId.set(u.id, { id: u.id, hash: hashes.get(u.id)!, cached: false, seconds, done: true, commit, backend });
      progress.tick(Math.round(u.cost), `done ${u.id} in ${formatDuration(seconds)}`);
    }
    if (busy.size === 0 || stopped || opts.dryRun) break;
    // wait until one of the units held by another process is released, then pass again
    const held = units.filter((u) => busy.has(u.id) && !(u.deps ?? []).some((d) => busy.has(d)));
    const first = held.map((u) => lockHolder(join(dirs[u.id], 'lock'))).find((h) => h !== null);
    log(`[phylab] waiting for ${held.length} unit(s) computed by another process: ${held.map((u) => u.id).slice(0, 3).join(', ')}${held.length > 3 ? ', …' : ''}${first ? ` (lock ${first.file} held by ${describeHolder(first)})` : ''}`);
    while (held.every((u) => lockHolder(join(dirs[u.id], 'lock')) !== null)) {
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 10_000));
      if (opts.budgetS !== undefined && (Date.now() - t0) / 1000 >= opts.budgetS) break;
    }
    for (const u of held) {
      const r = readValidResult(u, join(dirs[u.id], 'result.json'), log);
      if (r !== undefined) {
        results[u.id] = r;
        byId.set(u.id, { id: u.id, hash: hashes.get(u.id)!, cached: true, done: true, ...readMeta(dirs[u.id]) });
      }
    }
    if (opts.budgetS !== undefined && (Date.now() - t0) / 1000 >= opts.budgetS) stopped = true;
  }
  records.push(...units.map((u) => byId.get(u.id)!));
  progress.finish();

  const rows = exp.summarize(config, seeds, results);
  const complete = records.every((r) => r.done);
  let summaryWritten = false;
  let summaryNote: string | null = null;
  if (!opts.dryRun && opts.only === undefined) {
    // Never replace a summary that covers finished units or rows this run lacks (e.g. a shipped one whose unit
    // results predate units/) unless told to; leave an up-to-date one byte-identical (summary-guard.ts).
    const done = records.filter((r) => r.done);
    const decision = decideSummary(prevSummary, { done, rows: rows.length, computed: done.filter((r) => !r.cached).length }, !!opts.replaceSummary);
    if (decision.action === 'write') {
      writeSummary(outDir, rows, { experiment: exp.name, profile: opts.profile, seeds, complete, units: records, ...provenance(config) });
      summaryWritten = true;
    } else {
      summaryNote = decision.reason;
      log(`[phylab] ${outDir}: ${decision.reason}`);
    }
    for (const u of units) {
      const rec = records.find((r) => r.id === u.id)!;
      // a unit taken from the default folder's shipped results is copied into a non-default run's own folder
      if (rec.done && (!rec.shipped || shippedFrom.get(u.id) !== outDir)) writeShippedUnit(outDir, u, rec, results[u.id]);
    }
    if (decision.action === 'write') exp.exportArtifacts?.(config, seeds, results, outDir);
  }
  return { name: exp.name, profile: opts.profile, seeds, config, rows, units: records, outDir, complete, summaryWritten, summaryNote, defaultFolder: folder.isDefault };
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

/** Compute time, commit and backend of a finished unit, from its meta.json. */
function readMeta(dir: string): Pick<UnitRecord, 'seconds' | 'commit' | 'backend'> {
  const m = (readJson(join(dir, 'meta.json')) ?? {}) as { seconds?: unknown; commit?: unknown; backend?: unknown };
  const str = (x: unknown) => (typeof x === 'string' ? x : null);
  return { seconds: typeof m.seconds === 'number' ? m.seconds : null, commit: str(m.commit), backend: str(m.backend) };
}

/** A unit result as kept in a summary folder (`units/<hash>.json.gz`). */
interface ShippedUnit {
  id: string;
  version: string;
  key: Json;
  result: Json;
  meta: Pick<UnitRecord, 'seconds' | 'commit' | 'backend'>;
}

/** A shipped unit file: gzip-compressed JSON (the frames of example clips compress ≈ 10x). */
const shippedFile = (outDir: string, hash: string) => join(outDir, 'units', `${hash}.json.gz`);

function readShippedUnit(outDir: string, hash: string): ShippedUnit | undefined {
  const file = shippedFile(outDir, hash);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as ShippedUnit;
  } catch {
    throw new Error(`corrupt shipped result ${file}: delete it to recompute the unit`);
  }
}

function shippedMeta(outDir: string, hash: string): Pick<UnitRecord, 'seconds' | 'commit' | 'backend'> {
  const m = readShippedUnit(outDir, hash)?.meta ?? { seconds: null, commit: null, backend: null };
  return { seconds: m.seconds ?? null, commit: m.commit ?? null, backend: m.backend ?? null };
}

function writeShippedUnit(outDir: string, u: Unit, rec: UnitRecord, result: Json): void {
  mkdirSync(join(outDir, 'units'), { recursive: true });
  const value: ShippedUnit = { id: u.id, version: u.version, key: u.key, result, meta: { seconds: rec.seconds, commit: rec.commit, backend: rec.backend } };
  const file = shippedFile(outDir, rec.hash);
  const bytes = gzipSync(Buffer.from(JSON.stringify(value) + '\n', 'utf8'), { level: 9 }); // gzip header without a time stamp: same bytes each time
  if (existsSync(file) && readFileSync(file).equals(bytes)) return; // unchanged: keep the file as it is
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

/** Write summary.json, summary.csv and run.json. */
export function writeSummary(outDir: string, rows: Row[], run: Record<string, unknown>): void {
  mkdirSync(outDir, { recursive: true });
  writeJsonAtomic(join(outDir, 'summary.json'), rows);
  writeFileSync(join(outDir, 'summary.csv'), toCsv(rows));
  writeJsonAtomic(join(outDir, 'run.json'), run);
}

export function toCsv(rows: Row[]): string {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const esc = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => esc(r[c])).join(','))].join('\n') + '\n';
}

/** Load a shipped or computed summary (rows + run info), or null when absent. */
export function loadSummary(name: string, profile: Profile, outDir?: string): { rows: Row[]; run: Record<string, unknown> } | null {
  const dir = outDir ?? join(REPO_ROOT, 'data', 'results', name, profile);
  const rows = readJson(join(dir, 'summary.json'));
  const run = readJson(join(dir, 'run.json'));
  if (rows === undefined || run === undefined) return null;
  return { rows: rows as Row[], run: run as Record<string, unknown> };
}

/**
 * The results of an experiment's units, read only: each from the cache (`<cache>/<exp>/<hash>/result.json`)
 * or else from the shipped copies in the summary folder (`units/<hash>.json.gz`); units with neither are absent.
 * For notebooks that need more than the summary rows (e.g. per-video records).
 */
export function loadUnitResults<C>(exp: Experiment<C>, config: C, seeds: number[], opts: { profile: Profile; outDir?: string; cacheDir?: string; resultsRoot?: string }): Record<string, Json> {
  const folder = chooseResultsFolder(exp, config, seeds, opts.profile, opts.outDir, opts.resultsRoot);
  const cacheRoot = join(opts.cacheDir ?? defaultCacheDir(), exp.name);
  const out: Record<string, Json> = {};
  const quiet = () => undefined;
  for (const u of exp.plan(config, seeds)) {
    const hash = unitHash(u);
    let r = readValidResult(u, join(cacheRoot, hash, 'result.json'), quiet);
    for (const from of folder.shippedDirs) {
      if (r !== undefined) break;
      const s = readShippedUnit(from, hash);
      if (s !== undefined && s.id === u.id && invalidResult(u, s.result) === null) r = s.result;
    }
    if (r !== undefined) out[u.id] = r;
  }
  return out;
}
