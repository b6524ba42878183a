/**
 * The frame VAE of experiment `id-ood` (latent 'vae'): one unit per scenario that trains it on the
 * frames of the scenario's largest training set and scores its reconstructions of every
 * evaluation set (the paper's Tab 3 floor).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DatasetConfig, loadOrGenerateDataset } from '../../data/index';
import { createAutoencoder, framesToTensor, tensorToFrames } from '../../model/autoencoder';
import { VaeTrainer } from '../../train/vae-trainer';
import type { Scenario } from '../../sim/scenes';
import type { Json, Unit } from '../core/experiment';
import { dataConfig, IdOodConfig } from './config';
import { evalDataKey, evalSets, evalVideos, score } from './eval';
import { datasetKey } from '../dit/dataset-key';
import { ID_OOD_VAE } from '../core/unit-schemas';
import { resultKind, toJson } from '../core/unit-results';
import type { SetScore } from './eval';

/** A `vae/<scenario>` unit's result, typed. */
export const VAE_RESULT = resultKind<{ meta: { reconMse: number; scale: number; steps: number }; recon: Record<string, SetScore> }>(ID_OOD_VAE);

/** Where a VAE unit keeps its weights inside its cache folder. */
export const vaeDir = (unitDir: string) => join(unitDir, 'vae');

/** The training videos a scenario's VAE learns its frames from: the largest training set. */
function vaeData(c: IdOodConfig, scenario: Scenario): DatasetConfig {
  return dataConfig(c, scenario, 'train', Math.max(...c.dataSizes));
}

/**
 * Trains the frame VAE of `scenario` (config `c.vae`, seed `c.dataSeed`) on the frames of its
 * largest training set and writes it to `dir` (vae.json + weights.bin, for autoencoder kind 'vae').
 */
export async function trainScenarioVae(c: IdOodConfig, scenario: Scenario, dir: string): Promise<Awaited<ReturnType<VaeTrainer['save']>>> {
  const ds = await loadOrGenerateDataset(vaeData(c, scenario), c.dataSeed, { progress: false });
  try {
    const source = { count: ds.count, frameShape: ds.frameShape, frames: (i: number) => ds.frames(i), description: `vae/${scenario} n=${ds.count}` };
    const trainer = new VaeTrainer(source, c.vae.model, c.vae.train, c.dataSeed);
    try {
      await trainer.run({ progress: true });
      return await trainer.save(dir);
    } finally {
      trainer.dispose();
    }
  } finally {
    ds.close();
  }
}

/**
 * A VAE unit's key without its evaluation sets (`evalData`): what the weights depend on (and the
 * scoring settings that were in it before), as the train units that diffuse in its latents name it.
 * Changing an evaluation set rescores the VAE but retrains no model.
 */
export function vaeTrainingKey(key: Json): Json {
  const { evalData: _evalData, ...rest } = key as { [k: string]: Json };
  return rest;
}

/**
 * Unit `vae/<scenario>`: trains the frame VAE on the frames of the scenario's largest training set
 * (ID ranges only: no evaluation clip), then scores its reconstructions of every evaluation set with
 * the pixel parser: the paper's VAE-reconstruction floor (paper Tab 3), reported beside the
 * ground-truth floor.
 */
export function vaeUnit(c: IdOodConfig, scenario: Scenario): Unit {
  const data = vaeData(c, scenario);
  return {
    id: `vae/${scenario}`,
    key: { scenario, data: datasetKey(data), dataSeed: c.dataSeed, vae: toJson(c.vae), idCount: c.idCount, oodCount: c.oodCount, condFrames: c.condFrames, parser: c.parser, evalData: evalDataKey(c, scenario) },
    version: 'id-ood-vae-v1',
    cost: c.vae.train.steps * c.vae.train.batchSize * 0.05,
    schema: ID_OOD_VAE,
    run: async (ctx) => {
      ctx.progress.status(`training vae/${scenario}`);
      const meta = await trainScenarioVae(c, scenario, vaeDir(ctx.dir));
      const ae = createAutoencoder({ kind: 'vae', weights: vaeDir(ctx.dir) });
      const out: Record<string, Json> = {};
      try {
        for (const set of evalSets(scenario)) {
          ctx.progress.status(`vae/${scenario}: reconstructing ${set.name}`);
          const videos = evalVideos(c, scenario, set);
          const recon: Uint8Array[] = [];
          for (let i = 0; i < videos.length; i += 64) {
            const batch = videos.slice(i, i + 64);
            const x = framesToTensor(batch.map((v) => v.frames), batch[0].frameShape); // (B, T, H, W, 3)
            const y = tf.tidy(() => ae.decode(ae.encode(x)));
            x.dispose();
            recon.push(...(await tensorToFrames(y)));
            y.dispose();
          }
          out[set.name] = toJson(score(c, scenario, videos, recon));
        }
      } finally {
        ae.dispose();
      }
      return { meta: toJson({ reconMse: meta.reconMse, scale: meta.scale, steps: c.vae.train.steps }), recon: out };
    },
  };
}
