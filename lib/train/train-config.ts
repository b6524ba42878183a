/**
 * Training settings and the full, resolved configuration of a DiT run (what checkpoints embed).
 * The paper states none of optimizer, LR, warm-up, EMA or decay (paper-spec §2, §9); defaults
 * follow DiT (AdamW, no weight decay) and the CPU calibration (lr 1e-3 beat 5e-4, batch 32).
 */
import { AutoencoderConfig, defaultAutoencoderConfig } from '../model/autoencoder';
import { DiTConfig } from '../model/dit-config';
import { DiffusionConfig, defaultDiffusionConfig, validateDiffusionConfig } from '../diffusion/schedule';
import { ConfigError, Profile } from '../config/profile';
import { ProfileTable, resolveProfile } from '../config/profile-table';
import { LossWeightingConfig, validateLossWeighting } from '../diffusion/loss-weighting';
import { TimestepSamplingConfig, validateTimestepSampling } from '../diffusion/timestep-sampling';

export type LrSchedule = 'constant' | 'cosine' | 'linear';
export const LR_SCHEDULES: ReadonlyArray<LrSchedule> = ['constant', 'cosine', 'linear'];

/**
 * The recipe options added for issue #17 (timestep sampling, loss weighting) are optional fields:
 * absent means the behaviour from before they existed ('uniform', 'none'), so configs and
 * checkpoints written before them still read. Unit keys hold the resolved form
 * (`resolvedTrainConfig`: every option written out, unread ones null), so an absent option and
 * its default written out share a key. `withRecipeDefaults` fills them in for command-line
 * overrides; `withoutRecipeDefaults` drops the ones at their default again.
 */
export interface TrainConfig extends TimestepSamplingConfig, LossWeightingConfig {
  /** Total optimizer steps of the run. Default 1000. */
  steps: number;
  /** Clips per step. Default 32. */
  batchSize: number;
  /** Peak learning rate. Default 1e-3. */
  lr: number;
  /** Linear warm-up from 0 over this many steps. Default 100. */
  warmupSteps: number;
  /** After warm-up: 'constant', or 'cosine' / 'linear' decay to `minLrRatio`·lr at the last step (`steps`). Default 'constant'. */
  lrSchedule: LrSchedule;
  /** Final LR as a fraction of `lr` for the cosine and linear schedules. Default 0.1. */
  minLrRatio: number;
  /** AdamW β1. Default 0.9. */
  beta1: number;
  /** AdamW β2. Default 0.999. */
  beta2: number;
  /** AdamW ε. Default 1e-8. */
  eps: number;
  /** Decoupled weight decay λ on weight matrices (not biases/tables). Default 0 (DiT). */
  weightDecay: number;
  /** Clip the global gradient norm to this (0 = off). Default 1. */
  gradClip: number;
  /** EMA decay of the sampling weights. Default 0.999. */
  emaDecay: number;
  /** EMA warm-up: use min(decay, (1 + step)/(10 + step)). Default true. */
  emaWarmup: boolean;
  /** Conditioning frame counts; each sample draws one uniformly (mixed batch). Default [3]. */
  condFrames: number[];
  /** Save a checkpoint every this many steps (0 = only at the end). Default 500. */
  checkpointEvery: number;
  /**
   * Share of training clips whose conditioning is dropped (no conditioning frames: zero frames, a
   * zero mask, the loss on every frame), so that one model also learns the unconditional velocity
   * and sampling can use classifier-free guidance on the conditioning frames (Ho & Salimans 2022;
   * `diffusion.guidance`). In [0, 1). Default 0 (absent): nothing dropped, as every run before it;
   * it enters the resolved form (unit keys) only when > 0, so the keys of the runs without it stay.
   */
  condDropout?: number;
}

export function defaultTrainConfig(): TrainConfig {
  return {
    steps: 1000,
    batchSize: 32,
    lr: 1e-3,
    warmupSteps: 100,
    lrSchedule: 'constant',
    minLrRatio: 0.1,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0,
    gradClip: 1,
    emaDecay: 0.999,
    emaWarmup: true,
    condFrames: [3],
    checkpointEvery: 500,
  };
}

/** The optional recipe fields at their defaults (today's behaviour). */
export function recipeOptionDefaults(): Required<TimestepSamplingConfig & LossWeightingConfig> {
  return { timestepSampling: 'uniform', logitNormalMean: 0, logitNormalStd: 1, lossWeighting: 'none', minSnrGamma: 5 };
}

/** `cfg` with every optional recipe field present (absent ones at their defaults), e.g. as a base for dotted overrides. */
export function withRecipeDefaults(cfg: TrainConfig): TrainConfig {
  const out = { ...cfg } as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(recipeOptionDefaults())) if (out[k] === undefined) out[k] = v;
  return out as unknown as TrainConfig;
}

/** `cfg` without the optional recipe fields that are at their defaults (so a command-line run's checkpoint config reads as before they existed). */
export function withoutRecipeDefaults(cfg: TrainConfig): TrainConfig {
  const out: TrainConfig = { ...cfg };
  const defs = recipeOptionDefaults() as Record<string, unknown>;
  for (const k of Object.keys(defs)) if ((out as unknown as Record<string, unknown>)[k] === defs[k]) delete (out as unknown as Record<string, unknown>)[k];
  // the logit-normal's parameters mean nothing under uniform sampling, γ nothing without min-SNR
  if ((out.timestepSampling ?? 'uniform') === 'uniform') {
    delete out.logitNormalMean;
    delete out.logitNormalStd;
  }
  if ((out.lossWeighting ?? 'none') === 'none') delete out.minSnrGamma;
  if (!out.condDropout) delete out.condDropout;
  return out;
}

/** A train config with every option resolved: the optional recipe fields at their values, fields the trainer does not read null. */
export type ResolvedTrainConfig = Omit<TrainConfig, 'minLrRatio' | 'logitNormalMean' | 'logitNormalStd' | 'minSnrGamma'> & {
  timestepSampling: NonNullable<TrainConfig['timestepSampling']>;
  lossWeighting: NonNullable<TrainConfig['lossWeighting']>;
  minLrRatio: number | null;
  logitNormalMean: number | null;
  logitNormalStd: number | null;
  minSnrGamma: number | null;
};

/**
 * What a run trains with: `cfg` with the optional recipe fields written out at their defaults
 * (recipeOptionDefaults) and every field the trainer does not read set to null (minLrRatio under
 * the constant schedule, the logit-normal's parameters under uniform timestep sampling, γ without
 * Min-SNR weighting). Unit keys hold this (lib/experiments/dit/train-key.ts), so two spellings of
 * one recipe share a key and changing a default changes the keys of exactly the runs that use it.
 */
export function resolvedTrainConfig(cfg: TrainConfig): ResolvedTrainConfig {
  const r = withRecipeDefaults(cfg);
  if (!r.condDropout) delete r.condDropout; // 0 and absent share a key (see TrainConfig.condDropout)
  const timestepSampling = r.timestepSampling ?? 'uniform';
  const lossWeighting = r.lossWeighting ?? 'none';
  return {
    ...r,
    condFrames: [...r.condFrames],
    timestepSampling,
    lossWeighting,
    minLrRatio: r.lrSchedule === 'constant' ? null : r.minLrRatio,
    logitNormalMean: timestepSampling === 'logit-normal' ? r.logitNormalMean! : null,
    logitNormalStd: timestepSampling === 'logit-normal' ? r.logitNormalStd! : null,
    minSnrGamma: lossWeighting === 'min-snr' ? r.minSnrGamma! : null,
  };
}

/**
 * Training defaults per profile, stated once: `quick` is defaultTrainConfig() with 15000 steps
 * (batch 32); smoke and paper patch it. Experiments patch these in their own profile tables.
 */
export const TRAIN_PROFILES: ProfileTable<TrainConfig> = {
  default: { ...defaultTrainConfig(), steps: 15000 },
  smoke: { steps: 30, batchSize: 4, warmupSteps: 5, condFrames: [3], checkpointEvery: 0, emaDecay: 0.9 },
  paper: { steps: 100000, batchSize: 256, lr: 1e-4, warmupSteps: 1000, emaDecay: 0.9999, checkpointEvery: 5000 },
};

/** Per-profile training defaults (TRAIN_PROFILES resolved). */
export function trainConfigFor(profile: Profile): TrainConfig {
  return resolveProfile(TRAIN_PROFILES, profile);
}

/** Everything that defines a run; embedded in checkpoints. */
export interface DiTRunConfig {
  /** Master seed: init, data order, noise, timesteps. */
  seed: number;
  /** Name of the model preset the architecture came from (presets.ts), or 'custom'. */
  preset: string;
  model: DiTConfig;
  diffusion: DiffusionConfig;
  autoencoder: AutoencoderConfig;
  train: TrainConfig;
}

export function defaultRunParts(): Pick<DiTRunConfig, 'diffusion' | 'autoencoder'> {
  return { diffusion: defaultDiffusionConfig(), autoencoder: defaultAutoencoderConfig() };
}

export function validateTrainConfig(cfg: TrainConfig, frames: number, prefix = 'train'): void {
  const fail = (k: string, m: string) => {
    throw new ConfigError(`${prefix}.${k}: ${m}`);
  };
  const posInt = (k: keyof TrainConfig) => {
    const v = cfg[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(k, `must be a positive integer, got ${String(v)}`);
  };
  posInt('steps');
  posInt('batchSize');
  if (!(cfg.lr > 0)) fail('lr', `must be > 0, got ${cfg.lr}`);
  if (!Number.isInteger(cfg.warmupSteps) || cfg.warmupSteps < 0) fail('warmupSteps', `must be an integer ≥ 0, got ${cfg.warmupSteps}`);
  if (!LR_SCHEDULES.includes(cfg.lrSchedule)) fail('lrSchedule', `allowed: ${LR_SCHEDULES.join(', ')}; got '${cfg.lrSchedule}'`);
  if (!(cfg.minLrRatio >= 0 && cfg.minLrRatio <= 1)) fail('minLrRatio', `must be in [0, 1], got ${cfg.minLrRatio}`);
  for (const k of ['beta1', 'beta2'] as const) if (!(cfg[k] >= 0 && cfg[k] < 1)) fail(k, `must be in [0, 1), got ${cfg[k]}`);
  if (!(cfg.eps > 0)) fail('eps', `must be > 0, got ${cfg.eps}`);
  if (!(cfg.weightDecay >= 0)) fail('weightDecay', `must be ≥ 0, got ${cfg.weightDecay}`);
  if (cfg.condDropout !== undefined && !(cfg.condDropout >= 0 && cfg.condDropout < 1)) fail('condDropout', `must be in [0, 1), got ${cfg.condDropout}`);
  if (!(cfg.gradClip >= 0)) fail('gradClip', `must be ≥ 0 (0 = off), got ${cfg.gradClip}`);
  if (!(cfg.emaDecay >= 0 && cfg.emaDecay < 1)) fail('emaDecay', `must be in [0, 1), got ${cfg.emaDecay}`);
  if (!Array.isArray(cfg.condFrames) || cfg.condFrames.length === 0) fail('condFrames', 'must be a non-empty list of frame counts');
  for (const c of cfg.condFrames) if (!Number.isInteger(c) || c < 1 || c >= frames) fail('condFrames', `each must be an integer in [1, ${frames - 1}] (clips have ${frames} frames), got ${c}`);
  if (!Number.isInteger(cfg.checkpointEvery) || cfg.checkpointEvery < 0) fail('checkpointEvery', `must be an integer ≥ 0, got ${cfg.checkpointEvery}`);
  validateTimestepSampling(cfg, prefix);
  validateLossWeighting(cfg, prefix);
}

export function validateRunConfig(cfg: DiTRunConfig): void {
  if (!Number.isInteger(cfg.seed)) throw new ConfigError(`seed: must be an integer, got ${cfg.seed}`);
  validateDiffusionConfig(cfg.diffusion);
  validateTrainConfig(cfg.train, cfg.model.latentShape[0]);
}

/** Learning rate at optimizer step `step` (0-based): linear warm-up, then constant, cosine or linear decay. */
export function learningRate(cfg: TrainConfig, step: number): number {
  if (cfg.warmupSteps > 0 && step < cfg.warmupSteps) return (cfg.lr * (step + 1)) / cfg.warmupSteps;
  if (cfg.lrSchedule === 'constant') return cfg.lr;
  const span = Math.max(1, cfg.steps - cfg.warmupSteps);
  const p = Math.min(1, (step - cfg.warmupSteps) / span);
  const min = cfg.lr * cfg.minLrRatio;
  if (cfg.lrSchedule === 'linear') return cfg.lr + (min - cfg.lr) * p;
  return min + 0.5 * (cfg.lr - min) * (1 + Math.cos(Math.PI * p));
}
