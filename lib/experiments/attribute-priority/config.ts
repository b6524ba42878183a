/**
 * Settings of experiment `attribute-priority` (lib/experiments/attribute-priority/experiment.ts),
 * one default per profile, and the dataset configs of its training, test and reader sets.
 *
 * quick: 32 px, 8 frames 0.3 s apart, 3 conditioning frames; one frame VAE shared by every model
 * (8× spatial compression to 4×4 latents, 1×2×2 patches = 32 tokens per clip), trained once on
 * frames of every attribute combination, as the paper diffuses the latents of one generic
 * pretrained VAE; `q64` models trained with the best measured recipe (README "Training recipe of
 * the e2e cell": lr 4e-3, 500 warm-up steps, cosine to 0.05·lr at the last step, batch 32,
 * EMA 0.999). Every model seed draws its own training videos (data seed = model seed).
 */
import type { Profile } from '../../config/profile';
import { DatasetConfig, defaultDatasetConfig } from '../../data/index';
import { PROFILE_PRESETS } from '../../model/presets';
import { defaultVaeConfig, VaeConfig } from '../../model/vae';
import { defaultVaeTrainConfig, VaeTrainConfig } from '../../train/vae-trainer';
import { TrainConfig, TRAIN_PROFILES } from '../../train/train-config';
import { ProfileTable, resolveProfile } from '../../config/profile-table';
import { BEST_RECIPE } from '../dit/recipe';
import { Combo, comboClasses, PAIR_NAMES, PAIRS } from './pairs';

/**
 * quick training steps per model (batch 32), sized to ≈ 3–4 min per model: a 300-step run of this
 * config at nice 5 on the shared machine (load ≈ 8) took 74 ms per step, so 3000 steps ≈ 3.7 min.
 */
export const ATTR_QUICK_STEPS = 3000;

export interface AttributePriorityConfig {
  /** Pairs to run (pairs.ts PAIR_NAMES, the ring variant 'ring'), in run order. Default all seven. */
  pairs: string[];
  /** Model preset (lib/model/presets.ts). quick 'q64', smoke 'tiny'. */
  preset: string;
  /** Training videos per model (half per training combination). quick 2048, smoke 16. */
  dataSize: number;
  /** Clip frames T. Default 8. */
  frames: number;
  /**
   * Clip side in pixels. quick 32, smoke 16. Chosen from the shape reader's disc-vs-square accuracy on
   * ground-truth clips at 16/24/32 px with pixel noise (clip-size.ts; the `readers` unit records the
   * table, notebook 04 shows it): 16 px falls below 98% at the paper's smallest radii, 24 and 32 px do
   * not. 32 px rather than 24: with the 8× frame VAE it gives 4×4 latents, so 1×2×2 patches make the
   * same 32 tokens per clip as id-ood's quick models (24 px would give 3×3 latents).
   */
  size: number;
  /** Physics steps (0.01 s) per frame, 1–1000. Default 30 (0.3 s, as id-ood's quick uniform). */
  frameStride: number;
  /** Conditioning frames (the paper's 3). */
  condFrames: number;
  /** DiT training settings; quick: the best measured recipe (module doc). */
  train: TrainConfig;
  /** DiT patch [frames, rows, cols] on the VAE latents. Default [1, 2, 2]; paper 4×2×2 (512 tokens). */
  patch: [number, number, number];
  /** The shared frame VAE: architecture, training, and videos per combination it learns from. */
  vae: { model: VaeConfig; train: VaeTrainConfig; videosPerCombo: number };
  /** Test videos per swapped combination and model. quick 48, smoke 2. */
  testPerCombo: number;
  /** Held-out videos per training combination and model (split 'train'). quick 16, smoke 1. */
  heldOutPerCombo: number;
  /** Ground-truth clips per combination for the readers' validation. quick 64, smoke 4. */
  readerPerCombo: number;
  /** Clips per (size, noise, radius band) of the clip-size measurement (clip-size.ts). quick 100, smoke 4. */
  clipSizeClips: number;
  /** DDIM steps when sampling. smoke 4, otherwise 20. */
  sampleSteps: number;
  /** Seed of the evaluation and reader videos (the same for every model). Default 1000. */
  evalSeed: number;
  /** Tolerance factor: a continuous attribute is kept when |generated − conditioning| ≤ toleranceFactor × the readers' 95th-percentile error on ground truth and VAE reconstructions. Default 3. */
  toleranceFactor: number;
  /** Generated clips kept per (pair, seed, test combination) for filmstrips. Default 2 (smoke 1). */
  examples: number;
}

/**
 * attribute-priority's settings per profile, stated once. Training: TRAIN_PROFILES of the profile;
 * quick the best measured recipe (lib/experiments/dit/recipe.ts) over ATTR_QUICK_STEPS, checkpoint every 1000.
 */
export const ATTRIBUTE_PRIORITY_PROFILES: ProfileTable<AttributePriorityConfig> = {
  default: {
    pairs: [...PAIR_NAMES],
    preset: 'q64',
    dataSize: 2048,
    frames: 8,
    size: 32,
    frameStride: 30,
    condFrames: 3,
    train: { ...TRAIN_PROFILES.default },
    patch: [1, 2, 2],
    vae: {
      model: { ...defaultVaeConfig(), patches: [4, 2], latentChannels: 16 },
      train: { ...defaultVaeTrainConfig('quick'), steps: 12000 },
      videosPerCombo: 256,
    },
    testPerCombo: 48,
    heldOutPerCombo: 16,
    readerPerCombo: 64,
    clipSizeClips: 100,
    sampleSteps: 20,
    evalSeed: 1000,
    toleranceFactor: 3,
    examples: 2,
  },
  smoke: {
    preset: PROFILE_PRESETS.smoke[0],
    dataSize: 16,
    size: 16,
    train: TRAIN_PROFILES.smoke,
    vae: { model: { patches: [2, 2], latentChannels: 4 }, train: { steps: 60 }, videosPerCombo: 4 },
    testPerCombo: 2,
    heldOutPerCombo: 1,
    readerPerCombo: 4,
    clipSizeClips: 4,
    sampleSteps: 4,
    examples: 1,
  },
  quick: { train: { ...BEST_RECIPE, steps: ATTR_QUICK_STEPS, checkpointEvery: 1000 } },
  // patch 4×2×2 on the 8× VAE's 32 × 16 × 16 latents: the paper token grid (8 × 8 × 8 = 512 tokens, presets.ts PAPER_LATENT_SHAPE; paper-spec §2 states no patch)
  paper: { preset: 'DiT-B', dataSize: 300_000, frames: 32, size: 128, frameStride: 10, train: TRAIN_PROFILES.paper, patch: [4, 2, 2], testPerCombo: 350 },
};

export function defaultAttributePriorityConfig(profile: Profile): AttributePriorityConfig {
  return resolveProfile(ATTRIBUTE_PRIORITY_PROFILES, profile);
}

/** Uniform-motion dataset of the given combinations (video i has combination i mod K). */
export function comboData(c: AttributePriorityConfig, combos: ReadonlyArray<Combo>, count: number, split: 'train' | 'id'): DatasetConfig {
  return {
    ...defaultDatasetConfig('quick', 'uniform', split),
    frames: c.frames,
    size: c.size,
    frameStride: c.frameStride,
    count,
    sampling: 'random',
    classes: comboClasses(combos),
  };
}

/** Every combination of every pair (train and test), deduplicated: what the shared VAE and the readers see. */
export function allCombos(c: AttributePriorityConfig): Combo[] {
  const seen = new Map<string, Combo>();
  for (const p of PAIRS) if (c.pairs.includes(p.name)) for (const k of [...p.train, ...p.test]) seen.set(JSON.stringify(k), k);
  return [...seen.values()];
}
