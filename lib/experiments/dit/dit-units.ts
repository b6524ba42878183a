/**
 * The two unit bodies every reproduction experiment shares: train a DiT preset on one dataset
 * config (cached, resumable from `<unit dir>/checkpoint`), and generate from the first frames of
 * evaluation videos with a trained unit's EMA weights.
 *
 * Each experiment keeps its own unit ids, keys and versions (they decide the cache folder), so
 * moving a unit body here never invalidates cached results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetConfig, loadOrGenerateDataset, VideoSample } from '../../data/index';
import { LoadedModel, loadModelForSampling } from '../../sample/load-model';
import { sampleVideos } from '../../sample/sample-videos';
import { ditRunConfig, trainDiT } from '../../train/run-dit';
import type { TrainConfig } from '../../train/train-config';
import type { AutoencoderConfig } from '../../model/autoencoder';
import type { DiTConfig } from '../../model/dit-config';
import { vaeFactor, VaeConfig } from '../../model/vae';
import type { Json, Unit, UnitContext } from '../core/experiment';
import { TRAIN_RESULT } from '../core/unit-schemas';
import { resultKind, toJson } from '../core/unit-results';
import { describeTraining, LatentGeometry } from './train-description';

/** Relative cost of training `preset` (steps × batch × width/64 for the `qNN` presets). */
export function trainCost(train: Pick<TrainConfig, 'steps' | 'batchSize'>, preset: string): number {
  return train.steps * train.batchSize * (preset.startsWith('q') ? Number(preset.slice(1)) / 64 : 1);
}

/** What a train unit returns (its `result.json`). */
/** A train unit's result, typed (read it with resultOf(results, id, TRAIN_RESULTS)). */
export const TRAIN_RESULTS = resultKind<TrainResult>(TRAIN_RESULT);

export interface TrainResult {
  steps: number;
  /** Loss of the last step (null when no step ran). */
  finalLoss: number | null;
  /** Wall time of this run of the unit (a resumed unit counts only the resumed part). */
  seconds: number;
  /** Sum of the per-step times of every step of the model, across resumed runs (train-log.jsonl; a step run twice counts once, its last run). Absent in results written before it existed. */
  stepSeconds?: number;
  params: number;
}

/** Everything a train unit needs besides its cache identity. */
export interface TrainUnitSpec {
  /** Unit id, e.g. `train/uniform/q64/n1024/s1`. */
  id: string;
  /** What the result depends on (hashed into the cache folder). */
  key: Json;
  /** Code version of the unit (bump to invalidate cached results). */
  version: string;
  /** Model preset (lib/model/presets.ts). */
  preset: string;
  /** Training seed (initialisation, batches, noise). */
  seed: number;
  /** The training videos. */
  data: DatasetConfig;
  /** Seed the dataset is simulated with. */
  dataSeed: number;
  /** Training settings (condFrames included). */
  train: TrainConfig;
  /** Architecture fields over the preset's (e.g. a tubelet patch). Default none. */
  model?: Partial<DiTConfig>;
  /** What the DiT diffuses: pixels (default) or the latents of a trained frame VAE, given the unit's context (e.g. a VAE unit's folder among its dependencies). */
  autoencoder?: (ctx: UnitContext) => AutoencoderConfig;
  /** Units the training needs (e.g. the VAE). Default none. */
  deps?: string[];
  /** With `autoencoder`: the VAE's spatial factor and latent channels, so `--dry-run` can give tokens and parameters without a trained VAE. Description only (not in the key); absent with a VAE: the description gives steps only. */
  latent?: LatentGeometry;
}

/** Σ of the per-step `ms` of a train log, each step once (its last entry: a resumed run repeats the steps after the checkpoint), in seconds. */
export function stepSecondsOf(logFile: string): number {
  if (!existsSync(logFile)) return 0;
  const ms = new Map<number, number>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as { step?: unknown; ms?: unknown };
      if (typeof e.step === 'number' && typeof e.ms === 'number') ms.set(e.step, e.ms);
    } catch {
      // a line cut by a kill: skip it
    }
  }
  let total = 0;
  for (const v of ms.values()) total += v;
  return total / 1000;
}

/**
 * The train-unit fields of a model that diffuses the latents of the frame VAE unit `vae`: the VAE as a dependency,
 * its weights (`weightsDir` of the VAE unit's folder) as the autoencoder, its geometry (for `--dry-run`) and the DiT
 * patch on its latents.
 */
export function vaeTrainFields(vae: Unit, vaeModel: VaeConfig, patch: [number, number, number], weightsDir: (unitDir: string) => string): Required<Pick<TrainUnitSpec, 'model' | 'deps' | 'autoencoder' | 'latent'>> {
  return {
    model: { patch },
    deps: [vae.id],
    autoencoder: (ctx) => ({ kind: 'vae', weights: weightsDir(ctx.depDirs[vae.id]) }),
    latent: { factor: vaeFactor(vaeModel), channels: vaeModel.latentChannels },
  };
}

/** A cacheable unit that trains (or resumes from its checkpoint) `spec.preset` on `spec.data`. */
export function trainUnit(spec: TrainUnitSpec): Unit {
  return {
    id: spec.id,
    key: spec.key,
    version: spec.version,
    cost: trainCost(spec.train, spec.preset),
    schema: TRAIN_RESULT,
    deps: spec.deps,
    describe: () => describeTraining({ preset: spec.preset, clip: spec.data, train: spec.train, model: spec.model, latent: spec.autoencoder ? spec.latent ?? null : 'pixel' }),
    run: async (ctx: UnitContext) => {
      const ds = await loadOrGenerateDataset(spec.data, spec.dataSeed, { progress: false });
      try {
        const source = { count: ds.count, frameShape: ds.frameShape, frames: (i: number) => ds.frames(i), description: `${spec.id} n=${spec.data.count}` };
        const config = ditRunConfig({ preset: spec.preset, frameShape: ds.frameShape, seed: spec.seed, train: spec.train, model: spec.model, autoencoder: spec.autoencoder?.(ctx) });
        ctx.progress.status(`training ${spec.id}`);
        const t0 = Date.now();
        const trainer = await trainDiT({ config, source, checkpointDir: join(ctx.dir, 'checkpoint'), logFile: join(ctx.dir, 'train-log.jsonl'), progress: true });
        const result: TrainResult = { steps: trainer.step, finalLoss: trainer.lastLoss, seconds: (Date.now() - t0) / 1000, stepSeconds: stepSecondsOf(join(ctx.dir, 'train-log.jsonl')), params: trainer.model.numParams() };
        trainer.dispose();
        return toJson(result);
      } finally {
        ds.close();
      }
    },
  };
}

/** What generation reads of a conditioning video: its frames and their shape. */
export type ConditioningVideo = Pick<VideoSample, 'frames' | 'frameShape'>;

/** Generates clips from conditioning videos with one loaded model (see `withTrainedModel`). */
export type Generator = (videos: ReadonlyArray<ConditioningVideo>) => Promise<Uint8Array[]>;

/** The noise seed the evaluations sample a train unit's model with: 1000 + its training seed. */
export const evalNoiseSeed = (trainingSeed: number): number => 1000 + trainingSeed;

/**
 * Condition a loaded model on the first `condFrames` frames of each video and sample with `steps`
 * DDIM steps, noise seed `noiseSeed` (video k on noise stream k) and `batchSize` videos per batch
 * (sampleVideos' default when absent); each clip comes back as (T, H, W, 3) uint8.
 */
export function generateFrom(loaded: LoadedModel, videos: ReadonlyArray<ConditioningVideo>, o: { condFrames: number; noiseSeed: number; steps: number; batchSize?: number }): Promise<Uint8Array[]> {
  const [, H, W, C] = videos[0].frameShape;
  const cond = videos.map((v) => v.frames.slice(0, o.condFrames * H * W * C));
  return sampleVideos({ model: loaded.model, autoencoder: loaded.autoencoder, diffusion: loaded.meta.config.diffusion, conditioning: cond, frameShape: videos[0].frameShape, seed: o.noiseSeed, steps: o.steps, batchSize: o.batchSize });
}

/**
 * Load the EMA weights of a train unit's checkpoint, hand `fn` a generator, dispose the model after.
 * The generator conditions on the first `condFrames` frames of each video and samples with `steps`
 * DDIM steps and noise seed evalNoiseSeed(`seed`) (generateFrom); each clip comes back as (T, H, W, 3) uint8.
 */
export async function withTrainedModel<R>(trainDir: string, opts: { condFrames: number; seed: number; steps: number }, fn: (generate: Generator) => Promise<R>): Promise<R> {
  const loaded = loadModelForSampling(join(trainDir, 'checkpoint'));
  try {
    const want = loaded.meta.config.train.steps;
    // a checkpoint another process is still training is partial: never evaluated
    if (loaded.meta.step !== want) throw new Error(`the checkpoint in ${join(trainDir, 'checkpoint')} is at step ${loaded.meta.step} of ${want}: its train unit has not finished there (another process may be training it); nothing is evaluated from a partial model`);
    return await fn((videos) => generateFrom(loaded, videos, { condFrames: opts.condFrames, noiseSeed: evalNoiseSeed(opts.seed), steps: opts.steps }));
  } finally {
    loaded.model.dispose();
    loaded.autoencoder.dispose();
  }
}

/** A clip's bytes as base64 (how units store example generations in their JSON result). */
export const toB64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
