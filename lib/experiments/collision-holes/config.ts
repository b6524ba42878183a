/**
 * Settings of experiment `collision-holes` (paper §5.2, Fig 6; paper-spec §5.2): collision models
 * trained with regions of (v1, v2) left out, evaluated on a (v1, v2) grid. One default per field
 * and profile; override with `--set key=value`.
 */
import type { Profile } from '../../config/profile';
import { STRIDE } from '../../sim/constants';
import { idBand } from '../../data/ranges';
import { PROFILE_PRESETS } from '../../model/presets';
import { CLIP_PROFILES, ClipSettings } from '../dit/clip-settings';
import { BEST_RECIPE } from '../dit/recipe';
import { ProfileTable, resolveProfile } from '../../config/profile-table';
import { QUICK_FRAME_STRIDE } from '../id-ood/config';
import { defaultVaeConfig, VaeConfig } from '../../model/vae';
import { defaultVaeTrainConfig, VaeTrainConfig } from '../../train/vae-trainer';
import { CASE_VAE_CHANNELS, CASE_VAE_STEPS } from '../case-matching/vae';

export interface CollisionHolesConfig extends ClipSettings {
  /** Model preset (lib/model/presets.ts). quick 'q64', smoke the smoke preset, paper 'DiT-B'. */
  preset: string;
  /** Training sets to run, by name (TRAINING_SETS in sets.ts): 'square' and 'half'. Default both. */
  trainingSets: string[];
  /** Training videos per set (random draws outside the set's holes). smoke 32, quick 4096, paper 200000 (the paper: a subset of 1.6M). */
  dataSize: number;
  /** Physics steps per frame: id-ood's collision stride at quick (15, QUICK_FRAME_STRIDE), else 10 (the paper's 0.1 s). */
  frameStride: number;
  /** Evaluation v1 axis: [lo, hi, points]. paper [0, 4.5, 21]; quick [0, 4.5, 10] (step 0.5, so v1 = 1 is a training column of the half set); smoke [0, 4.5, 3]. */
  evalV1: [number, number, number];
  /** Evaluation v2 axis: [lo, hi, points]: the collision ID speed range (data/ranges.ts, [1, 4]) with paper 13 points, quick 7 (step 0.5), smoke 2. */
  evalV2: [number, number, number];
  /** Evaluation radii per ball: [lo, hi, points], r1 and r2 both on it: the collision ID radius range (data/ranges.ts, [0.5, 1.5]) with paper 5 points, quick 2; smoke [1, 1, 1]. */
  evalRadius: [number, number, number];
  /**
   * What the models diffuse. 'pixel' (smoke and quick, the shipped results): the pixels with the
   * preset's patch. 'vae' (paper): the latents of a frame VAE (unit `vae/collision`, trained on
   * collision frames outside every set's holes) with `patch`; at paper scale an 8×-spatial
   * 4-channel VAE and 4×2×2 patches give the paper's 512 tokens and Tab 1's DiT-B parameters (the
   * assumption id-ood's paper profile states: the paper's VAE factors and patch are not published).
   */
  latent: 'pixel' | 'vae';
  /** The frame VAE (latent 'vae'): architecture (default 8 channels, spatial factor 4; paper 4 channels, factor 8) and training (default 30000 steps, smoke 60). */
  vae: { model: VaeConfig; train: VaeTrainConfig };
  /** The DiT's spacetime patch [frames, rows, cols] on the VAE latents (latent 'vae'). Default 1×2×2; paper 4×2×2. */
  patch: [number, number, number];
}

const V2 = idBand('collision', 'velocity'); // the collision ID ranges (data/ranges.ts)
const R = idBand('collision', 'radius');

/** collision-holes' settings per profile, stated once over the shared clip settings (CLIP_PROFILES). */
export const COLLISION_HOLES_PROFILES: ProfileTable<CollisionHolesConfig> = {
  default: {
    ...CLIP_PROFILES.default,
    preset: 'q64',
    trainingSets: ['square', 'half'],
    dataSize: 4096,
    frameStride: QUICK_FRAME_STRIDE.collision,
    evalV1: [0, 4.5, 10],
    evalV2: [V2[0], V2[1], 7],
    evalRadius: [R[0], R[1], 2],
    latent: 'pixel',
    vae: { model: { ...defaultVaeConfig(), latentChannels: CASE_VAE_CHANNELS }, train: { ...defaultVaeTrainConfig('quick'), steps: CASE_VAE_STEPS } },
    patch: [1, 2, 2],
  },
  smoke: {
    preset: PROFILE_PRESETS.smoke[0], dataSize: 32, frameStride: STRIDE, evalV1: [0, 4.5, 3], evalV2: [V2[0], V2[1], 2], evalRadius: [1, 1, 1],
    vae: { train: { steps: 60 } },
  },
  // the best measured recipe (README "Training recipe of the e2e cell") over 6000 steps
  quick: { train: { ...BEST_RECIPE, steps: 6000 } },
  // DiT-B on an 8×-spatial 4-channel frame VAE's latents with 4×2×2 patches: the paper's 512 tokens, Tab 1's parameters
  paper: {
    preset: 'DiT-B', dataSize: 200_000, frameStride: STRIDE, evalV1: [0, 4.5, 21], evalV2: [V2[0], V2[1], 13], evalRadius: [R[0], R[1], 5],
    latent: 'vae', vae: { model: { patches: [4, 2], latentChannels: 4 } }, patch: [4, 2, 2],
  },
};

export function defaultCollisionHolesConfig(profile: Profile): CollisionHolesConfig {
  return resolveProfile(COLLISION_HOLES_PROFILES, profile, CLIP_PROFILES);
}
