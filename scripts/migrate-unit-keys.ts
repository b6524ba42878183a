/**
 * One-time migrations of unit keys to resolved values (issue #16 item 2). Unit keys hold
 *   - every dataset config resolved (lib/data/dataset-config.ts resolvedDatasetConfig: ranges from
 *     lib/data/ranges.ts, frame stride, sampling, timing written out; first migration);
 *   - every DiT train config resolved (lib/train/train-config.ts resolvedTrainConfig: the optional
 *     recipe fields written out, unread fields null; second migration);
 *   - for id-ood, the datasets themselves: the resolved evaluation sets of its floor, VAE and
 *     evaluation units (`evalData`), the resolved training set of its train units (`trainData`)
 *     and the patch its models use (`patch`, before only when set); second migration;
 * so the hashes of shipped units changed although their results did not. This renames the shipped
 * unit results to their new hashes instead of recomputing them:
 *
 *   npx tsx scripts/migrate-unit-keys.ts [--check] [--results data/results] [--models data/models] [--cache DIR]
 *
 * For every experiment and profile folder with a run.json (data/results/<exp>/<profile>/) it plans
 * the experiment's default config and seeds of that profile (what `phylab exp <exp> --dry-run` and
 * `npm start` plan) and, for each planned unit whose run.json record has another hash and whose
 * shipped file units/<old hash>.json.gz exists, checks that
 *   - the file is that unit: same id and version, and its stored key hashes to the old hash;
 *   - the new key is the stored key with its dataset and train configs resolved, plus only the
 *     fields this experiment's keys gained (`ADDED`), which agree with the rest of the key
 *     (`addedFieldsAgree`: the same scenario, clip, frame stride and counts); nothing else changed;
 * then writes units/<new hash>.json.gz (same id, version, result and meta; the new key; the
 * runner's encoding), reads it back and compares result and meta, and deletes the old file, and
 * updates the run.json record. Every rename is appended to data/results/unit-key-migrations.json
 * (with the first migration's, recovered from git), so a model card
 * (data/models/<exp>/<profile>/<model>/card.json) that names a unit by an old hash, including one
 * exported after the results were migrated, gets the planned hash on any later run. With --cache
 * DIR (a unit cache, e.g. DIR = $PHYLAB_CACHE or data/cache/units) it also links, for every
 * experiment, each unit of its default plans (every profile) and of the runs shipped in
 * data/results/<exp>/runs/ (e.g. id-ood's constant-lr grid, the quick default when the keys were
 * migrated) missing from the cache to the folder DIR/<exp>/<old
 * hash> that computed it (found by its unit.json: same id and version, a key that hashes to the
 * folder's name and migrates to the planned key as above, and a result.json or, for a training
 * still under way or stopped, a checkpoint/ to resume from): a relative symlink DIR/<exp>/<new
 * hash> -> <old hash>, so nothing is moved and checkpoints that name the old folder keep working.
 * This part works whether or not the results were migrated already.
 * --check reports what it would do and changes nothing. A second run finds nothing to do.
 * Any unit that fails a check stops the script before it changes anything.
 */
import { existsSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import '../lib/experiments/all';
import { configHash, stableStringify } from '../lib/config/hash';
import type { Profile } from '../lib/config/profile';
import { DatasetConfig, resolvedDatasetConfig } from '../lib/data/dataset-config';
import { resolvedTrainConfig, TrainConfig } from '../lib/train/train-config';
import type { Json, Unit } from '../lib/experiments/core/experiment';
import { experimentNames, getExperiment } from '../lib/experiments/core/registry';
import { shippedFile, ShippedUnit, writeShippedUnit } from '../lib/experiments/core/shipped-units';
import { unitHash } from '../lib/experiments/core/unit-cache';
import { REPO_ROOT } from '../lib/runtime/provenance';

/** Fields every DatasetConfig has (and no other key object has all of). */
const DATASET_FIELDS = ['scenario', 'split', 'oodLevel', 'oodSide', 'count', 'frames', 'size', 'supersample', 'radius', 'velocity', 'classes', 'holes'];
/** Fields every DiT TrainConfig has (a VAE's train config has no lrSchedule, emaDecay or condFrames). */
const TRAIN_FIELDS = ['steps', 'batchSize', 'lr', 'warmupSteps', 'lrSchedule', 'minLrRatio', 'beta1', 'beta2', 'eps', 'weightDecay', 'gradClip', 'emaDecay', 'emaWarmup', 'condFrames', 'checkpointEvery'];

const isObject = (v: Json): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);
const hasAll = (v: Json, fields: string[]): boolean => isObject(v) && fields.every((f) => f in v);

/** `key` with every dataset and train config in it resolved: what the current code puts into the key of the same unit (besides `ADDED`). */
export function resolveKey(key: Json): Json {
  if (Array.isArray(key)) return key.map(resolveKey);
  if (!isObject(key)) return key;
  if (hasAll(key, DATASET_FIELDS)) return resolvedDatasetConfig(key as unknown as DatasetConfig) as unknown as Json;
  if (hasAll(key, TRAIN_FIELDS)) return resolvedTrainConfig(key as unknown as TrainConfig) as unknown as Json;
  return Object.fromEntries(Object.entries(key).map(([k, v]) => [k, resolveKey(v)]));
}

/** Fields an experiment's keys gained (at any depth) beyond resolving: present in the planned key where the stored one lacks them. */
export const ADDED: Readonly<Record<string, ReadonlyArray<string>>> = { 'id-ood': ['evalData', 'trainData', 'patch'] };

/** Where `planned` differs from `resolved` other than by fields of `added` it has and `resolved` lacks (null: nowhere). */
function differsBeyond(resolved: Json, planned: Json, added: ReadonlyArray<string>, path = 'key'): string | null {
  if (isObject(resolved) && isObject(planned)) {
    for (const k of Object.keys(resolved)) if (!(k in planned)) return `${path}.${k} is gone`;
    for (const k of Object.keys(planned)) {
      if (!(k in resolved)) {
        if (!added.includes(k)) return `${path}.${k} is new`;
        continue;
      }
      const d = differsBeyond(resolved[k], planned[k], added, `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  if (Array.isArray(resolved) && Array.isArray(planned) && resolved.length === planned.length) {
    for (let i = 0; i < resolved.length; i++) {
      const d = differsBeyond(resolved[i], planned[i], added, `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  return stableStringify(resolved) === stableStringify(planned) ? null : `${path} differs`;
}

/**
 * Where the fields id-ood's keys gained disagree with the rest of the key (null: nowhere): each
 * evaluation set (`evalData`) has the unit's scenario, clip and frame stride and idCount or
 * oodCount videos, the ID set first and then the OOD levels 1, 2, …; the training set
 * (`trainData`) is the train unit's scenario, clip, frame stride and n; a patch is 3 positive integers.
 */
export function addedFieldsAgree(key: Json, path = 'key'): string | null {
  if (Array.isArray(key)) {
    for (let i = 0; i < key.length; i++) {
      const d = addedFieldsAgree(key[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (!isObject(key)) return null;
  const clip = (o: { [k: string]: Json }, d: { [k: string]: Json }, what: string): string | null => {
    for (const f of ['scenario', 'frames', 'size', 'frameStride']) if (stableStringify(d[f]) !== stableStringify(o[f])) return `${what}.${f} ${JSON.stringify(d[f])} is not the unit's ${JSON.stringify(o[f])}`;
    return null;
  };
  if ('trainData' in key) {
    const d = key.trainData;
    if (!isObject(d)) return `${path}.trainData is not a dataset`;
    const bad = clip(key, d, `${path}.trainData`) ?? (d.count !== key.n || d.split !== 'train' ? `${path}.trainData is not ${JSON.stringify(key.n)} training videos` : null);
    if (bad) return bad;
  }
  if ('evalData' in key) {
    const sets = key.evalData;
    const ctx = [key, key.data, key.train].find((o) => isObject(o) && 'frames' in o) as { [k: string]: Json } | undefined;
    if (!Array.isArray(sets) || !ctx) return `${path}.evalData: not a list of datasets beside a clip`;
    for (let i = 0; i < sets.length; i++) {
      const d = sets[i];
      if (!isObject(d)) return `${path}.evalData[${i}] is not a dataset`;
      const want = i === 0 ? { split: 'id', oodLevel: 0, count: key.idCount } : { split: 'ood', oodLevel: i, count: key.oodCount };
      const bad = clip(ctx, d, `${path}.evalData[${i}]`) ?? (d.split !== want.split || d.oodLevel !== want.oodLevel || d.count !== want.count ? `${path}.evalData[${i}] is not ${JSON.stringify(want)}` : null);
      if (bad) return bad;
    }
  }
  if ('patch' in key && key.patch !== null) {
    const p = key.patch;
    if (!Array.isArray(p) || p.length !== 3 || !p.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 1)) return `${path}.patch ${JSON.stringify(p)} is not 3 positive integers`;
  }
  for (const [k, v] of Object.entries(key)) {
    const d = addedFieldsAgree(v, `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

/** Why a key stored by earlier code does not migrate to `planned` (null: it does: `planned` is it resolved, plus only `ADDED` fields that agree with it). */
export function migrationMismatch(experiment: string, stored: Json, planned: Json): string | null {
  const added = ADDED[experiment] ?? [];
  return differsBeyond(resolveKey(stored), planned, added) ?? (added.length ? addedFieldsAgree(planned) : null);
}

export interface Move {
  experiment: string;
  profile: string;
  id: string;
  from: string;
  to: string;
}

interface RunRecord {
  id: string;
  hash: string;
}

const readShipped = (file: string): ShippedUnit => JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as ShippedUnit;

/**
 * The units of the run that wrote a non-default run's folder `outDir` (data/results/<exp>/runs/...): the
 * config and seeds its run.json records, else the profile's default ones. (A default folder's run.json
 * may record an older form of the default config; its plan is the default one.)
 */
export function runPlan(experiment: string, profile: string, outDir: string): Unit[] {
  const exp = getExperiment(experiment);
  if (!exp) throw new Error(`unknown experiment ${experiment}`);
  const run = JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8')) as { config?: unknown; seeds?: number[] };
  if (run.config !== undefined && Array.isArray(run.seeds)) return exp.plan(run.config, run.seeds);
  return exp.plan(exp.defaultConfig(profile as Profile), exp.defaultSeeds(profile as Profile));
}

/**
 * The renames one results folder needs, against `planned` (default: the profile's default plan; a
 * non-default run's folder: `runPlan`); throws naming the unit when a shipped file fails a check.
 */
export function planMoves(experiment: string, profile: string, outDir: string, planned?: Unit[]): { moves: Move[]; units: Map<string, Unit> } {
  const exp = getExperiment(experiment);
  if (!exp) throw new Error(`unknown experiment ${experiment}`);
  const run = JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8')) as { units?: RunRecord[] };
  const records = new Map((run.units ?? []).map((r) => [r.id, r.hash]));
  const units = planned ?? exp.plan(exp.defaultConfig(profile as Profile), exp.defaultSeeds(profile as Profile));
  const moves: Move[] = [];
  for (const u of units) {
    const from = records.get(u.id);
    const to = unitHash(u);
    if (from === undefined || from === to) continue;
    const file = shippedFile(outDir, from);
    if (!existsSync(file)) continue; // recorded but not shipped: nothing to carry over
    const s = readShipped(file);
    const where = `${experiment}/${profile} ${u.id} (${file})`;
    if (s.id !== u.id || s.version !== u.version) throw new Error(`${where}: holds ${s.id} ${s.version}, the plan has ${u.id} ${u.version}`);
    if (configHash({ key: s.key, version: s.version }) !== from) throw new Error(`${where}: its stored key does not hash to ${from}`);
    const why = migrationMismatch(experiment, s.key, u.key);
    if (why) throw new Error(`${where}: the planned key is not the stored key migrated (${why}); this unit changed otherwise and must be recomputed`);
    if (existsSync(shippedFile(outDir, to))) throw new Error(`${where}: ${shippedFile(outDir, to)} exists already`);
    moves.push({ experiment, profile, id: u.id, from, to });
  }
  return { moves, units: new Map(units.map((u) => [u.id, u])) };
}

/** Replace `"hash": "<from>"` by the new hash in a JSON text file; returns how many it replaced. */
function replaceHash(file: string, from: string, to: string): number {
  const text = readFileSync(file, 'utf8');
  const parts = text.split(`"hash": "${from}"`);
  if (parts.length > 1) writeFileSync(file, parts.join(`"hash": "${to}"`));
  return parts.length - 1;
}

function apply(m: Move, u: Unit, outDir: string, log: (s: string) => void): void {
  const oldFile = shippedFile(outDir, m.from);
  const old = readShipped(oldFile);
  const meta = { seconds: old.meta?.seconds ?? null, commit: old.meta?.commit ?? null, backend: old.meta?.backend ?? null };
  writeShippedUnit(outDir, u, { id: u.id, hash: m.to, cached: true, done: true, ...meta }, old.result);
  const now = readShipped(shippedFile(outDir, m.to));
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(now.result, old.result) || !same(now.meta, old.meta) || now.id !== old.id || now.version !== old.version || !same(now.key, u.key)) {
    unlinkSync(shippedFile(outDir, m.to));
    throw new Error(`${m.experiment}/${m.profile} ${m.id}: the rewritten file differs from ${oldFile} beyond its key; left the old file`);
  }
  unlinkSync(oldFile);
  const inRun = replaceHash(join(outDir, 'run.json'), m.from, m.to);
  if (inRun !== 1) throw new Error(`${m.experiment}/${m.profile}/run.json: ${inRun} records of ${m.from} (expected 1)`);
  log(`${m.experiment}/${m.profile} ${m.id}: ${m.from} -> ${m.to}`);
}

/** The log of every rename (data/results/unit-key-migrations.json): what maps an old hash in a model card to its unit's new one. */
export interface MigrationLog {
  note: string;
  moves: Move[];
}

export const LOG_NAME = 'unit-key-migrations.json';

export function readLog(resultsDir: string): MigrationLog {
  const f = join(resultsDir, LOG_NAME);
  if (existsSync(f)) return JSON.parse(readFileSync(f, 'utf8')) as MigrationLog;
  return { note: 'Shipped units renamed by scripts/migrate-unit-keys.ts (same result, key migrated): from old to new hash, in order. Model cards naming an old hash are mapped through it.', moves: [] };
}

function writeLog(resultsDir: string, log: MigrationLog): void {
  writeFileSync(join(resultsDir, LOG_NAME), JSON.stringify(log, null, 1) + '\n');
}

/**
 * The model cards (modelsDir/<exp>/<profile>/<model>/card.json) whose unit hash is not its unit's
 * planned hash but leads to it through the log's renames (same experiment, profile and unit id).
 * A card whose hash leads nowhere is reported in `unmapped` and left as it is.
 */
export function planCards(modelsDir: string, log: MigrationLog): { cards: Array<{ file: string; id: string; from: string; to: string }>; unmapped: string[] } {
  const cards: Array<{ file: string; id: string; from: string; to: string }> = [];
  const unmapped: string[] = [];
  const plans = new Map<string, Map<string, string>>();
  for (const experiment of existsSync(modelsDir) ? readdirSync(modelsDir) : []) {
    const exp = getExperiment(experiment);
    if (!exp) continue;
    for (const profile of ['smoke', 'quick', 'paper'] as const) {
      const dir = join(modelsDir, experiment, profile);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        const file = join(dir, name, 'card.json');
        if (!existsSync(file)) continue;
        const card = JSON.parse(readFileSync(file, 'utf8')) as { unit?: { id?: string; hash?: string }; results?: string };
        const id = card.unit?.id;
        const from = card.unit?.hash;
        if (!id || !from) continue;
        // the plan of the run the card follows (its `results` folder), else the profile's default plan
        const runDir = card.results ? join(REPO_ROOT, card.results) : null;
        const pk = runDir ?? `${experiment}/${profile}`;
        if (!plans.has(pk)) plans.set(pk, new Map((runDir ? runPlan(experiment, profile, runDir) : exp.plan(exp.defaultConfig(profile), exp.defaultSeeds(profile))).map((u) => [u.id, unitHash(u)])));
        const want = plans.get(pk)!.get(id);
        if (want === undefined || want === from) continue;
        let h = from;
        for (const m of log.moves) if (m.experiment === experiment && m.profile === profile && m.id === id && m.from === h) h = m.to;
        if (h === want) cards.push({ file, id, from, to: want });
        else unmapped.push(`${file}: ${id} ${from} is not its planned hash ${want}, and no logged rename leads there`);
      }
    }
  }
  return { cards, unmapped };
}

/** The cache links `linkCache` would make: [experiment, new hash, old hash, unit id]; `resumes`: the old folder has no result yet, only a checkpoint. */
export function planCacheLinks(cacheDir: string, resultsDir = join(REPO_ROOT, 'data', 'results')): Array<{ experiment: string; to: string; from: string; id: string; resumes: boolean }> {
  const out: Array<{ experiment: string; to: string; from: string; id: string; resumes: boolean }> = [];
  for (const experiment of experimentNames()) {
    const root = join(cacheDir, experiment);
    if (!existsSync(root)) continue;
    const byId = new Map<string, Array<{ hash: string; key: Json; version: string; resumes: boolean }>>();
    for (const hash of readdirSync(root)) {
      const f = join(root, hash, 'unit.json');
      const done = existsSync(join(root, hash, 'result.json'));
      if (!existsSync(f) || !(done || existsSync(join(root, hash, 'checkpoint')))) continue;
      try {
        const u = JSON.parse(readFileSync(f, 'utf8')) as { id: string; key: Json; version: string };
        if (configHash({ key: u.key, version: u.version }) !== hash) continue; // not a folder of that key
        byId.set(u.id, [...(byId.get(u.id) ?? []), { hash, key: u.key, version: u.version, resumes: !done }]);
      } catch {
        continue;
      }
    }
    const exp = getExperiment(experiment)!;
    const seen = new Set<string>();
    const runsDir = join(resultsDir, experiment, 'runs');
    const shippedRuns = existsSync(runsDir) ? readdirSync(runsDir).filter((d) => existsSync(join(runsDir, d, 'run.json'))) : [];
    const plans = [
      ...(['smoke', 'quick', 'paper'] as const).map((profile) => exp.plan(exp.defaultConfig(profile), exp.defaultSeeds(profile))),
      ...shippedRuns.map((d) => runPlan(experiment, d.split('-')[0], join(runsDir, d))),
    ];
    for (const plan of plans) {
      for (const u of plan) {
        const to = unitHash(u);
        if (seen.has(to) || existsSync(join(root, to))) continue;
        // a finished folder before one still training
        const hits = (byId.get(u.id) ?? []).filter((c) => c.version === u.version && migrationMismatch(experiment, c.key, u.key) === null);
        const hit = hits.find((c) => !c.resumes) ?? hits[0];
        if (hit) {
          out.push({ experiment, to, from: hit.hash, id: u.id, resumes: hit.resumes });
          seen.add(to);
        }
      }
    }
  }
  return out;
}

/** Link each planned unit missing from the cache to the old folder that computed it (see the module doc). */
export function linkCache(cacheDir: string, check: boolean, log: (s: string) => void): number {
  const links = planCacheLinks(cacheDir);
  for (const l of links) {
    if (!check) symlinkSync(l.from, join(cacheDir, l.experiment, l.to), 'dir');
    log(`cache ${l.experiment}/${l.to} -> ${l.from} (${l.id}${l.resumes ? ': no result yet, resumes from its checkpoint' : ''})${check ? ' (--check: not linked)' : ''}`);
  }
  return links.length;
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: string | null): string | null => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const check = args.includes('--check');
  const resultsDir = resolve(opt('--results', 'data/results')!);
  const modelsDir = resolve(opt('--models', 'data/models')!);
  const cacheDir = opt('--cache', null);
  const work: Array<{ outDir: string; moves: Move[]; units: Map<string, Unit> }> = [];
  for (const experiment of experimentNames()) {
    const expDir = join(resultsDir, experiment);
    if (!existsSync(expDir)) continue;
    for (const profile of readdirSync(expDir)) {
      const outDir = join(expDir, profile);
      if (!['smoke', 'quick', 'paper'].includes(profile) || !existsSync(join(outDir, 'run.json'))) continue;
      const p = planMoves(experiment, profile, outDir); // throws before anything is changed
      console.log(`${experiment}/${profile}: ${p.moves.length} shipped unit(s) to rename`);
      work.push({ outDir, ...p });
    }
  }
  const log = readLog(resultsDir);
  const planned = [...log.moves, ...work.flatMap((w) => w.moves)];
  const cards = planCards(modelsDir, { ...log, moves: planned });
  for (const u of cards.unmapped) console.log(`model card left as it is: ${u}`);
  if (!check) {
    for (const w of work) for (const m of w.moves) {
      apply(m, w.units.get(m.id)!, w.outDir, (s) => console.log(s));
      log.moves.push(m);
      writeLog(resultsDir, log); // after each rename: the log never lacks a rename that happened
    }
  }
  for (const c of cards.cards) {
    if (!check && replaceHash(c.file, c.from, c.to) !== 1) throw new Error(`${c.file}: expected one "hash": "${c.from}"`);
    console.log(`model card ${c.file}: ${c.id} ${c.from} -> ${c.to}${check ? ' (--check: not changed)' : ''}`);
  }
  if (cacheDir) console.log(`cache ${resolve(cacheDir)}: ${linkCache(resolve(cacheDir), check, (s) => console.log(s))} unit folder(s) ${check ? 'to link' : 'linked'}`);
}

if (require.main === module) main();
