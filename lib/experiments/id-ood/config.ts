/**
 * The settings of experiment `id-ood` (lib/experiments/id-ood/experiment.ts): the grid, the clip and frame
 * interval, the latent space (frame VAE or pixels) and the patch, with one default per profile,
 * and the dataset configs of its training and evaluation sets.
 */
import type { Profile } from '../../config/profile';
import { ProfileTable, resolveProfile } from '../../config/profile-table';
import { DatasetConfig, defaultDatasetConfig, trainSizes } from '../../data/index';
import { PROFILE_PRESETS } from '../../model/presets';
import { defaultVaeConfig, VaeConfig } from '../../model/vae';
import { defaultVaeTrainConfig, VaeTrainConfig } from '../../train/vae-trainer';
import type { Scenario } from '../../sim/scenes';
import { STRIDE } from '../../sim/constants';
import { CLIP_PROFILES, ClipSettings } from '../dit/clip-settings';
import { BEST_RECIPE } from '../dit/recipe';

/**
 * id-ood's `quick` frame strides (IdOodConfig.frameStride). Collisions get 15: at 30, 71 of 128
 * ID collision clips have no post-collision step with both balls in view (at 15: 7; at 10: 5),
 * while the ground-truth floor falls from 0.131 (10) to 0.090 u/s (15).
 */
export const QUICK_FRAME_STRIDE: Readonly<Record<Scenario, number>> = { uniform: 30, collision: 15, parabola: 30 };
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

/** id-ood's settings: the shared clip settings (lib/experiments/dit/clip-settings.ts) and the grid. */
export interface IdOodConfig extends ClipSettings {
  /** Scenarios, in priority order. Default: uniform, collision, parabola. */
  scenarios: Scenario[];
  /** Model presets (lib/model/presets.ts), smallest first. Default: the profile's presets. */
  presets: string[];
  /** Training-set sizes, smallest first. Default: ID_OOD_QUICK_SIZES (256/1K/4K/16K), smoke 16/32, paper the profile's. */
  dataSizes: number[];
  /** Held-out ID videos per evaluation. */
  idCount: number;
  /** Videos per OOD level. */
  oodCount: number;
  /** Generated clips kept per evaluation set for filmstrips. Default 3. */
  examples: number;
  /**
   * Physics steps (0.01 s) per frame per scenario, each 1–1000. Default: quick uniform and
   * parabola 30 (0.3 s), collision 15 (QUICK_FRAME_STRIDE), otherwise 10 (the paper's 0.1 s).
   * At 16 px and 0.1 s an ID ball moves 0.16–0.64 px per frame and 8 frames span 0.7 s (the
   * paper's 32 frames at 128 px: 1.3–5.1 px per frame over 3.1 s); 0.3 s gives 0.5–1.9 px per
   * frame over 2.1 s, and the earliest contact (frame 3) at 0.9 s, as the paper's
   * frame 8 at 0.8 s. Measured (q64, 4096 uniform videos, 6000 steps, seed 1): ID error 0.52 u/s
   * at stride 10, 0.41 at 20, 0.41 at 30; OOD-r 2.15 → 1.51, OOD-v 1.57 → 1.16 (10 → 30).
   */
  frameStride: Record<Scenario, number>;
  /**
   * What the models diffuse. 'vae' (default): the latents of a frame VAE trained per scenario on
   * the frames of its largest training set (unit `vae/<scenario>`, lib/model/vae.ts), as the paper
   * diffuses in a frozen VAE's latent space (paper profile: 8× spatial, 4 channels); 'pixel': the pixels.
   * Measured (q64, 4096 uniform videos, stride 30, 6000 steps, seed 1): pixels ID 0.41 u/s in
   * 15 min, VAE latents with 1×2×2 patches ID 0.17 u/s in 5 min.
   */
  latent: 'pixel' | 'vae';
  /** The frame VAE (latent 'vae'): architecture and training (lib/model/vae.ts, lib/train/vae-trainer.ts). */
  vae: { model: VaeConfig; train: VaeTrainConfig };
  /**
   * Spacetime patch [frames, rows, cols] of every model. Default null (paper: 4×2×2 on the 8×-VAE's latents, the paper's 512 tokens): the latent's default
   * (`resolvedPatch`): 1×2×2 on the VAE's 4×4 latents (32 tokens), the preset's 1×4×4 on pixels
   * (128 tokens); the unit keys hold the patch used. Pixel tubelets [2, 4, 4] (64 tokens)
   * gave ID 1.76 vs 0.41 u/s at 6000 steps.
   */
  patch: [number, number, number] | null;
  /**
   * Optional (absent: false; `experiment.optional`, so adding it changed no default config or hash):
   * each seed also draws its model's training videos (the training set's data seed is the model
   * seed; issue #17 item 3), so seed spread includes the choice of data. false: every seed trains on
   * `dataSeed`'s videos. Evaluation videos, floors and the frame VAE keep `dataSeed` either way.
   */
  dataPerSeed?: boolean;
  /**
   * Optional (absent: 'headline'): which cells get every seed. 'headline': the largest model at the
   * smallest and largest data size (the others get the first seed); 'all': every cell of the grid.
   */
  seedCells?: SeedCells;
  /**
   * Optional (absent: null): a width-scaled peak learning rate, as µP-style transfer scales it: a
   * preset of width `hidden` trains at train.lr × lrWidthRef / hidden (lrWidthRef 64 with lr 4e-3:
   * q64 4e-3, q128 2e-3, the better peak of each in the e2e trials t5/t7 and t14). null: train.lr
   * for every preset.
   */
  lrWidthRef?: number | null;
}

/** Training steps of each quick model: 15,000, as before the recipe (same cost per model), now the end of the cosine. */
export const RECIPE_GRID_STEPS = 15000;
/** Peak learning rate of the quick recipe at width RECIPE_GRID_WIDTH_REF (the best recipe's, measured on q64: trials t1/t5, t4/t7). */
export const RECIPE_GRID_LR = 4e-3;
/**
 * The quick peak rate scales as RECIPE_GRID_LR × 64 / width: q128 trains at 2e-3. Measured before the grid
 * ran (e2e trials t14, q128 on the e2e cell, cosine over 15,000 steps): 2e-3 ended at 0.0725 u/s and
 * 4e-3 at 0.0760, 2e-3 ahead at each of the six evaluations by 2–8%; on q64, 4e-3 was ahead of 2e-3
 * by 5–12% (t5 vs t1, t7 vs t4).
 */
export const RECIPE_GRID_WIDTH_REF = 64;

/** Which cells of the grid get every seed (IdOodConfig.seedCells). */
export const SEED_CELLS = ['headline', 'all'] as const;
export type SeedCells = (typeof SEED_CELLS)[number];

/** The optional settings of id-ood and what their absence means (Experiment.optional). */
export const ID_OOD_OPTIONAL = { dataPerSeed: false, seedCells: 'headline', lrWidthRef: null } as const;

/** The peak learning rate of a model of width `hidden`: train.lr, scaled by lrWidthRef / hidden when set. */
export function presetLr(c: Pick<IdOodConfig, 'train' | 'lrWidthRef'>, hidden: number): number {
  return c.lrWidthRef ? (c.train.lr * c.lrWidthRef) / hidden : c.train.lr;
}

/** The data seed of the training videos of a model with seed `seed`: the seed itself with `dataPerSeed`, else `dataSeed`. */
export function trainDataSeed(c: Pick<IdOodConfig, 'dataSeed' | 'dataPerSeed'>, seed: number): number {
  return c.dataPerSeed ? seed : c.dataSeed;
}

/**
 * id-ood's settings per profile, stated once (lib/config/profile-table.ts), over the shared clip
 * settings (CLIP_PROFILES: quick 15000 training steps × batch 32, checkpoint every 1000; at 6000 the
 * ID error of every uniform model was still falling, 3000 → 6000 steps: 0.98 → 0.41 u/s at stride 30,
 * and 16K videos scored worse than 1K, each seen ≈ 12 times).
 */
export const ID_OOD_PROFILES: ProfileTable<IdOodConfig> = {
  default: {
    scenarios: ['uniform', 'collision', 'parabola'],
    presets: ['q64', 'q128'],
    dataSizes: [...ID_OOD_QUICK_SIZES],
    ...CLIP_PROFILES.default,
    idCount: 128,
    oodCount: 96,
    examples: 3,
    frameStride: { ...QUICK_FRAME_STRIDE },
    latent: 'vae',
    vae: { model: { ...defaultVaeConfig(), latentChannels: ID_OOD_VAE_CHANNELS }, train: { ...defaultVaeTrainConfig('quick'), steps: ID_OOD_VAE_STEPS } },
    patch: null,
  },
  /**
   * quick: the recipe grid (issue #17 item 3, lib/experiments/id-ood/recipe-grid.ts), the default since
   * it was complete: the best measured recipe (lib/experiments/dit/recipe.ts: 500 warm-up steps, cosine
   * to 0.05·lr) over RECIPE_GRID_STEPS with the peak rate scaled by width, every cell on every seed, each
   * seed drawing its training videos. Before, quick trained at a constant lr 1e-3 with 3 seeds on the
   * headline cells only and one data seed (constantLrQuickConfig: criterion v1's grid).
   */
  quick: {
    train: { ...BEST_RECIPE, lr: RECIPE_GRID_LR, steps: RECIPE_GRID_STEPS },
    dataPerSeed: true,
    seedCells: 'all',
    lrWidthRef: RECIPE_GRID_WIDTH_REF,
  },
  smoke: {
    presets: [...PROFILE_PRESETS.smoke],
    dataSizes: [16, 32],
    condFrames: 2,
    train: { condFrames: [2] },
    idCount: 6,
    oodCount: 4,
    examples: 1,
    frameStride: { uniform: STRIDE, collision: STRIDE, parabola: STRIDE },
    vae: { train: { steps: 60 } },
  },
  paper: {
    presets: PROFILE_PRESETS.paper.slice(0, 3),
    dataSizes: trainSizes('paper', 'uniform'),
    idCount: 1050,
    oodCount: 800,
    frameStride: { uniform: STRIDE, collision: STRIDE, parabola: STRIDE },
    /**
     * Assumption (paper-spec §2: a frozen VAE, compression factors, latent channels and patch size
     * not stated): the SD-1.5-heritage latent, 8× spatial and 4 channels, here a frame VAE trained on
     * the simulator's frames (4 × 2 patches), so 32 × 128 px clips are 32 × 16 × 16 × 4 latents;
     * 4 × 2 × 2 patches give the paper token grid presets.ts assumes (PAPER_LATENT_SHAPE: 8 × 8 × 8
     * = 512 tokens; the 4 latent frames per patch stand in for the paper VAE's temporal factor) and
     * DiT-S/B/L within 1% of Tab 1's parameters. `phylab train --profile paper` on pixels builds the
     * same 512 tokens (modelConfigFor's paper grid, 4 × 16 × 16 pixel patches).
     */
    latent: 'vae',
    vae: { model: { patches: [4, 2], latentChannels: 4 } },
    patch: [4, 2, 2],
  },
};

export function defaultIdOodConfig(profile: Profile): IdOodConfig {
  return resolveProfile(ID_OOD_PROFILES, profile, CLIP_PROFILES);
}

/**
 * id-ood's quick config before the recipe grid became its default: the shared clip settings' training
 * (constant lr 1e-3, 15,000 steps), seeds 1–3 on the headline cells only, every seed on `dataSeed`'s
 * videos. Its shipped results (criterion v1's grid) are in data/results/id-ood/runs/quick-<hash>; the
 * collision probe and the e2e bench are measured against it.
 */
export function constantLrQuickConfig(): IdOodConfig {
  return resolveProfile<IdOodConfig>({ ...ID_OOD_PROFILES, quick: undefined }, 'quick', CLIP_PROFILES);
}

/** Dataset config of a scenario split at the experiment's clip size (`level`: OOD level). */
export function dataConfig(c: IdOodConfig, scenario: Scenario, split: 'train' | 'id' | 'ood', count: number, level = 0): DatasetConfig {
  return { ...defaultDatasetConfig('quick', scenario, split), frames: c.frames, size: c.size, count, oodLevel: level, frameStride: c.frameStride[scenario] };
}

/** VAE latents: 1×2×2 on the 4×4 latent frames. */
export const VAE_PATCH: [number, number, number] = [1, 2, 2];

/** The patch the models use: `c.patch`, else 1×2×2 on VAE latents, else null (the preset's). */
export function resolvedPatch(c: Pick<IdOodConfig, 'patch' | 'latent'>): [number, number, number] | null {
  return c.patch ?? (c.latent === 'vae' ? [...VAE_PATCH] as [number, number, number] : null);
}
