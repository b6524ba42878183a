/** Sampling from a trainer in memory (train/run-dit.ts trains; this module samples, so train/ never imports sample/). */
import { DiffusionConfig } from '../diffusion/schedule';
import type { DiTTrainer } from '../train/trainer';
import type { ParamMap } from '../model/params';
import { sampleVideos } from './sample-videos';

/** K videos (T·H·W·3 bytes each) from conditioning frames (c·H·W·3 bytes each) with the EMA weights. */
export function sampleFromTrainer(trainer: DiTTrainer, conditioning: ReadonlyArray<Uint8Array>, opts: { seed: number; steps?: number; sampler?: DiffusionConfig['sampler']; guidance?: number; batchSize?: number; progress?: boolean; params?: ParamMap }): Promise<Uint8Array[]> {
  return sampleVideos({
    model: trainer.model,
    autoencoder: trainer.autoencoder,
    diffusion: trainer.config.diffusion,
    conditioning,
    frameShape: trainer.source.frameShape,
    ...opts,
    params: opts.params ?? trainer.ema, // the sampling weights: the trainer's EMA unless others are given
  });
}
