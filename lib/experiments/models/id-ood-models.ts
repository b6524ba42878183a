/**
 * Export id-ood's trained models to the model registry (lib/sample/model-registry.ts, issue #25):
 * one grid cell (scenario, preset, training-set size, seed) per model, e.g. notebook 01's headline
 * cell `id-ood/quick/uniform-q128-n16384-s1`, with a card whose ID and OOD numbers are computed
 * from the shipped summary rows by notebook 01's functions (`aggregate`, `floors`; never typed in).
 *
 * The train unit is found the way the runner finds it (shipped-train-unit.ts); only the EMA weights,
 * the config and the frame VAE leave the cache. The card's experimentConfig is the shipped run's
 * config, so asking the model (ask-uniform.ts) builds its clips with id-ood's own dataset configs
 * and reads them with id-ood's parser.
 */
import { join } from 'node:path';
import type { Profile } from '../../config/profile';
import { resolvedIdRanges } from '../../data/index';
import type { Scenario } from '../../sim/scenes';
import { defaultModelsRoot, ModelCard, ModelDtype, RegistryModel, writeModel } from '../../sample/model-registry';
import { DEFAULT_SAMPLE_BATCH } from '../../sample/sample-videos';
import type { Row } from '../core/experiment';
import { defaultCacheDir } from '../core/runner';
import { evalNoiseSeed } from '../dit/dit-units';
import { dataConfig, experiment, IdOodConfig, trainDataSeed } from '../id-ood/experiment';
import { evalSets, evalVideos, score, SetScore } from '../id-ood/eval';
import { aggregate, floors } from '../id-ood/report';
import { generateLike } from './ask-uniform';
import { shippedRun, shippedTrainUnit } from './shipped-train-unit';
import { configOf, ID_OOD_CARD_CONFIG } from './card-config';

/** One cell of id-ood's grid. */
export interface IdOodCell {
  scenario: Scenario;
  preset: string;
  /** Training videos. */
  n: number;
  seed: number;
}

/** Registry name of an id-ood model: `id-ood/<profile>/<scenario>-<preset>-n<n>-s<seed>`. */
export function idOodModelName(profile: string, cell: IdOodCell): string {
  return `id-ood/${profile}/${cell.scenario}-${cell.preset.toLowerCase()}-n${cell.n}-s${cell.seed}`;
}

/** The unit tag of a cell, as id-ood's plan names it: `<scenario>/<preset>/n<n>/s<seed>`. */
const tagOf = (cell: IdOodCell) => `${cell.scenario}/${cell.preset}/n${cell.n}/s${cell.seed}`;

/** A set's numbers in the summary row of the cell (u/s; n videos scored, nDropped left out by the small-ball rule, nanCount without a usable step). */
export interface IdOodSetNumbers {
  velocityError: number;
  velocityErrorMask: number;
  n: number;
  nDropped: number;
  nanCount: number;
}

/** A cell's numbers from the shipped summary rows (one seed), by notebook 01's functions. */
export interface IdOodModelNumbers {
  /** ID velocity error and the n-weighted OOD mean over the OOD levels (`aggregate`), u/s. */
  id: number | null;
  ood: number | null;
  /** Each evaluation set's row. */
  sets: Record<string, IdOodSetNumbers>;
  /** The parser on the true clips and on the frame VAE's reconstructions of them (`floors`), ID and OOD, u/s. */
  floor: { id: number | null; ood: number | null };
  vaeFloor: { id: number | null; ood: number | null };
}

/** The numbers of `cell` from summary rows. */
export function idOodModelNumbers(rows: ReadonlyArray<Row>, cell: IdOodCell): IdOodModelNumbers {
  const mine = rows.filter((r) => r.scenario === cell.scenario && r.model === cell.preset && Number(r.dataSize) === cell.n && Number(r.seed) === cell.seed);
  const cells = aggregate(mine);
  const group = (g: string) => cells.find((c) => c.group === g)?.mean ?? null;
  const floorOf = (kind: 'gt' | 'vae', g: string) => floors(rows.filter((r) => r.scenario === cell.scenario), 'velocityError', kind).find((f) => f.group === g)?.floor ?? null;
  return {
    id: group('id'),
    ood: group('ood'),
    sets: Object.fromEntries(mine.map((r) => [String(r.set), { velocityError: Number(r.velocityError), velocityErrorMask: Number(r.velocityErrorMask), n: Number(r.n), nDropped: Number(r.nDropped), nanCount: Number(r.nanCount) }])),
    floor: { id: floorOf('gt', 'id'), ood: floorOf('gt', 'ood') },
    vaeFloor: { id: floorOf('vae', 'id'), ood: floorOf('vae', 'ood') },
  };
}

export interface ExportIdOodOptions {
  profile: Profile;
  /** The cells to export. Default notebook 01's headline cell (uniform, the largest preset and size) of seed `seed`. */
  cells?: IdOodCell[];
  /** Seed of the default cell. Default 1. */
  seed?: number;
  /** Unit cache root (holds `id-ood/<hash>/checkpoint`). Default the runner's (PHYLAB_CACHE). */
  cacheDir?: string;
  /** Registry root. Default data/models. */
  root?: string;
  /** Folder of the shipped summary. Default data/results/id-ood/<profile>. */
  resultsDir?: string;
  /** Precision of the stored weights. Default 'float32'. */
  dtype?: ModelDtype;
}

/** Notebook 01's headline cell of a config: uniform, its largest preset and training-set size, seed `seed`. */
export function headlineCell(c: Pick<IdOodConfig, 'presets' | 'dataSizes'>, seed = 1): IdOodCell {
  return { scenario: 'uniform', preset: c.presets[c.presets.length - 1], n: c.dataSizes[c.dataSizes.length - 1], seed };
}

/** Write each cell's model to the registry (see module doc); returns their cards. */
export function exportIdOodModels(o: ExportIdOodOptions): ModelCard[] {
  const run = shippedRun<IdOodConfig>('id-ood', o.profile, o.resultsDir);
  const { config, seeds, where } = run;
  const cells = o.cells ?? [headlineCell(config, o.seed ?? 1)];
  const cacheRoot = join(o.cacheDir ?? defaultCacheDir(), 'id-ood');
  return cells.map((cell) => {
    if (!seeds.includes(cell.seed)) throw new Error(`seed ${cell.seed} is not among the shipped run's seeds (${seeds.join(', ')})`);
    const { id, hash, dir, rec, checkpoint } = shippedTrainUnit(experiment, run, `train/${tagOf(cell)}`, cacheRoot);
    const data = dataConfig(config, cell.scenario, 'train', cell.n);
    const ranges = resolvedIdRanges(data);
    return writeModel(idOodModelName(o.profile, cell), dir, {
      experiment: 'id-ood',
      profile: o.profile,
      description: `id-ood ${cell.scenario}, ${cell.preset} on ${cell.n} ID videos, seed ${cell.seed}: ${config.frames}-frame ${config.size} px clips (${config.frameStride[cell.scenario]} physics steps per frame) from ${config.condFrames} conditioning frames, ${config.latent === 'vae' ? 'frame-VAE latents' : 'pixels'}`,
      unit: { id, hash, commit: rec.commit ?? null, seconds: rec.seconds ?? null },
      checkpoint,
      trainedOn: {
        scenario: cell.scenario,
        direction: data.direction,
        velocity: ranges.velocity,
        radius: ranges.radius,
        count: data.count,
        dataSeed: trainDataSeed(config, cell.seed),
        frames: config.frames,
        size: config.size,
        frameStride: config.frameStride[cell.scenario],
      },
      numbers: { ...idOodModelNumbers(run.rows, cell) },
      results: where,
      numbersFrom: `${where}/summary.json: rows of ${cell.scenario} ${cell.preset} n=${cell.n} seed ${cell.seed} and the ${cell.scenario} floors (aggregate, floors: lib/experiments/id-ood/report.ts; parser '${config.parser}')`,
      experimentConfig: { ...config },
      sampling: { seed: evalNoiseSeed(cell.seed), steps: config.sampleSteps, condFrames: config.condFrames, batchSize: DEFAULT_SAMPLE_BATCH },
    }, { root: o.root ?? defaultModelsRoot(), dtype: o.dtype });
  });
}

/**
 * Re-run id-ood's evaluation of a shipped id-ood model on evaluation set `set` ('id', 'ood-v', …),
 * its first `count` videos (default all): the same videos, noise seed, DDIM steps and batch as its
 * eval unit, scored by `score` (its parser, its small-ball rule). With every video, `error`, `n`,
 * `nDropped` and `nanCount` are the numbers of the set's summary row.
 */
export async function evaluateIdOodModel(m: RegistryModel, set: string, count?: number): Promise<SetScore> {
  if (m.card.experiment !== 'id-ood') throw new Error(`model ${m.card.name} is from experiment '${m.card.experiment}', not id-ood`);
  const c = configOf(m.card, ID_OOD_CARD_CONFIG);
  const scenario = m.card.trainedOn.scenario as Scenario;
  const s = evalSets(scenario).find((x) => x.name === set);
  if (!s) throw new Error(`set must be one of ${evalSets(scenario).map((x) => x.name).join(', ')} (id-ood's ${scenario} evaluation sets), got '${set}'`);
  const videos = evalVideos(c, scenario, s).slice(0, count);
  return score(c, scenario, videos, await generateLike(m, videos));
}

/** One evaluation set re-run from a shipped model against what the experiment recorded. */
export interface SetReproduction {
  set: string;
  /** The set's summary row (u/s; velocityError, velocityErrorMask, n, nDropped, nanCount) and the same numbers re-evaluated. */
  summary: IdOodSetNumbers;
  reEvaluated: IdOodSetNumbers;
  /** Videos, and those whose recorded error and mean velocities (eval unit, rounded to 1e-4) are reproduced exactly. */
  videos: number;
  videosIdentical: number;
  /** Largest per-video |Δ velocity error| and |Δ mean generated velocity| against the eval unit's records, u/s (0: identical). */
  maxErrorChange: number;
  maxVelocityChange: number;
}

const setNumbers = (s: { error: number; errorMask: number; n: number; nDropped: number; nanCount: number }): IdOodSetNumbers => ({ velocityError: s.error, velocityErrorMask: s.errorMask, n: s.n, nDropped: s.nDropped, nanCount: s.nanCount });

/**
 * Re-run id-ood's evaluation of shipped model `m` on every evaluation set of its scenario and compare
 * it with its eval unit's result `recorded` (per set: the summary's numbers and every video's record).
 */
export async function reproduceIdOodModel(m: RegistryModel, recorded: Record<string, SetScore>): Promise<SetReproduction[]> {
  const scenario = m.card.trainedOn.scenario as Scenario;
  const out: SetReproduction[] = [];
  for (const { name } of evalSets(scenario)) {
    const want = recorded[name];
    if (!want) throw new Error(`the recorded evaluation has no set '${name}'`);
    const got = await evaluateIdOodModel(m, name);
    const d = (a: number | null, b: number | null) => (a === null || b === null ? (a === b ? 0 : Infinity) : Math.abs(a - b));
    const errs = got.videos.map((v, i) => d(v.error, want.videos[i].error));
    const vels = got.videos.map((v, i) => Math.max(...v.meanVx.map((x, j) => d(x, want.videos[i].meanVx[j]))));
    out.push({
      set: name,
      summary: setNumbers(want),
      reEvaluated: setNumbers(got),
      videos: got.videos.length,
      videosIdentical: errs.filter((e, i) => e === 0 && vels[i] === 0).length,
      maxErrorChange: Math.max(...errs),
      maxVelocityChange: Math.max(...vels),
    });
  }
  return out;
}
