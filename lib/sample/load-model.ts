/** Load a trained DiT from a checkpoint folder (or run folder) for sampling, with its EMA weights. */
import { FrameAutoencoder, createAutoencoder } from '../model/autoencoder';
import { DiT } from '../model/dit';
import { CheckpointMeta, loadCheckpoint } from '../train/checkpoint';

export interface LoadedModel {
  /** The model; its parameters are the checkpoint's EMA weights. */
  model: DiT;
  autoencoder: FrameAutoencoder;
  meta: CheckpointMeta;
}

export function loadModelForSampling(dir: string): LoadedModel {
  const { meta, ema } = loadCheckpoint(dir, { trainingState: false });
  const model = new DiT(meta.config.model, ema);
  return { model, autoencoder: createAutoencoder(meta.config.autoencoder), meta };
}
