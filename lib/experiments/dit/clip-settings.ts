/**
 * The clip, training and evaluation settings every DiT experiment shares (id-ood, direction-flip,
 * velocity-gap), with one default per profile, so that a `quick` model means the same thing in
 * every notebook.
 */
import type { Profile } from '../../config/profile';
import { ProfileTable, resolveProfile } from '../../config/profile-table';
import { CLIP_SHAPE_PROFILES } from '../../data/dataset-config';
import type { ParserConfig } from '../../metrics/parse-state';
import { TrainConfig, TRAIN_PROFILES } from '../../train/train-config';

export interface ClipSettings {
  /** Seed of the simulated data (training and evaluation videos). Default 0. */
  dataSeed: number;
  /** Clip frames T (quick 8, paper 32). */
  frames: number;
  /** Clip side in pixels (quick 16, paper 128). */
  size: number;
  /** Conditioning frames given to the model (paper 3); `train.condFrames` states the same. Default 3. */
  condFrames: number;
  /** Training settings (steps, batch, lr …): TRAIN_PROFILES, checkpoint every 1000 at quick. */
  train: TrainConfig;
  /** DDIM steps when sampling. smoke 4, otherwise 20. */
  sampleSteps: number;
  /** Pixel parser centroid: 'alpha' (coverage-weighted; smoke, quick) or 'mask' (the paper's; paper profile). */
  parser: ParserConfig['centroid'];
}

/**
 * The clip settings per profile, stated once. Experiments extend this table: they spread its
 * default into their own and resolve with `resolveProfile(TABLE, profile, CLIP_PROFILES)`.
 * Training: TRAIN_PROFILES (quick 15000 steps × batch 32) with a checkpoint every 1000 steps at quick.
 */
export const CLIP_PROFILES: ProfileTable<ClipSettings> = {
  default: { dataSeed: 0, ...CLIP_SHAPE_PROFILES.default, condFrames: 3, train: { ...TRAIN_PROFILES.default, checkpointEvery: 1000 }, sampleSteps: 20, parser: 'alpha' },
  smoke: { ...CLIP_SHAPE_PROFILES.smoke, train: TRAIN_PROFILES.smoke, sampleSteps: 4 },
  paper: { ...CLIP_SHAPE_PROFILES.paper, train: TRAIN_PROFILES.paper, parser: 'mask' },
};

/** The profile's clip settings (CLIP_PROFILES resolved). */
export function clipSettings(profile: Profile): ClipSettings {
  return resolveProfile(CLIP_PROFILES, profile);
}
