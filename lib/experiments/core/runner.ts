/**
 * Runs an experiment's units with a results cache, so a rerun or an interrupted sweep resumes:
 *   data/cache/units/<experiment>/<unit-hash>/{unit.json, result.json, …unit files}  (unit-cache.ts)
 * The hash covers the unit's key (resolved config slice + seed) and its code version.
 * A unit's result.json is written last (atomically), so a killed unit simply runs again.
 * Summaries go to data/results/<experiment>/<profile>/{summary.json, summary.csv, run.json}, with
 * a copy of every finished unit's result in `units/<unit-hash>.json.gz` there (shipped-units.ts). Those copies ship with
 * the repository (results, never checkpoints), so a clean clone reuses them as cached units: a unit
 * found there counts as done when every unit that depends on it is done too (an evaluation still
 * to run needs its model's checkpoint, which only the cache holds).
 *
 * runExperiment runs four phases: planRun (validate, plan, order, hash, choose the folders),
 * findDone (cache, then shipped results), executeUnits (run what is missing, sharing the work with
 * other processes through unit locks) and finishRun (summary, shipped copies, artifacts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Progress, formatDuration } from '../../runtime/progress';
import { currentBackend } from '../../runtime/backend';
import { gitCommit, provenance } from '../../runtime/provenance';
import { describeHolder, lockHolder } from '../../runtime/pid-lock';
import { hostName } from '../../runtime/process-identity';
import { unitInputs } from './unit-inputs';
import type { Profile } from '../../config/profile';
import type { Experiment, Json, Row, Unit } from './experiment';
import { forcedUnits } from './force-pattern';
import { chooseResultsFolder, defaultResultsDir, ResultsFolder } from './results-folder';
import { decideSummary, preflightResultsFolder } from './summary-guard';
import { clearUnitFolder, invalidResult } from './unit-validation';
import { claimUnit, defaultCacheDir, readMeta, readValidResult, releaseUnit, unitHash, UnitRecord, writeJsonAtomic } from './unit-cache';
import { readShippedUnit, shippedFile, shippedMeta, ShippedUnit, writeShippedUnit } from './shipped-units';
import { loadSummary, toCsv, writeSummary } from './summary-files';

export { claimUnit, defaultCacheDir, loadSummary, releaseUnit, toCsv, unitHash, writeSummary };
export type { UnitRecord };

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
  /** Each planned unit's `describe()` line, by id (units without one are absent); not written to any file. */
  descriptions: Record<string, string>;
  /** For units taken from shipped results: the summary folder whose `units/` held them, by id; not written to any file. */
  shippedFrom: Record<string, string>;
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

/** Phase 1: what this run is: its units in dependency order, their hashes and cache folders, and its results folder. */
export interface RunPlan<C> {
  exp: Experiment<C>;
  config: C;
  opts: RunOptions;
  seeds: number[];
  units: Unit[];
  forced: Set<string>;
  cacheRoot: string;
  folder: ResultsFolder;
  hashes: Map<string, string>;
  dirs: Record<string, string>;
  log: (s: string) => void;
}

export function planRun<C>(exp: Experiment<C>, config: C, opts: RunOptions): RunPlan<C> {
  const seeds = opts.seeds ?? exp.defaultSeeds(opts.profile);
  exp.validate?.(config, seeds);
  const units = topoSort(exp.plan(config, seeds));
  const cacheRoot = join(opts.cacheDir ?? defaultCacheDir(), exp.name);
  const hashes = new Map(units.map((u) => [u.id, unitHash(u)]));
  const dirs: Record<string, string> = {};
  for (const u of units) dirs[u.id] = join(cacheRoot, hashes.get(u.id)!);
  return {
    exp, config, opts, seeds, units, cacheRoot, hashes, dirs,
    forced: forcedUnits(units, opts.force),
    folder: chooseResultsFolder(exp, config, seeds, opts.profile, opts.outDir, opts.resultsRoot),
    log: (s: string) => {
      if (!opts.silent) process.stderr.write(s + '\n');
    },
  };
}

/** Phase 2: the results already there, from the cache or the shipped copies, and their cost. */
export interface DoneUnits {
  results: Record<string, Json>;
  /** Units taken from shipped copies, with the folder each came from. */
  shippedFrom: Map<string, string>;
  cachedCost: number;
  totalCost: number;
}

export function findDone<C>(plan: RunPlan<C>): DoneUnits {
  const { units, forced, hashes, dirs, folder, log } = plan;
  const results: Record<string, Json> = {};
  let cachedCost = 0;
  let totalCost = 0;
  for (const u of units) {
    totalCost += Math.round(u.cost);
    const r = forced.has(u.id) ? undefined : readValidResult(u, join(dirs[u.id], 'result.json'), log);
    if (r !== undefined) {
      results[u.id] = r;
      cachedCost += Math.round(u.cost);
    }
  }
  // Shipped unit results (<outDir>/units/<hash>.json.gz): dependents first, so a unit is taken only
  // when everything that needs it is done as well.
  const shippedFrom = new Map<string, string>();
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
    shippedFrom.set(u.id, found.from);
    cachedCost += Math.round(u.cost);
  }
  return { results, shippedFrom, cachedCost, totalCost };
}

/**
 * Phase 3: run the units still missing (all of them in order, or only `opts.only`), sharing the
 * work with other processes: a unit another process is computing (or one that needs such a unit)
 * is left for a later pass. After each unit this process finishes, a pass that left units for later
 * starts over from the top of the plan, so units freed meanwhile run in plan order (two processes
 * sharing a sweep both stay on its first scenario); when a pass runs nothing, this process waits
 * for those locks to go. Fills `done.results` and returns one record per unit, in plan order.
 */
export async function executeUnits<C>(plan: RunPlan<C>, done: DoneUnits, commit: string | null): Promise<UnitRecord[]> {
  const { units, opts, forced, hashes, dirs, log } = plan;
  const { results, shippedFrom } = done;
  const todo = new Set(units.filter((u) => results[u.id] === undefined).map((u) => u.id));
  const notDone = (u: Unit): UnitRecord => ({ id: u.id, hash: hashes.get(u.id)!, cached: false, seconds: null, done: false, commit: null, backend: null });
  const progress = new Progress({ label: `${plan.exp.name}`, total: done.totalCost, initial: done.cachedCost, unit: 'cost', silent: opts.silent || opts.dryRun, intervalMs: 10000 });
  const t0 = Date.now();
  const overBudget = () => opts.budgetS !== undefined && (Date.now() - t0) / 1000 >= opts.budgetS;
  let stopped = false;
  const inputs = opts.only !== undefined ? unitInputs(units, opts.only) : null;
  const byId = new Map<string, UnitRecord>();
  for (let pass = 0; ; pass++) {
    const busy = new Set<string>();
    let rescan = false;
    for (const u of units) {
      if (byId.get(u.id)?.done) continue;
      // found done before the run (cache or shipped copy): on every pass, since a pass that broke off to
      // look again from the top has not reached the units below it yet
      const cached = results[u.id] !== undefined && !todo.has(u.id);
      if (cached) {
        const from = shippedFrom.get(u.id);
        if (from !== undefined) byId.set(u.id, { id: u.id, hash: hashes.get(u.id)!, cached: true, shipped: true, done: true, ...shippedMeta(from, hashes.get(u.id)!) });
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
      if (overBudget()) {
        stopped = true;
        log(`[phylab] time budget of ${formatDuration(opts.budgetS!)} used: stopping before ${u.id}; rerun to resume`);
        byId.set(u.id, notDone(u));
        continue;
      }
      const rec = await runOneUnit(plan, u, results, progress, commit, pass);
      if (rec === 'busy') {
        busy.add(u.id);
        byId.set(u.id, notDone(u));
      } else {
        byId.set(u.id, rec);
        // units were left for later above this one: look again from the top (they may be free now)
        if (!rec.cached && busy.size > 0) {
          rescan = true;
          break;
        }
      }
    }
    if (rescan) continue;
    if (busy.size === 0 || stopped || opts.dryRun) break;
    // wait until one of the units held by another process is released, then pass again
    const held = units.filter((u) => busy.has(u.id) && !(u.deps ?? []).some((d) => busy.has(d)));
    const first = held.map((u) => lockHolder(join(dirs[u.id], 'lock'))).find((h) => h !== null);
    log(`[phylab] waiting for ${held.length} unit(s) computed by another process: ${held.map((u) => u.id).slice(0, 3).join(', ')}${held.length > 3 ? ', …' : ''}${first ? ` (lock ${first.file} held by ${describeHolder(first)})` : ''}`);
    while (held.every((u) => lockHolder(join(dirs[u.id], 'lock')) !== null)) {
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 10_000));
      if (overBudget()) break;
    }
    for (const u of held) {
      const r = readValidResult(u, join(dirs[u.id], 'result.json'), log);
      if (r !== undefined) {
        results[u.id] = r;
        byId.set(u.id, { id: u.id, hash: hashes.get(u.id)!, cached: true, done: true, ...readMeta(dirs[u.id]) });
      }
    }
    if (overBudget()) stopped = true;
  }
  progress.finish();
  return units.map((u) => byId.get(u.id)!);
}

/** Claim, run, validate and record one unit; 'busy' when another process holds it. */
async function runOneUnit<C>(plan: RunPlan<C>, u: Unit, results: Record<string, Json>, progress: Progress, commit: string | null, pass: number): Promise<UnitRecord | 'busy'> {
  const { forced, hashes, dirs, log } = plan;
  const dir = dirs[u.id];
  mkdirSync(dir, { recursive: true });
  if (!claimUnit(dir)) {
    const holder = lockHolder(join(dir, 'lock'));
    if (pass === 0) log(`[phylab] ${u.id} is being computed by another process${holder ? ` (${describeHolder(holder)}; lock ${holder.file})` : ''}: left for later`);
    return 'busy';
  }
  // another process may have finished it since the scan (its lock is gone): take its result, never recompute
  const late = forced.has(u.id) ? undefined : readValidResult(u, join(dir, 'result.json'), log);
  if (late !== undefined) {
    releaseUnit(dir);
    results[u.id] = late;
    return { id: u.id, hash: hashes.get(u.id)!, cached: true, done: true, ...readMeta(dir) };
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
  progress.tick(Math.round(u.cost), `done ${u.id} in ${formatDuration(seconds)}`);
  return { id: u.id, hash: hashes.get(u.id)!, cached: false, seconds, done: true, commit, backend };
}

/**
 * Phase 4: summary rows; unless a dry run or a single unit, the summary files (never replacing one
 * that covers more, leaving an up-to-date one byte-identical: summary-guard.ts), the shipped copies
 * of the finished units and the experiment's artifacts.
 */
export function finishRun<C>(plan: RunPlan<C>, done: DoneUnits, records: UnitRecord[], prevSummary: ReturnType<typeof preflightResultsFolder> | undefined): ExperimentResult {
  const { exp, config, opts, seeds, units, folder, log } = plan;
  const outDir = folder.dir;
  const rows = exp.summarize(config, seeds, done.results);
  const complete = records.every((r) => r.done);
  let summaryWritten = false;
  let summaryNote: string | null = null;
  if (!opts.dryRun && opts.only === undefined) {
    const finished = records.filter((r) => r.done);
    const decision = decideSummary(prevSummary, { done: finished, rows: rows.length, computed: finished.filter((r) => !r.cached).length }, !!opts.replaceSummary);
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
      if (rec.done && (!rec.shipped || done.shippedFrom.get(u.id) !== outDir)) writeShippedUnit(outDir, u, rec, done.results[u.id]);
    }
    if (decision.action === 'write') exp.exportArtifacts?.(config, seeds, done.results, outDir);
  }
  const descriptions: Record<string, string> = {};
  for (const u of units) if (u.describe) descriptions[u.id] = u.describe();
  return { name: exp.name, profile: opts.profile, seeds, config, rows, units: records, outDir, complete, summaryWritten, summaryNote, defaultFolder: folder.isDefault, descriptions, shippedFrom: Object.fromEntries(done.shippedFrom) };
}

export async function runExperiment<C>(exp: Experiment<C>, config: C, opts: RunOptions): Promise<ExperimentResult> {
  const plan = planRun(exp, config, opts);
  const { folder, log, units } = plan;
  // a corrupt run.json / summary.json or a folder that cannot be written stops the run before its first unit
  const prevSummary = opts.dryRun ? undefined : preflightResultsFolder(folder.dir);
  if (!folder.isDefault && opts.outDir === undefined) log(`[phylab] this run differs from the default ${exp.name} (${opts.profile}) run in ${folder.differs.join(', ')}: its results go to ${folder.dir} (the default folder ${defaultResultsDir(exp.name, opts.profile, opts.resultsRoot)} is left as it is)`);
  // the code this process runs: captured before any unit, so a later commit in the work tree is never recorded
  const commit = gitCommit();
  const done = findDone(plan);
  const todo = units.filter((u) => done.results[u.id] === undefined).length;
  const shipped = done.shippedFrom.size;
  log(`[phylab] ${exp.name} (${opts.profile}): ${units.length} units, ${units.length - todo} cached${shipped ? ` (${shipped} from the shipped results in ${[...new Set(done.shippedFrom.values())].join(', ')})` : ''}, ${todo} to run; cache ${plan.cacheRoot}`);
  const records = await executeUnits(plan, done, commit);
  return finishRun(plan, done, records, prevSummary);
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
