/**
 * Training settings and the full, resolved configuration of a DiT run (what checkpoints embed).
 * The paper states none of optimizer, LR, warm-up, EMA or decay (paper-spec §2, §9); defaults
 * follow DiT (AdamW, no weight decay) and the CPU calibration (lr 1e-3 beat 5e-4, batch 32).
 */
import { AutoencoderConfig, defaultAutoencoderConfig } from '../model/autoencoder';
import { DiTConfig } from '../model/dit-config';
import { DiffusionConfig, defaultDiffusionConfig, validateDiffusionConfig } from '../diffusion/schedule';
import { ConfigError, Profile } from '../config/profile';

export type LrSchedule = 'constant' | 'cosine';

export interface TrainConfig {
  /** Total optimizer steps of the run. Default 1000. */
  steps: number;
  /** Clips per step. Default 32. */
  batchSize: number;
  /** Peak learning rate. Default 1e-3. */
  lr: number;
  /** Linear warm-up from 0 over this many steps. Default 100. */
  warmupSteps: number;
  /** After warm-up: 'constant' or 'cosine' decay to `minLrRatio`·lr at the last step. Default 'constant'. */
  lrSchedule: LrSchedule;
  /** Final LR as a fraction of `lr` for the cosine schedule. Default 0.1. */
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

/** Per-profile training defaults. */
export function trainConfigFor(profile: Profile): TrainConfig {
  const base = defaultTrainConfig();
  if (profile === 'smoke') return { ...base, steps: 30, batchSize: 4, warmupSteps: 5, condFrames: [3], checkpointEvery: 0, emaDecay: 0.9 };
  if (profile === 'paper') return { ...base, steps: 100000, batchSize: 256, lr: 1e-4, warmupSteps: 1000, emaDecay: 0.9999, checkpointEvery: 5000 };
  return { ...base, steps: 15000 };
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
  if (cfg.lrSchedule !== 'constant' && cfg.lrSchedule !== 'cosine') fail('lrSchedule', `allowed: constant, cosine; got '${cfg.lrSchedule}'`);
  if (!(cfg.minLrRatio >= 0 && cfg.minLrRatio <= 1)) fail('minLrRatio', `must be in [0, 1], got ${cfg.minLrRatio}`);
  for (const k of ['beta1', 'beta2'] as const) if (!(cfg[k] >= 0 && cfg[k] < 1)) fail(k, `must be in [0, 1), got ${cfg[k]}`);
  if (!(cfg.eps > 0)) fail('eps', `must be > 0, got ${cfg.eps}`);
  if (!(cfg.weightDecay >= 0)) fail('weightDecay', `must be ≥ 0, got ${cfg.weightDecay}`);
  if (!(cfg.gradClip >= 0)) fail('gradClip', `must be ≥ 0 (0 = off), got ${cfg.gradClip}`);
  if (!(cfg.emaDecay >= 0 && cfg.emaDecay < 1)) fail('emaDecay', `must be in [0, 1), got ${cfg.emaDecay}`);
  if (!Array.isArray(cfg.condFrames) || cfg.condFrames.length === 0) fail('condFrames', 'must be a non-empty list of frame counts');
  for (const c of cfg.condFrames) if (!Number.isInteger(c) || c < 1 || c >= frames) fail('condFrames', `each must be an integer in [1, ${frames - 1}] (clips have ${frames} frames), got ${c}`);
  if (!Number.isInteger(cfg.checkpointEvery) || cfg.checkpointEvery < 0) fail('checkpointEvery', `must be an integer ≥ 0, got ${cfg.checkpointEvery}`);
}

export function validateRunConfig(cfg: DiTRunConfig): void {
  if (!Number.isInteger(cfg.seed)) throw new ConfigError(`seed: must be an integer, got ${cfg.seed}`);
  validateDiffusionConfig(cfg.diffusion);
  validateTrainConfig(cfg.train, cfg.model.latentShape[0]);
}

/** Learning rate at optimizer step `step` (0-based): linear warm-up, then constant or cosine. */
export function learningRate(cfg: TrainConfig, step: number): number {
  if (cfg.warmupSteps > 0 && step < cfg.warmupSteps) return (cfg.lr * (step + 1)) / cfg.warmupSteps;
  if (cfg.lrSchedule === 'constant') return cfg.lr;
  const span = Math.max(1, cfg.steps - cfg.warmupSteps);
  const p = Math.min(1, (step - cfg.warmupSteps) / span);
  const min = cfg.lr * cfg.minLrRatio;
  return min + 0.5 * (cfg.lr - min) * (1 + Math.cos(Math.PI * p));
}
