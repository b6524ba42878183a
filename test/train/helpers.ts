/** A tiny run config on 4 frames of 8×8 (16 tokens): fast enough for unit tests. */
import { defaultDiffusionConfig } from '../../lib/diffusion/schedule';
import { defaultAutoencoderConfig } from '../../lib/model/autoencoder';
import { modelConfigFor } from '../../lib/model/presets';
import { DiTRunConfig, TrainConfig, defaultTrainConfig } from '../../lib/train/train-config';
import { SyntheticSquareSource, defaultSyntheticSquareConfig } from '../../lib/train/video-source';

export function tinySource(seed = 1, count = 16): SyntheticSquareSource {
  return new SyntheticSquareSource({ ...defaultSyntheticSquareConfig(), count, frames: 4, size: 8, side: [2, 3], speed: [0.5, 1] }, seed);
}

export function tinyRun(seed: number, train: Partial<TrainConfig> = {}): DiTRunConfig {
  return {
    seed,
    preset: 'tiny',
    model: modelConfigFor('tiny', [4, 8, 8, 3]),
    diffusion: defaultDiffusionConfig(),
    autoencoder: defaultAutoencoderConfig(),
    train: { ...defaultTrainConfig(), steps: 40, batchSize: 4, lr: 3e-3, warmupSteps: 2, condFrames: [1, 2], checkpointEvery: 0, emaDecay: 0.9, ...train },
  };
}
