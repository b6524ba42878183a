/**
 * The frame VAE of a case-matching experiment (latent 'vae'): unit `vae/uniform` trains it once per
 * experiment on the frames of uniform-motion training videos (speeds 0.5–4.5 u/s, both directions, so
 * every position and radius the sets show is covered; a frame VAE sees single frames, so the speed
 * band does not matter) and scores the parser on its reconstructions of rightward evaluation videos:
 * the VAE-reconstruction floor of the signed velocity, beside the ground-truth parse floor.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DatasetConfig, loadOrGenerateDataset, VideoSample } from '../../data/index';
import { createAutoencoder, framesToTensor, tensorToFrames } from '../../model/autoencoder';
import type { VaeConfig } from '../../model/vae';
import { VaeTrainer, VaeTrainConfig } from '../../train/vae-trainer';
import type { Json, Unit } from '../core/experiment';
import { CASE_VAE } from '../core/unit-schemas';
import { resultKind, resultOf, toJson } from '../core/unit-results';

/** Latent channels of the case-matching frame VAE (id-ood's measured choice: 8 beat 4 on the velocity floor). */
export const CASE_VAE_CHANNELS = 8;
/** Training steps of the quick frame VAE (id-ood's: 30000). */
export const CASE_VAE_STEPS = 30000;

/** Where the VAE unit keeps its weights inside its cache folder. */
export const vaeWeightsDir = (unitDir: string) => join(unitDir, 'vae');

/** The parser's signed-velocity error on a set of clips: mean |generated − truth| (u/s) over the clips it could read, and how many it read. */
export interface VelocityFloor {
  error: number | null;
  n: number;
}

/** `vae/uniform`'s result: training summary, the reconstruction floor and the ground-truth parse floor on the same videos. */
export interface CaseVaeResult {
  meta: { reconMse: number | null; scale: number; steps: number };
  recon: VelocityFloor;
  truth: VelocityFloor;
}
export const CASE_VAE_RESULT = resultKind<CaseVaeResult>(CASE_VAE);

export interface CaseVaeSpec {
  /** Unit id. Default 'vae/uniform' (the case-matching experiments); collision-holes' paper route: 'vae/collision'. */
  id?: string;
  /** What the result depends on. */
  key: Json;
  version: string;
  /** The VAE's training videos (its frames). */
  data: DatasetConfig;
  dataSeed: number;
  vae: { model: VaeConfig; train: VaeTrainConfig };
  /** The videos the floor is measured on. */
  evalVideos: () => VideoSample[];
  /** The parser's floor on clips against their videos' truth. */
  floor: (videos: VideoSample[], clips: Uint8Array[]) => VelocityFloor;
}

/** Unit `vae/uniform` (see module doc), or `spec.id` trained and scored the same way on other videos. */
export function caseVaeUnit(spec: CaseVaeSpec): Unit {
  const id = spec.id ?? 'vae/uniform';
  return {
    id,
    key: spec.key,
    version: spec.version,
    cost: spec.vae.train.steps * spec.vae.train.batchSize * 0.05,
    schema: CASE_VAE,
    run: async (ctx) => {
      ctx.progress.status(`training ${id}`);
      const ds = await loadOrGenerateDataset(spec.data, spec.dataSeed, { progress: false });
      let meta: Awaited<ReturnType<VaeTrainer['save']>>;
      try {
        const source = { count: ds.count, frameShape: ds.frameShape, frames: (i: number) => ds.frames(i), description: `${id} n=${ds.count}` };
        const trainer = new VaeTrainer(source, spec.vae.model, spec.vae.train, spec.dataSeed);
        try {
          await trainer.run({ progress: true });
          meta = await trainer.save(vaeWeightsDir(ctx.dir));
        } finally {
          trainer.dispose();
        }
      } finally {
        ds.close();
      }
      ctx.progress.status(`${id}: reconstructing the floor videos`);
      const videos = spec.evalVideos();
      const ae = createAutoencoder({ kind: 'vae', weights: vaeWeightsDir(ctx.dir) });
      const recon: Uint8Array[] = [];
      try {
        for (let i = 0; i < videos.length; i += 64) {
          const batch = videos.slice(i, i + 64);
          const x = framesToTensor(batch.map((v) => v.frames), batch[0].frameShape); // (B, T, H, W, 3)
          const y = tf.tidy(() => ae.decode(ae.encode(x))); // (B, T, H, W, 3)
          x.dispose();
          recon.push(...(await tensorToFrames(y)));
          y.dispose();
        }
      } finally {
        ae.dispose();
      }
      const result: CaseVaeResult = {
        meta: { reconMse: meta.reconMse, scale: meta.scale, steps: spec.vae.train.steps },
        recon: spec.floor(videos, recon),
        truth: spec.floor(videos, videos.map((v) => v.frames)),
      };
      return toJson(result);
    },
  };
}

/** The file beside a case-matching summary that carries the VAE unit's floors (written with the summary). */
export const VAE_FLOOR_FILE = 'vae-floor.json';

/** `vae/uniform`'s result among unit results (e.g. runner.loadUnitResults: cache or shipped units), else null. */
export function vaeFloorOf(results: Record<string, Json>): CaseVaeResult | null {
  return resultOf(results, 'vae/uniform', CASE_VAE_RESULT) ?? null;
}

/** Write `vae/uniform`'s result to `<outDir>/vae-floor.json` when the unit is among `results`. */
export function writeVaeFloor(results: Record<string, Json>, outDir: string): void {
  const r = resultOf(results, 'vae/uniform', CASE_VAE_RESULT);
  if (r) writeFileSync(join(outDir, VAE_FLOOR_FILE), JSON.stringify(r, null, 1) + '\n');
}

/** The floors written with a summary in `dir` (null: none, e.g. a pixel-route run or an old summary). */
export function readVaeFloor(dir: string): CaseVaeResult | null {
  const f = join(dir, VAE_FLOOR_FILE);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as CaseVaeResult) : null;
}
