/**
 * The entry points an experiment runner calls (the flax `train_and_evaluate` pattern):
 *
 *   const config = ditRunConfig({ preset: 'q64', frameShape: source.frameShape, seed: 1, train: { steps: 5000 } });
 *   const trainer = await trainDiT({ config, source, checkpointDir: `${unitDir}/checkpoint` }); // resumes
 *   const videos = await sampleFromTrainer(trainer, conditioningFrames, { seed: 7 }); // lib/sample/from-trainer.ts
 *   trainer.dispose();
 */
import { DiffusionConfig, defaultDiffusionConfig } from '../diffusion/schedule';
import { AutoencoderConfig, createAutoencoder, defaultAutoencoderConfig } from '../model/autoencoder';
import { DiTConfig } from '../model/dit-config';
import { modelConfigFor } from '../model/presets';
import { DiTRunConfig, TrainConfig, defaultTrainConfig, validateRunConfig } from './train-config';
import { DiTTrainer, StepInfo, TrainerOptions } from './trainer';

export interface RunConfigSpec {
  /** Model preset name (presets.ts). */
  preset: string;
  /** Clip shape [T, H, W, 3] of the training data (the latent shape follows via the autoencoder). */
  frameShape: readonly [number, number, number, number];
  seed: number;
  /** Overrides of the preset's architecture (e.g. { pos: 'learned' }). */
  model?: Partial<Omit<DiTConfig, 'latentShape'>>;
  diffusion?: Partial<DiffusionConfig>;
  autoencoder?: Partial<AutoencoderConfig>;
  /** Overrides of defaultTrainConfig(). */
  train?: Partial<TrainConfig>;
}

/**
 * The one run-config builder (`phylab train`, every experiment's train units, the benches, the
 * notebooks): a validated DiTRunConfig from a preset, the data's clip shape and overrides; the model
 * through `modelConfigFor` on the autoencoder's latent shape.
 */
export function ditRunConfig(spec: RunConfigSpec): DiTRunConfig {
  const autoencoder = { ...defaultAutoencoderConfig(), ...spec.autoencoder };
  const latent = createAutoencoder(autoencoder).latentShape(spec.frameShape);
  const cfg: DiTRunConfig = {
    seed: spec.seed,
    preset: spec.preset,
    model: modelConfigFor(spec.preset, latent, spec.model ?? {}, { pixels: autoencoder.kind === 'pixel' }),
    diffusion: { ...defaultDiffusionConfig(), ...spec.diffusion },
    autoencoder,
    train: { ...defaultTrainConfig(), ...spec.train },
  };
  validateRunConfig(cfg);
  return cfg;
}

/**
 * Trains (or resumes, when `checkpointDir` holds a checkpoint of the same config) until
 * `untilStep` or config.train.steps. Returns the trainer: `trainer.ema` are the sampling weights,
 * `trainer.model` the network; dispose it when done.
 */
export async function trainDiT(opts: TrainerOptions & { untilStep?: number; progress?: boolean; onStep?: (s: StepInfo) => void }): Promise<DiTTrainer> {
  const trainer = DiTTrainer.create(opts);
  try {
    await trainer.train({ untilStep: opts.untilStep, progress: opts.progress, onStep: opts.onStep });
  } catch (e) {
    trainer.dispose();
    throw e;
  }
  return trainer;
}
