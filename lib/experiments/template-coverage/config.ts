/**
 * The settings of experiment `template-coverage` (paper §4, Tab 2; findings.md §2): the template
 * sets, the PHYRE-like clip, the training recipe, the frame VAE, the evaluation sets and the
 * feature nets of FVD-sim / LPIPS-sim, with one default per profile.
 *
 * `quick` clip, measured on this machine (2026-12-04, scripts in the notebook §2 and
 * `clipCheck` in clip-check.ts): at 32 px every object type is visible in the first frame (per
 * body at least the detector's `minMass` of 0.35 px² of coverage, except 2 of 210 red user balls;
 * static balls, standing bars and sticks all above it), and the abnormal detector flags 0 of 280
 * clean 8-frame clips (0.0%; 2 of 280 = 0.7% at 24 px, where 4 kinds of bodies fall under
 * `minMass` too). The DiT step at 32 px, 8 frames, q64, batch 32: 60 ms with a frame VAE of
 * spatial factor 8 (4×4 latents, 1×2×2 patches: 32 tokens) against 156 ms with factor 4 (8×8
 * latents, 128 tokens), unloaded; hence factor 8.
 *
 * The detector's mass noise (`detector`), measured the same day: a frame VAE trained 3000 steps on
 * 1920 clips of the 60 training templates, reconstructing 100 out-of-template clips, is flagged
 * 78% (factor 8) / 81% (factor 4, PSNR 32.8 dB) with the detector's default `massNoise` of 2 px²,
 * 20% / 14% with 4 and 0% / 0% with 8; on clean clips all of 2, 4 and 8 flag 0 of 200. Planted
 * violations (32 px, 8 frames, 30 per kind, `validateDetector`) flagged at all, massNoise 2 → 4 → 8:
 * vanished 93 → 67 → 17%, appeared 97 → 80 → 37%, size-change 73 → 50 → 17%, static-moved
 * 50 → 50 → 10%, interpenetration 17 → 13 → 3%, teleport 77 → 63 → 23%. `quick` uses 4: the VAE's
 * own reconstruction noise would otherwise flag most clips whatever the DiT does, while 8 misses
 * most planted violations. Rows also carry `abnormalDefault` (the default detector).
 */
import type { Profile } from '../../config/profile';
import { defaultVaeConfig, VaeConfig } from '../../model/vae';
import { defaultVaeTrainConfig, VaeTrainConfig } from '../../train/vae-trainer';
import { TrainConfig, TRAIN_PROFILES } from '../../train/train-config';
import { ProfileTable, resolveProfile } from '../../config/profile-table';
import { BEST_RECIPE } from '../dit/recipe';
import { PHYRE_STRIDE } from '../../sim/phyre/simulate';
import type { SimNetConfig } from '../../metrics/feature-nets';
import type { DetectorConfig } from '../../metrics/abnormal';
import { TRAIN_6, TRAIN_30, TRAIN_60 } from '../../sim/phyre/templates';

/** The paper's training template sets (paper-spec §4.2), by their size. */
export const TEMPLATE_SETS: Readonly<Record<number, ReadonlyArray<number>>> = { 6: TRAIN_6, 30: TRAIN_30, 60: TRAIN_60 };
export const TEMPLATE_SET_SIZES = [6, 30, 60] as const;

/** `quick` DiT training steps (batch 32): sized so 9 models fit about an hour on this machine under load (≈ 10–17 steps/s measured for 32 tokens). */
export const TC_QUICK_STEPS = 4000;
/** `quick` training videos per template (the data grows with the templates, as in the paper's 100K per template). */
export const TC_QUICK_PER_TEMPLATE = 64;
export interface TemplateCoverageConfig {
  /** Template set sizes to train on, each one of 6 | 30 | 60 (paper-spec §4.2). Default [6, 30, 60]. */
  templateSets: number[];
  /** Training videos per training template; a model on n templates sees n·perTemplate videos. Default quick 64, smoke 4, paper 100000. */
  perTemplate: number;
  /** Seed of the VAE's training videos (the DiT's training videos are drawn by each model's seed). Default 0. */
  dataSeed: number;
  /** Clip frames. Default quick and smoke 8 / 4, paper 32. */
  frames: number;
  /** Clip side in pixels. Default quick and smoke 32, paper 256. */
  size: number;
  /** Physics steps (1/60 s) per frame. Default 20 (the paper's). */
  stride: number;
  /** Conditioning frames (the paper's 1). */
  condFrames: number;
  /** Model preset (lib/model/presets.ts). Default quick q64, smoke tiny, paper DiT-XL (the paper's Tab 2 model). */
  preset: string;
  /** DiT training (condFrames set from `condFrames`). quick: TC_QUICK_STEPS with the best measured recipe (lib/experiments/dit/recipe.ts). */
  train: TrainConfig;
  /** DDIM steps when sampling. smoke 4, otherwise 20. */
  sampleSteps: number;
  /** What the models diffuse: 'vae' (default: the latents of a frame VAE trained on frames of the 60 training templates, as the paper diffuses in a frozen VAE's latent space) or 'pixel'. */
  latent: 'pixel' | 'vae';
  /** The frame VAE (latent 'vae'): architecture (spatial factor 8; quick 8 channels, paper 4) and training. */
  vae: { model: VaeConfig; train: VaeTrainConfig };
  /** VAE training videos per template of the 60 (seed `dataSeed`). Default quick 32, smoke 2. */
  vaePerTemplate: number;
  /** Spacetime patch of the DiT [frames, rows, cols]. Default [1, 2, 2] (quick: on 4×4 latents, 32 tokens); paper [4, 2, 2] (2048 tokens). */
  patch: [number, number, number];
  /** In-template evaluation videos per model: held-out trials (990–999) of its training templates, spread evenly. Default quick 120, smoke 4, paper 600. */
  inCount: number;
  /** Out-of-template evaluation videos: templates 60–69 in turn, task seeds 0, 1, …, trial 0. Default quick 200, smoke 4, paper 500. */
  outCount: number;
  /** Out-of-template generations kept per model for filmstrips. Default quick 4, smoke 1. */
  examples: number;
  /** Overrides of the abnormal detector's defaults (lib/metrics/abnormal.ts). Default quick and smoke { massNoise: 4 } (see above), paper {} (at 256 px the default). */
  detector: Partial<DetectorConfig>;
  /** The simulator feature nets of LPIPS-sim ('frame') and FVD-sim ('video') (lib/metrics/feature-nets.ts): overrides of their defaults. */
  features: { frame: Partial<SimNetConfig>; video: Partial<SimNetConfig> };
}

/** template-coverage's settings per profile, stated once. Training: TRAIN_PROFILES of the profile with 1 conditioning frame. */
export const TEMPLATE_COVERAGE_PROFILES: ProfileTable<TemplateCoverageConfig> = {
  default: {
    templateSets: [...TEMPLATE_SET_SIZES],
    perTemplate: TC_QUICK_PER_TEMPLATE,
    dataSeed: 0,
    frames: 8,
    size: 32,
    stride: PHYRE_STRIDE,
    condFrames: 1,
    preset: 'q64',
    train: { ...TRAIN_PROFILES.default, condFrames: [1] },
    sampleSteps: 20,
    latent: 'vae',
    vae: {
      model: { ...defaultVaeConfig(), patches: [2, 2, 2], latentChannels: 8 },
      train: { ...defaultVaeTrainConfig('quick'), steps: 10000 },
    },
    vaePerTemplate: 32,
    patch: [1, 2, 2],
    inCount: 120,
    outCount: 200,
    examples: 4,
    // quick and smoke { massNoise: 4 } (see above), paper the detector's defaults (at 256 px)
    detector: {},
    features: { frame: {}, video: {} },
  },
  smoke: {
    perTemplate: 4,
    frames: 4,
    preset: 'tiny',
    train: { ...TRAIN_PROFILES.smoke, condFrames: [1] },
    sampleSteps: 4,
    vae: { train: { steps: 40 } },
    vaePerTemplate: 2,
    inCount: 4,
    outCount: 4,
    examples: 1,
    detector: { massNoise: 4 },
    features: { frame: { steps: 4, trainVideos: 70 }, video: { steps: 4, trainVideos: 70 } },
  },
  quick: { train: { ...BEST_RECIPE, steps: TC_QUICK_STEPS, checkpointEvery: 1000 }, detector: { massNoise: 4 } },
  // the PHYRE runs trained 1000K steps at batch 256 (paper-spec §4 Training), 10x the basic scenarios' 100K
  // paper: 32 frames at 256 px on an 8×-spatial 4-channel frame VAE with 4×2×2 patches (8 × 16 × 16 = 2048 tokens), the
  // assumption id-ood's paper profile states for the paper's unpublished VAE factors and patch (512 tokens at 128 px)
  paper: {
    perTemplate: 100000, frames: 32, size: 256, preset: 'DiT-XL', train: { ...TRAIN_PROFILES.paper, steps: 1_000_000 }, inCount: 600, outCount: 500,
    vae: { model: { latentChannels: 4 } }, patch: [4, 2, 2],
  },
};

export function defaultTemplateCoverageConfig(profile: Profile): TemplateCoverageConfig {
  return resolveProfile(TEMPLATE_COVERAGE_PROFILES, profile);
}
