/**
 * One-time migration of unit keys to resolved datasets (issue #16 item 2): unit keys now hold each
 * dataset config resolved (lib/data/dataset-config.ts resolvedDatasetConfig: ranges from
 * lib/data/ranges.ts, frame stride, sampling, timing written out), so the hashes of units with a
 * dataset in their key changed although their results did not. This renames the shipped unit
 * results to their new hashes instead of recomputing them:
 *
 *   npx tsx scripts/migrate-unit-keys.ts [--check] [--results data/results] [--models data/models] [--cache DIR]
 *
 * For every experiment and profile folder with a run.json (data/results/<exp>/<profile>/) it plans
 * the experiment's default config and seeds of that profile (what `phylab exp <exp> --dry-run` and
 * `npm start` plan) and, for each planned unit whose run.json record has another hash and whose
 * shipped file units/<old hash>.json.gz exists, checks that
 *   - the file is that unit: same id and version, and its stored key hashes to the old hash;
 *   - the new key is the stored key with its dataset configs resolved, and nothing else changed;
 * then writes units/<new hash>.json.gz (same id, version, result and meta; the new key; the
 * runner's encoding), reads it back and compares result and meta, and deletes the old file. The
 * run.json record and any model card naming the unit (data/models/<exp>/<profile>/<model>/card.json)
 * get the new hash. With --cache DIR (a unit cache, e.g. DIR = $PHYLAB_CACHE or data/cache/units)
 * it also links, for every experiment and profile, each planned unit missing from the cache to the
 * folder DIR/<exp>/<old hash> that computed it (found by its unit.json: same id and version, a key
 * that hashes to the folder's name and resolves to the planned key, and a result.json): a relative
 * symlink DIR/<exp>/<new hash> -> <old hash>, so nothing is moved and checkpoints that name the
 * old folder keep working. This part works whether or not the results were migrated already.
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
import type { Json, Unit } from '../lib/experiments/core/experiment';
import { experimentNames, getExperiment } from '../lib/experiments/core/registry';
import { shippedFile, ShippedUnit, writeShippedUnit } from '../lib/experiments/core/shipped-units';
import { unitHash } from '../lib/experiments/core/unit-cache';

/** Fields every DatasetConfig has (and no other key object has all of). */
const DATASET_FIELDS = ['scenario', 'split', 'oodLevel', 'oodSide', 'count', 'frames', 'size', 'supersample', 'radius', 'velocity', 'classes', 'holes'];

const isDatasetConfig = (v: Json): boolean => v !== null && typeof v === 'object' && !Array.isArray(v) && DATASET_FIELDS.every((f) => f in v);

/** `key` with every dataset config in it resolved: what the new code puts into the key of the same unit. */
export function resolveDatasets(key: Json): Json {
  if (Array.isArray(key)) return key.map(resolveDatasets);
  if (key === null || typeof key !== 'object') return key;
  if (isDatasetConfig(key)) return resolvedDatasetConfig(key as unknown as DatasetConfig) as unknown as Json;
  return Object.fromEntries(Object.entries(key).map(([k, v]) => [k, resolveDatasets(v)]));
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

/** The renames one results folder needs; throws naming the unit when a shipped file fails a check. */
export function planMoves(experiment: string, profile: string, outDir: string): { moves: Move[]; units: Map<string, Unit> } {
  const exp = getExperiment(experiment);
  if (!exp) throw new Error(`unknown experiment ${experiment}`);
  const run = JSON.parse(readFileSync(join(outDir, 'run.json'), 'utf8')) as { units?: RunRecord[] };
  const records = new Map((run.units ?? []).map((r) => [r.id, r.hash]));
  const units = exp.plan(exp.defaultConfig(profile as Profile), exp.defaultSeeds(profile as Profile));
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
    if (stableStringify(resolveDatasets(s.key)) !== stableStringify(u.key)) throw new Error(`${where}: the planned key is not the stored key with its datasets resolved; this unit changed otherwise and must be recomputed`);
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

function apply(m: Move, u: Unit, outDir: string, modelsDir: string, log: (s: string) => void): void {
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
  const cards = join(modelsDir, m.experiment, m.profile);
  let carded = 0;
  if (existsSync(cards)) for (const name of readdirSync(cards)) {
    const card = join(cards, name, 'card.json');
    if (existsSync(card)) carded += replaceHash(card, m.from, m.to);
  }
  log(`${m.experiment}/${m.profile} ${m.id}: ${m.from} -> ${m.to}${carded ? `; ${carded} model card(s)` : ''}`);
}

/** The cache links `linkCache` would make: [experiment, new hash, old hash, unit id]. */
export function planCacheLinks(cacheDir: string): Array<{ experiment: string; to: string; from: string; id: string }> {
  const out: Array<{ experiment: string; to: string; from: string; id: string }> = [];
  for (const experiment of experimentNames()) {
    const root = join(cacheDir, experiment);
    if (!existsSync(root)) continue;
    const byId = new Map<string, Array<{ hash: string; key: Json; version: string }>>();
    for (const hash of readdirSync(root)) {
      const f = join(root, hash, 'unit.json');
      if (!existsSync(f) || !existsSync(join(root, hash, 'result.json'))) continue;
      try {
        const u = JSON.parse(readFileSync(f, 'utf8')) as { id: string; key: Json; version: string };
        if (configHash({ key: u.key, version: u.version }) !== hash) continue; // not a folder of that key
        byId.set(u.id, [...(byId.get(u.id) ?? []), { hash, key: u.key, version: u.version }]);
      } catch {
        continue;
      }
    }
    const exp = getExperiment(experiment)!;
    const seen = new Set<string>();
    for (const profile of ['smoke', 'quick', 'paper'] as const) {
      for (const u of exp.plan(exp.defaultConfig(profile), exp.defaultSeeds(profile))) {
        const to = unitHash(u);
        if (seen.has(to) || existsSync(join(root, to))) continue;
        const want = stableStringify(u.key);
        const hit = (byId.get(u.id) ?? []).find((c) => c.version === u.version && stableStringify(resolveDatasets(c.key)) === want);
        if (hit) {
          out.push({ experiment, to, from: hit.hash, id: u.id });
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
    log(`cache ${l.experiment}/${l.to} -> ${l.from} (${l.id})${check ? ' (--check: not linked)' : ''}`);
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
  if (!check) for (const w of work) for (const m of w.moves) apply(m, w.units.get(m.id)!, w.outDir, modelsDir, (s) => console.log(s));
  if (cacheDir) console.log(`cache ${resolve(cacheDir)}: ${linkCache(resolve(cacheDir), check, (s) => console.log(s))} unit folder(s) ${check ? 'to link' : 'linked'}`);
}

if (require.main === module) main();
