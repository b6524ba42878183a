/**
 * The clip, training and evaluation settings every DiT experiment shares (id-ood, direction-flip,
 * velocity-gap), with one default per profile, so that a `quick` model means the same thing in
 * every notebook.
 */
import type { Profile } from '../../config/profile';
import { defaultDatasetConfig } from '../../data/index';
import type { ParserConfig } from '../../metrics/parse-state';
import { TrainConfig, trainConfigFor } from '../../train/train-config';

/** Training steps of a `quick` model (batch 32): ≈ 25 min for q64 on one core of this machine. */
export const QUICK_TRAIN_STEPS = 6000;

export interface ClipSettings {
  /** Seed of the simulated data (training and evaluation videos). Default 0. */
  dataSeed: number;
  /** Clip frames T (quick 8, paper 32). */
  frames: number;
  /** Clip side in pixels (quick 16, paper 128). */
  size: number;
  /** Conditioning frames given to the model (paper 3). */
  condFrames: number;
  /** Training settings (steps, batch, lr …); `condFrames` is set from the field above. quick: 6000 steps, checkpoint every 1000. */
  train: TrainConfig;
  /** DDIM steps when sampling. smoke 4, otherwise 20. */
  sampleSteps: number;
  /** Pixel parser centroid: 'alpha' (coverage-weighted; smoke, quick) or 'mask' (the paper's; paper profile). */
  parser: ParserConfig['centroid'];
}

/** The profile's clip settings with `condFrames` conditioning frames. */
export function clipSettings(profile: Profile, condFrames: number): ClipSettings {
  const d = defaultDatasetConfig(profile, 'uniform', 'train');
  const train = trainConfigFor(profile);
  const quick = profile === 'quick';
  return {
    dataSeed: 0,
    frames: d.frames,
    size: d.size,
    condFrames,
    train: { ...train, steps: quick ? QUICK_TRAIN_STEPS : train.steps, condFrames: [condFrames], checkpointEvery: quick ? 1000 : train.checkpointEvery },
    sampleSteps: profile === 'smoke' ? 4 : 20,
    parser: profile === 'paper' ? 'mask' : 'alpha',
  };
}
