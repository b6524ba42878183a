/**
 * Where an exporter of shipped models (issue #25) finds a train unit's checkpoint: the way the
 * runner finds it. The shipped run (data/results/<experiment>/<profile>/run.json and summary.json)
 * records the config, the seeds and each unit's hash; the experiment's plan for that config and
 * those seeds is hashed (unit-cache.ts) and the hash must equal the recorded one, so the checkpoint
 * exported is the one the summary was computed from.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Profile } from '../../config/profile';
import type { Experiment, Row } from '../core/experiment';
import { loadSummary, unitHash } from '../core/runner';
import { readJson } from '../core/unit-cache';
import { readCheckpointMeta } from '../../train/checkpoint';
import type { CheckpointRun } from '../../sample/model-registry';

/** A unit as run.json records it. */
export interface RunUnit {
  id: string;
  hash: string;
  commit?: string | null;
  seconds?: number | null;
  done?: boolean;
}

/** A shipped run: its summary rows, config, seeds and unit records, and where it lies. */
export interface ShippedRun<C> {
  rows: Row[];
  config: C;
  seeds: number[];
  units: RunUnit[];
  /** The results folder (for messages and `numbersFrom`). */
  where: string;
}

/** The shipped run of `experiment` on `profile` (folder `resultsDir`, default data/results/<experiment>/<profile>); an error when there is none. */
export function shippedRun<C>(experiment: string, profile: Profile, resultsDir?: string): ShippedRun<C> {
  const where = resultsDir ?? `data/results/${experiment}/${profile}`;
  const summary = loadSummary(experiment, profile, resultsDir);
  if (!summary) throw new Error(`no shipped ${experiment} summary in ${where} (summary.json and run.json): run 'phylab exp ${experiment} --profile ${profile}' first`);
  const recorded = summary.run as { experiment?: unknown; profile?: unknown };
  if (recorded.experiment !== undefined && recorded.experiment !== experiment) throw new Error(`${where}/run.json is a run of ${String(recorded.experiment)}, not ${experiment}`);
  if (recorded.profile !== undefined && recorded.profile !== profile) throw new Error(`${where}/run.json is a ${String(recorded.profile)} run, not ${profile}: pass its profile`);
  return { rows: summary.rows, config: summary.run.config as C, seeds: summary.run.seeds as number[], units: (summary.run.units ?? []) as RunUnit[], where };
}

/**
 * The train unit `id` of a shipped run: its hash (checked against run.json), its record, its
 * finished checkpoint folder in `cacheRoot` (the experiment's folder of the unit cache) and the run
 * that wrote it (the cache's meta.json and the checkpoint's config: commit, date, engine), which
 * differs from run.json's record when the unit was retrained after the summary was computed.
 */
export function shippedTrainUnit<C>(exp: Experiment<C>, run: ShippedRun<C>, id: string, cacheRoot: string): { id: string; hash: string; dir: string; rec: RunUnit; checkpoint: CheckpointRun } {
  const unit = exp.plan(run.config, run.seeds).find((u) => u.id === id);
  if (!unit) throw new Error(`the plan of the shipped config has no unit ${id}`);
  const hash = unitHash(unit);
  const rec = run.units.find((u) => u.id === id);
  if (!rec) throw new Error(`${run.where}/run.json records no unit ${id}`);
  if (rec.hash !== hash) throw new Error(`${run.where}/run.json records hash ${rec.hash} for ${id}, but the code plans ${hash}: the summary was computed by another version of the unit`);
  const dir = join(cacheRoot, hash);
  if (!existsSync(join(dir, 'checkpoint', 'config.json'))) throw new Error(`no checkpoint of ${id} at ${join(dir, 'checkpoint')} (cache ${cacheRoot}; set PHYLAB_CACHE or --cache to the cache that trained it)`);
  const meta = readCheckpointMeta(join(dir, 'checkpoint'));
  if (!existsSync(join(dir, 'result.json'))) throw new Error(`${id} at ${dir} has not finished (no result.json; its checkpoint is at step ${meta.step}): export it when the unit is done`);
  const unitMeta = (readJson(join(dir, 'meta.json')) ?? {}) as { commit?: unknown };
  return { id, hash, dir, rec, checkpoint: { commit: typeof unitMeta.commit === 'string' ? unitMeta.commit : null, saved: meta.saved ?? null, engine: meta.engine ?? null } };
}
