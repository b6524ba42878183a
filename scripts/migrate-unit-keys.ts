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
 * get the new hash. With --cache DIR (a unit cache, e.g. the PHYLAB_CACHE that computed them) it
 * also links DIR/<exp>/<new hash> to the existing DIR/<exp>/<old hash> folder (a relative symlink:
 * nothing is moved, checkpoints that name the old folder keep working).
 * --check reports what it would do and changes nothing. A second run finds nothing to do.
 * Any unit that fails a check stops the script before it changes anything.
 */
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
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

function apply(m: Move, u: Unit, outDir: string, modelsDir: string, cacheDir: string | null, log: (s: string) => void): void {
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
  let linked = '';
  if (cacheDir) {
    const oldDir = join(cacheDir, m.experiment, m.from);
    const newDir = join(cacheDir, m.experiment, m.to);
    if (existsSync(oldDir) && statSync(oldDir).isDirectory() && !existsSync(newDir)) {
      symlinkSync(m.from, newDir, 'dir');
      linked = `; cache ${newDir} -> ${m.from}`;
    }
  }
  log(`${m.experiment}/${m.profile} ${m.id}: ${m.from} -> ${m.to}${carded ? `; ${carded} model card(s)` : ''}${linked}`);
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
  if (check) return;
  for (const w of work) for (const m of w.moves) apply(m, w.units.get(m.id)!, w.outDir, modelsDir, cacheDir ? resolve(cacheDir) : null, (s) => console.log(s));
}

if (require.main === module) main();
