/**
 * Experiment `id-ood` (paper §3, Fig 3; findings.md §1): in-distribution vs out-of-distribution
 * scaling. For each scenario, each model preset is trained on each training-set size drawn from
 * the ID ranges, then conditioned on the first frames of held-out ID videos and of each OOD level
 * (paper-spec §1.4) and scored by the velocity error of the pixel parser (paper-spec §3). The
 * parser run on the ground-truth videos gives the floor, reported beside every number.
 *
 * Units (cached, resumable): `floor/<scenario>`, `train/<scenario>/<preset>/n<size>/s<seed>`,
 * `eval/…` (depends on its train unit). The plan lists them in priority order, so a sweep that
 * is stopped early has the most informative cells: the headline cells (largest model at the
 * smallest and largest data size, every seed) first, then the rest of the grid.
 *
 * Deviations at `quick` scale (findings.md): 16 px, 8-frame clips; training steps far below the
 * paper's 100K; the pixel parser uses the coverage-weighted centroid ('alpha') by default because
 * at 16 px the paper's thresholded mask has a floor of ≈ 0.23 u/s (alpha: ≈ 0.04); the paper's
 * parser is reported alongside (`velocityErrorMask`).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, Profile } from '../config/profile';
import { DatasetConfig, defaultDatasetConfig, loadOrGenerateDataset, makeVideo, OOD_LEVELS, trainSizes, VideoSample } from '../data/index';
import { defaultVelocityErrorConfig, paperGroup, PaperGroup, summarizeErrors, velocityError, VelocityErrorConfig, VelocityErrorResult } from '../metrics/velocity-error';
import { ParserConfig } from '../metrics/parse-state';
import * as tf from '@tensorflow/tfjs';
import { PROFILE_PRESETS } from '../model/presets';
import { createAutoencoder, framesToTensor, tensorToFrames } from '../model/autoencoder';
import { defaultVaeConfig, VaeConfig } from '../model/vae';
import { defaultVaeTrainConfig, VaeTrainConfig, VaeTrainer } from '../train/vae-trainer';
import { encodePng, filmstrip } from '../render/png';
import type { Scenario } from '../sim/scenes';
import { STRIDE } from '../sim/constants';
import { clipSettings, ClipSettings } from './clip-settings';
import { toB64, trainUnit, withTrainedModel } from './dit-units';
import type { Experiment, Json, Row, Unit } from './experiment';

/**
 * id-ood's `quick` frame strides (IdOodConfig.frameStride). Collisions get 15: at 30, 71 of 128
 * ID collision clips have no post-collision step with both balls in view (at 15: 7; at 10: 5),
 * while the ground-truth floor falls from 0.131 (10) to 0.090 u/s (15).
 */
export const QUICK_FRAME_STRIDE: Readonly<Record<Scenario, number>> = { uniform: 30, collision: 15, parabola: 30 };
/**
 * id-ood's `quick` training steps (batch 32). More than the case-matching experiments' 6000
 * (clip-settings.ts): at 6000 the ID error of every uniform model was still falling (3000 → 6000
 * steps: 0.98 → 0.41 u/s at stride 30) and 16K videos scored worse than 1K (each seen ≈ 12 times).
 */
export const ID_OOD_QUICK_STEPS = 15000;

/**
 * id-ood's frame VAE: 8 latent channels and 30000 steps (≈ 1.5 min per scenario). Measured on the
 * collision evaluation set (ID velocity error of the parser on reconstructions; ground truth 0.090):
 * 4 channels × 4000 steps 0.324, 4 × 30000 0.212, 8 × 30000 0.127 (reconstruction MSE 0.0079 →
 * 0.0029 → 0.0006 in [−1, 1]); uniform, 4 × 4000: 0.025 (ground truth 0.013).
 */
export const ID_OOD_VAE_CHANNELS = 8;
export const ID_OOD_VAE_STEPS = 30000;

/**
 * id-ood's `quick` training-set sizes: the profile's 1K / 4K / 16K and 256 below them. With VAE
 * latents and 15,000 steps, `q64` scored the same ID error on 1K, 4K and 16K uniform videos
 * (0.131 / 0.147 / 0.135 u/s): at this scale 1K videos already cover the 2-parameter ID range, so the
 * data-limited end is below it.
 */
export const ID_OOD_QUICK_SIZES = [256, 1024, 4096, 16384] as const;

/** id-ood's settings: the shared clip settings (lib/experiments/clip-settings.ts) and the grid. */
export interface IdOodConfig extends ClipSettings {
  /** Scenarios, in priority order. Default: uniform, collision, parabola. */
  scenarios: Scenario[];
  /** Model presets (lib/model/presets.ts), smallest first. Default: the profile's presets. */
  presets: string[];
  /** Training-set sizes, smallest first. Default: the profile's sizes (quick 1K/4K/16K). */
  dataSizes: number[];
  /** Held-out ID videos per evaluation. */
  idCount: number;
  /** Videos per OOD level. */
  oodCount: number;
  /** Generated clips kept per evaluation set for filmstrips. Default 3. */
  examples: number;
  /**
   * Physics steps (0.01 s) per frame per scenario, each 1–1000. Default: quick uniform and
   * parabola 30 (0.3 s), collision 15 (QUICK_FRAME_STRIDE), otherwise 10 (the paper's 0.1 s). At 16 px and 0.1 s an ID ball moves 0.16–0.64 px per frame and 8 frames span
   * 0.7 s (the paper's 32 frames at 128 px: 1.3–5.1 px per frame over 3.1 s); 0.3 s gives
   * 0.5–1.9 px per frame over 2.1 s, and the earliest contact (frame 3) at 0.9 s, as the paper's
   * frame 8 at 0.8 s. Measured (q64, 4096 uniform videos, 6000 steps, seed 1): ID error 0.52 u/s
   * at stride 10, 0.41 at 20, 0.41 at 30; OOD-r 2.15 → 1.51, OOD-v 1.57 → 1.16 (10 → 30).
   */
  frameStride: Record<Scenario, number>;
  /**
   * What the models diffuse. 'vae' (quick and smoke): the latents of a frame VAE trained per
   * scenario on the frames of its largest training set (unit `vae/<scenario>`, lib/model/vae.ts),
   * as the paper diffuses in a frozen VAE's latent space; 'pixel' (paper profile): the pixels.
   * Measured (q64, 4096 uniform videos, stride 30, 6000 steps, seed 1): pixels ID 0.41 u/s in
   * 15 min, VAE latents with 1×2×2 patches ID 0.17 u/s in 5 min.
   */
  latent: 'pixel' | 'vae';
  /** The frame VAE (latent 'vae'): architecture and training (lib/model/vae.ts, lib/train/vae-trainer.ts). */
  vae: { model: VaeConfig; train: VaeTrainConfig };
  /**
   * Spacetime patch [frames, rows, cols] of every model. Default null: the latent's default
   * (`resolvedPatch`): 1×2×2 on the VAE's 4×4 latents (32 tokens), the preset's 1×4×4 on pixels
   * (128 tokens); only a non-null value enters the unit keys. Pixel tubelets [2, 4, 4] (64 tokens)
   * gave ID 1.76 vs 0.41 u/s at 6000 steps.
   */
  patch: [number, number, number] | null;
}

export function defaultIdOodConfig(profile: Profile): IdOodConfig {
  const quick = profile === 'quick';
  const clip = clipSettings(profile, profile === 'smoke' ? 2 : 3);
  return {
    scenarios: ['uniform', 'collision', 'parabola'],
    presets: quick ? ['q64', 'q128'] : [...PROFILE_PRESETS[profile]].slice(0, profile === 'paper' ? 3 : 1),
    dataSizes: profile === 'smoke' ? [16, 32] : quick ? [...ID_OOD_QUICK_SIZES] : trainSizes(profile, 'uniform'),
    ...clip,
    train: quick ? { ...clip.train, steps: ID_OOD_QUICK_STEPS } : clip.train,
    idCount: profile === 'smoke' ? 6 : profile === 'quick' ? 128 : 1050,
    oodCount: profile === 'smoke' ? 4 : profile === 'quick' ? 96 : 800,
    examples: profile === 'smoke' ? 1 : 3,
    frameStride: quick ? { ...QUICK_FRAME_STRIDE } : { uniform: STRIDE, collision: STRIDE, parabola: STRIDE },
    latent: profile === 'paper' ? 'pixel' : 'vae',
    vae: { model: { ...defaultVaeConfig(), latentChannels: ID_OOD_VAE_CHANNELS }, train: { ...defaultVaeTrainConfig(profile), steps: profile === 'smoke' ? 60 : ID_OOD_VAE_STEPS } },
    patch: null,
  };
}

/** Evaluation sets: 'id' and one per OOD level ('ood-r', 'ood-v', 'ood-r+v', collision: six). */
export function evalSets(scenario: Scenario): Array<{ name: string; split: 'id' | 'ood'; level: number }> {
  return [{ name: 'id', split: 'id', level: 0 }, ...OOD_LEVELS[scenario].map((l) => ({ name: `ood-${l.name}`, split: 'ood' as const, level: l.level }))];
}

/** Dataset config of a scenario split at the experiment's clip size (`level`: OOD level). */
export function dataConfig(c: IdOodConfig, scenario: Scenario, split: 'train' | 'id' | 'ood', count: number, level = 0): DatasetConfig {
  const d: DatasetConfig = { ...defaultDatasetConfig('quick', scenario, split), frames: c.frames, size: c.size, count, oodLevel: level };
  // the paper's stride stays implicit, so these configs hash as before the field existed
  if (c.frameStride[scenario] !== STRIDE) d.frameStride = c.frameStride[scenario];
  return d;
}

function errorConfig(c: IdOodConfig, centroid: ParserConfig['centroid']): VelocityErrorConfig {
  const e = defaultVelocityErrorConfig();
  return { ...e, conditionFrames: c.condFrames, parser: { ...e.parser, centroid } };
}

/** The evaluation clips of one set (ID or an OOD level) of a scenario: `idCount` or `oodCount` draws. */
export function evalVideos(c: IdOodConfig, scenario: Scenario, set: { split: 'id' | 'ood'; level: number }): VideoSample[] {
  const count = set.split === 'id' ? c.idCount : c.oodCount;
  const cfg = dataConfig(c, scenario, set.split, count, set.level);
  return Array.from({ length: count }, (_, i) => makeVideo(cfg, c.dataSeed, i));
}

/** One scored video of an evaluation set: its parameters, the paper's group and its errors. */
export interface VideoRecord {
  index: number;
  /** Radius per object (world units). */
  radii: number[];
  /** Speed per object (u/s, ≥ 0; collision ball 2 moves left at this speed). */
  speeds: number[];
  /** Group of the paper's evaluation code (paperGroup): 'dropped' = a small ball the paper leaves out. */
  group: PaperGroup;
  /** Velocity error with the configured parser and with the paper's mask parser (null: no usable step). */
  error: number | null;
  errorMask: number | null;
  /** Mean x-velocity of the generated and of the true video per object, over the scored steps (null: none). */
  meanVx: Array<number | null>;
  meanVxTrue: Array<number | null>;
}

/**
 * Velocity error of one evaluation set (u/s). As in the paper's evaluation code (paper-spec §3.3),
 * videos with a small ball (uniform/parabola r < 0.6, collision r ≤ 0.5) are left out of `error`:
 * at 16 px such a ball is ≤ 1 px across. `errorAll` keeps them.
 */
export interface SetScore {
  /** Mean over the scored videos (configured parser). */
  error: number;
  /** The same with the paper's thresholded-mask parser. */
  errorMask: number;
  /** Mean over every video, small balls included. */
  errorAll: number;
  perFrame: number;
  /** Videos scored (not dropped). */
  n: number;
  /** Videos left out by the small-ball rule. */
  nDropped: number;
  /** Scored videos without a usable velocity step (skipped in the means). */
  nanCount: number;
  videos: VideoRecord[];
}

const r4 = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null);

/** Score generated (or true) clips against their videos' ground truth. */
export function score(c: IdOodConfig, scenario: Scenario, videos: VideoSample[], frames: Uint8Array[]): SetScore {
  const main = videos.map((v, i) => velocityError(scenario, frames[i], v.frameShape, v, errorConfig(c, c.parser)));
  const mask = videos.map((v, i) => velocityError(scenario, frames[i], v.frameShape, v, errorConfig(c, 'mask')));
  const groups = videos.map((v) => paperGroup(scenario, v.params.scene.objects.map((o) => o.radius), v.params.scene.objects.map((o) => o.speed)));
  const kept = (xs: VelocityErrorResult[]) => xs.filter((_, i) => groups[i] !== 'dropped');
  const s = summarizeErrors(kept(main));
  return {
    error: s.error,
    errorMask: summarizeErrors(kept(mask)).error,
    errorAll: summarizeErrors(main).error,
    perFrame: s.perFrame,
    n: s.n,
    nDropped: groups.filter((g) => g === 'dropped').length,
    nanCount: s.nanCount,
    videos: videos.map((v, i) => ({
      index: v.index,
      radii: v.params.scene.objects.map((o) => r4(o.radius) as number),
      speeds: v.params.scene.objects.map((o) => r4(o.speed) as number),
      group: groups[i],
      error: r4(main[i].error),
      errorMask: r4(mask[i].error),
      meanVx: main[i].meanVx.map(r4),
      meanVxTrue: main[i].meanVxTrue.map(r4),
    })),
  };
}

/** VAE latents: 1×2×2 on the 4×4 latent frames. */
export const VAE_PATCH: [number, number, number] = [1, 2, 2];

/** The patch the models use: `c.patch`, else 1×2×2 on VAE latents, else null (the preset's). */
export function resolvedPatch(c: Pick<IdOodConfig, 'patch' | 'latent'>): [number, number, number] | null {
  return c.patch ?? (c.latent === 'vae' ? [...VAE_PATCH] as [number, number, number] : null);
}

/** Where a VAE unit keeps its weights inside its cache folder. */
const vaeDir = (unitDir: string) => join(unitDir, 'vae');

/** The training videos a scenario's VAE learns its frames from: the largest training set. */
function vaeData(c: IdOodConfig, scenario: Scenario): DatasetConfig {
  return dataConfig(c, scenario, 'train', Math.max(...c.dataSizes));
}

/**
 * Trains the frame VAE of `scenario` (config `c.vae`, seed `c.dataSeed`) on the frames of its
 * largest training set and writes it to `dir` (vae.json + weights.bin, for autoencoder kind 'vae').
 */
export async function trainScenarioVae(c: IdOodConfig, scenario: Scenario, dir: string): Promise<Awaited<ReturnType<VaeTrainer['save']>>> {
  const ds = await loadOrGenerateDataset(vaeData(c, scenario), c.dataSeed, { progress: false });
  try {
    const source = { count: ds.count, frameShape: ds.frameShape, frames: (i: number) => ds.frames(i), description: `vae/${scenario} n=${ds.count}` };
    const trainer = new VaeTrainer(source, c.vae.model, c.vae.train, c.dataSeed);
    try {
      await trainer.run({ progress: true });
      return await trainer.save(dir);
    } finally {
      trainer.dispose();
    }
  } finally {
    ds.close();
  }
}

/**
 * Unit `vae/<scenario>`: trains the frame VAE on the frames of the scenario's largest training set
 * (ID ranges only: no evaluation clip), then scores its reconstructions of every evaluation set with
 * the pixel parser: the paper's VAE-reconstruction floor (paper Tab 3), reported beside the
 * ground-truth floor.
 */
function vaeUnit(c: IdOodConfig, scenario: Scenario): Unit {
  const data = vaeData(c, scenario);
  return {
    id: `vae/${scenario}`,
    key: { scenario, data: data as unknown as Json, dataSeed: c.dataSeed, vae: c.vae as unknown as Json, idCount: c.idCount, oodCount: c.oodCount, condFrames: c.condFrames, parser: c.parser },
    version: 'id-ood-vae-v1',
    cost: c.vae.train.steps * c.vae.train.batchSize * 0.05,
    run: async (ctx) => {
      ctx.progress.status(`training vae/${scenario}`);
      const meta = await trainScenarioVae(c, scenario, vaeDir(ctx.dir));
      const ae = createAutoencoder({ kind: 'vae', weights: vaeDir(ctx.dir) });
      const out: Record<string, Json> = {};
      try {
        for (const set of evalSets(scenario)) {
          ctx.progress.status(`vae/${scenario}: reconstructing ${set.name}`);
          const videos = evalVideos(c, scenario, set);
          const recon: Uint8Array[] = [];
          for (let i = 0; i < videos.length; i += 64) {
            const batch = videos.slice(i, i + 64);
            const x = framesToTensor(batch.map((v) => v.frames), batch[0].frameShape); // (B, T, H, W, 3)
            const y = tf.tidy(() => ae.decode(ae.encode(x)));
            x.dispose();
            recon.push(...(await tensorToFrames(y)));
            y.dispose();
          }
          out[set.name] = score(c, scenario, videos, recon) as unknown as Json;
        }
      } finally {
        ae.dispose();
      }
      return { meta: { reconMse: meta.reconMse, scale: meta.scale, steps: c.vae.train.steps } as unknown as Json, recon: out };
    },
  };
}

/**
 * The grid's cells in priority order, so a sweep stopped early has the most informative ones:
 * for each scenario in turn, (a) the smallest model on every data size and (b) the largest model
 * at the smallest and largest size, first seed; then (c) the other seeds of those headline cells,
 * scenario by scenario; then (d) the rest of the grid with the first seed.
 */
function cells(c: IdOodConfig, seeds: number[]): Array<{ scenario: Scenario; preset: string; n: number; seed: number }> {
  type Cell = { scenario: Scenario; preset: string; n: number; seed: number };
  const largest = c.presets[c.presets.length - 1];
  const headSizes = [c.dataSizes[0], c.dataSizes[c.dataSizes.length - 1]];
  const tiers: Cell[][] = [[], [], []];
  const seen = new Set<string>();
  const add = (tier: number, cell: Cell) => {
    const k = `${cell.scenario}/${cell.preset}/${cell.n}/${cell.seed}`;
    if (seen.has(k)) return;
    seen.add(k);
    tiers[tier].push(cell);
  };
  for (const scenario of c.scenarios) {
    for (const n of c.dataSizes) add(0, { scenario, preset: c.presets[0], n, seed: seeds[0] });
    for (const n of headSizes) add(0, { scenario, preset: largest, n, seed: seeds[0] });
  }
  for (const scenario of c.scenarios) for (const seed of seeds.slice(1)) for (const n of headSizes) add(1, { scenario, preset: largest, n, seed });
  for (const scenario of c.scenarios) for (const p of c.presets) for (const n of c.dataSizes) add(2, { scenario, preset: p, n, seed: seeds[0] });
  return tiers.flat();
}

export const experiment: Experiment<IdOodConfig> = {
  name: 'id-ood',
  description: 'in-distribution vs out-of-distribution scaling (paper §3, Fig 3)',
  defaultConfig: defaultIdOodConfig,
  defaultSeeds: (profile) => (profile === 'smoke' ? [1] : [1, 2, 3]),
  choices: { parser: ['alpha', 'mask'], latent: ['pixel', 'vae'] },
  plan(c, seeds) {
    if (!c.train.condFrames.includes(c.condFrames)) {
      throw new ConfigError(`train.condFrames ${JSON.stringify(c.train.condFrames)} must include condFrames (${c.condFrames}), the number of frames the evaluation conditions on`);
    }
    const units: Unit[] = [];
    for (const scenario of c.scenarios) {
      units.push({
        id: `floor/${scenario}`,
        key: { scenario, frames: c.frames, size: c.size, frameStride: c.frameStride[scenario], dataSeed: c.dataSeed, idCount: c.idCount, oodCount: c.oodCount, condFrames: c.condFrames, parser: c.parser },
        version: 'id-ood-floor-v2',
        cost: 1,
        run: async () => {
          const out: Record<string, Json> = {};
          for (const set of evalSets(scenario)) {
            const videos = evalVideos(c, scenario, set);
            out[set.name] = score(c, scenario, videos, videos.map((v) => v.frames)) as unknown as Json;
          }
          return out;
        },
      });
    }
    const vaeUnits = new Map<Scenario, Unit>();
    if (c.latent === 'vae') for (const scenario of c.scenarios) vaeUnits.set(scenario, vaeUnit(c, scenario));
    units.push(...vaeUnits.values());
    for (const cell of cells(c, seeds)) {
      const { scenario, preset, n, seed } = cell;
      const tag = `${scenario}/${preset}/n${n}/s${seed}`;
      const train = { ...c.train }; // its condFrames: [condFrames] by default, or a mixed list that includes it
      const vae = vaeUnits.get(scenario);
      const trainKey = {
        scenario, preset, n, seed, dataSeed: c.dataSeed, frames: c.frames, size: c.size, frameStride: c.frameStride[scenario], train,
        ...(c.patch ? { patch: c.patch } : {}), ...(vae ? { vae: { key: vae.key, version: vae.version } } : {}),
      };
      units.push(trainUnit({
        id: `train/${tag}`, key: trainKey, version: 'id-ood-train-v1', preset, seed, data: dataConfig(c, scenario, 'train', n), dataSeed: c.dataSeed, train,
        model: resolvedPatch(c) ? { patch: resolvedPatch(c)! } : undefined,
        deps: vae ? [vae.id] : undefined,
        autoencoder: vae ? (ctx) => ({ kind: 'vae', weights: vaeDir(ctx.depDirs[vae.id]) }) : undefined,
      }));
      units.push({
        id: `eval/${tag}`,
        key: { train: trainKey, sampleSteps: c.sampleSteps, idCount: c.idCount, oodCount: c.oodCount, parser: c.parser, examples: c.examples },
        version: 'id-ood-eval-v2',
        deps: [`train/${tag}`],
        cost: c.sampleSteps * (c.idCount + c.oodCount * (evalSets(scenario).length - 1)) * 0.2,
        run: async (ctx) => {
          const out: Record<string, Json> = {};
          await withTrainedModel(ctx.depDirs[`train/${tag}`], { condFrames: c.condFrames, seed, steps: c.sampleSteps }, async (generate) => {
            for (const set of evalSets(scenario)) {
              ctx.progress.status(`sampling ${tag} ${set.name}`);
              const videos = evalVideos(c, scenario, set);
              const gen = await generate(videos);
              const s = score(c, scenario, videos, gen);
              out[set.name] = { ...s, examples: gen.slice(0, c.examples).map((g, i) => ({ index: i, generated: toB64(g), truth: toB64(videos[i].frames) })) } as unknown as Json;
            }
          });
          return out;
        },
      });
    }
    return units;
  },
  summarize(c, seeds, results) {
    const rows: Row[] = [];
    for (const scenario of c.scenarios) {
      const floor = results[`floor/${scenario}`] as unknown as Record<string, SetScore> | undefined;
      if (floor) for (const [set, s] of Object.entries(floor)) rows.push({ scenario, model: 'gt', dataSize: null, seed: null, split: 'gt', set, velocityError: s.error, velocityErrorMask: s.errorMask, velocityErrorAll: s.errorAll, n: s.n, nDropped: s.nDropped, nanCount: s.nanCount, trainSeconds: null });
      const vae = results[`vae/${scenario}`] as unknown as { recon: Record<string, SetScore> } | undefined;
      if (vae) for (const [set, s] of Object.entries(vae.recon)) rows.push({ scenario, model: 'vae', dataSize: null, seed: null, split: 'vae', set, velocityError: s.error, velocityErrorMask: s.errorMask, velocityErrorAll: s.errorAll, n: s.n, nDropped: s.nDropped, nanCount: s.nanCount, trainSeconds: null });
    }
    for (const cell of cells(c, seeds)) {
      const tag = `${cell.scenario}/${cell.preset}/n${cell.n}/s${cell.seed}`;
      const ev = results[`eval/${tag}`] as unknown as Record<string, SetScore> | undefined;
      const tr = results[`train/${tag}`] as unknown as { seconds: number; stepSeconds?: number; finalLoss: number } | undefined;
      if (!ev) continue;
      for (const [set, s] of Object.entries(ev)) {
        rows.push({ scenario: cell.scenario, model: cell.preset, dataSize: cell.n, seed: cell.seed, split: set, set, velocityError: s.error, velocityErrorMask: s.errorMask, velocityErrorAll: s.errorAll, n: s.n, nDropped: s.nDropped, nanCount: s.nanCount, trainSeconds: tr ? Math.round(tr.stepSeconds ?? tr.seconds) : null });
      }
    }
    return rows;
  },
  exportArtifacts(c, seeds, results, outDir) {
    // Filmstrips (truth above, generation below) of the first example of each set, per trained cell.
    const dir = join(outDir, 'examples');
    rmSync(dir, { recursive: true, force: true }); // rewritten from the results each time: no strip of an older run stays
    for (const cell of cells(c, seeds)) {
      if (cell.seed !== seeds[0]) continue;
      const tag = `${cell.scenario}/${cell.preset}/n${cell.n}/s${cell.seed}`;
      const ev = results[`eval/${tag}`] as unknown as Record<string, { examples: Array<{ generated: string; truth: string }> }> | undefined;
      if (!ev) continue;
      mkdirSync(dir, { recursive: true });
      for (const [set, s] of Object.entries(ev)) {
        const ex = s.examples?.[0];
        if (!ex) continue;
        const file = join(dir, `${cell.scenario}-${cell.preset}-n${cell.n}-${set}.png`);
        const truth = Buffer.from(ex.truth, 'base64');
        const gen = Buffer.from(ex.generated, 'base64');
        const a = filmstrip(truth, c.frames, c.size, c.size, { scale: 4 });
        const b = filmstrip(gen, c.frames, c.size, c.size, { scale: 4 });
        const rgb = new Uint8Array(a.rgb.length + b.rgb.length + a.width * 3 * 4).fill(160);
        rgb.set(a.rgb, 0);
        rgb.set(b.rgb, a.rgb.length + a.width * 3 * 4);
        writeFileSync(file, encodePng(rgb, a.height * 2 + 4, a.width));
      }
    }
  },
};
