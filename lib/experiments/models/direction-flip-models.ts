/**
 * Export direction-flip's trained models to the model registry (lib/sample/model-registry.ts,
 * issue #25): for each set, the model of one seed, with a card whose numbers are computed from
 * the shipped summary rows by the experiment's own report functions (never typed in).
 *
 * The train unit of each (set, seed) is found the way the runner finds it (shipped-train-unit.ts:
 * the plan of the shipped run.json's config, hashed, equal to the hash run.json records), so the
 * checkpoint exported is the one the summary was computed from. Only the EMA weights, the config
 * and the VAE leave the cache (never the optimizer state).
 */
import { join } from 'node:path';
import type { Profile } from '../../config/profile';
import { resolvedIdRanges } from '../../data/index';
import { defaultModelsRoot, ModelCard, ModelDtype, writeModel } from '../../sample/model-registry';
import { DEFAULT_SAMPLE_BATCH } from '../../sample/sample-videos';
import type { Row } from '../core/experiment';
import { defaultCacheDir } from '../core/runner';
import { baselineErrors } from '../case-matching/baseline';
import { DirectionFlipConfig, experiment, FLIP_SETS, trainBands } from '../case-matching/direction-flip';
import { flipShares, speedShifts } from '../case-matching/report';
import { uniformData } from '../case-matching/units';
import { evalNoiseSeed } from '../dit/dit-units';
import { shippedRun, shippedTrainUnit } from './shipped-train-unit';

/** Registry name of a direction-flip model: `direction-flip/<profile>/<set>-s<seed>` (set lower-cased: set-1, set-2, control). */
export function flipModelName(profile: string, set: string, seed: number): string {
  return `direction-flip/${profile}/${set.toLowerCase()}-s${seed}`;
}

/** A model's numbers from its own summary rows (one set, one seed), by the report functions of notebook 03. */
export interface FlipModelNumbers {
  /** Test evaluation (conditioning 1–2.5 u/s, moving right): videos, flipped, broken, vanished; flip share among all test videos. */
  testVideos: number;
  flipped: number;
  broken: number;
  vanished: number;
  flipShare: number;
  /** Lowest conditioning bin (u/s) and the mean generated − conditioning shift there of the generations that kept their direction. */
  lowestBin: string | null;
  lowestBinShift: number | null;
  /** Ordinary error: mean |generated − conditioning| (u/s) of the intact generations on the baseline videos (2.5–4 u/s). */
  ordinaryError: number | null;
  baselineVideos: number;
}

/** The numbers of (set, seed) from summary rows. */
export function flipModelNumbers(rows: ReadonlyArray<Row>, set: string, seed: number, threshold: number): FlipModelNumbers {
  const mine = rows.filter((r) => String(r.set) === set && Number(r.seed) === seed);
  const all = flipShares(mine, { threshold }).find((s) => s.bin === 'all');
  const low = speedShifts(mine, { threshold }).sort((a, b) => a.lo - b.lo)[0];
  const base = baselineErrors(mine).find((e) => e.set === set && e.seed === seed);
  const fin = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
  return {
    testVideos: all?.n ?? 0,
    flipped: all?.flipped ?? 0,
    broken: all?.broken ?? 0,
    vanished: all?.vanished ?? 0,
    flipShare: all?.share ?? NaN,
    lowestBin: low?.bin ?? null,
    lowestBinShift: fin(low?.shift),
    ordinaryError: fin(base?.error),
    baselineVideos: base?.n ?? 0,
  };
}

export interface ExportFlipOptions {
  profile: Profile;
  /** Sets to export. Default every set of the shipped run. */
  sets?: string[];
  /** Seed of the models. Default 1. */
  seed?: number;
  /** Unit cache root (holds `direction-flip/<hash>/checkpoint`). Default the runner's (PHYLAB_CACHE). */
  cacheDir?: string;
  /** Registry root. Default data/models. */
  root?: string;
  /** Folder of the shipped summary. Default data/results/direction-flip/<profile>. */
  resultsDir?: string;
  /** Precision of the stored weights. Default 'float32'. */
  dtype?: ModelDtype;
}

/** Write the seed's model of each set to the registry (see module doc); returns their cards. */
export function exportDirectionFlipModels(o: ExportFlipOptions): ModelCard[] {
  const seed = o.seed ?? 1;
  const run = shippedRun<DirectionFlipConfig>('direction-flip', o.profile, o.resultsDir);
  const { config, seeds, where } = run;
  if (!seeds.includes(seed)) throw new Error(`seed ${seed} is not among the shipped run's seeds (${seeds.join(', ')})`);
  const sets = o.sets ?? config.sets;
  for (const s of sets) if (!config.sets.includes(s)) throw new Error(`set '${s}' is not among the shipped run's sets (${config.sets.join(', ')})`);
  const cacheRoot = join(o.cacheDir ?? defaultCacheDir(), 'direction-flip');
  const cards: ModelCard[] = [];
  for (const set of sets) {
    const { id, hash, dir, rec, checkpoint } = shippedTrainUnit(experiment, run, `train/${set}/${config.preset}/s${seed}`, cacheRoot);
    const data = uniformData(config, 'train', config.dataSize, trainBands(config, set), FLIP_SETS[set]);
    const numbers = flipModelNumbers(run.rows, set, seed, config.flipThreshold);
    cards.push(writeModel(flipModelName(o.profile, set, seed), dir, {
      experiment: 'direction-flip',
      profile: o.profile,
      description: `direction-flip ${set} (${FLIP_SETS[set] === 'right' ? 'left to right only' : 'both directions'}), seed ${seed}: uniform motion, ${config.frames}-frame ${config.size} px clips from ${config.condFrames} conditioning frames`,
      unit: { id, hash, commit: rec.commit ?? null, seconds: rec.seconds ?? null },
      checkpoint,
      trainedOn: {
        set,
        scenario: 'uniform',
        direction: FLIP_SETS[set],
        velocity: data.velocity,
        radius: resolvedIdRanges(data).radius,
        count: data.count,
        dataSeed: config.dataSeed,
        frames: config.frames,
        size: config.size,
      },
      numbers: { ...numbers },
      results: where,
      numbersFrom: `${where}/summary.json: rows of set ${set}, seed ${seed} (flipShares, speedShifts: lib/experiments/case-matching/report.ts; baselineErrors: baseline.ts; flip threshold ${config.flipThreshold} u/s)`,
      experimentConfig: { ...config },
      sampling: { seed: evalNoiseSeed(seed), steps: config.sampleSteps, condFrames: config.condFrames, batchSize: DEFAULT_SAMPLE_BATCH },
    }, { root: o.root ?? defaultModelsRoot(), dtype: o.dtype }));
  }
  return cards;
}
