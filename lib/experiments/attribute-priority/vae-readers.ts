/**
 * Units `vae` (the frame VAE every model of the experiment shares) and `readers` (the attribute
 * readers validated on ground-truth clips and on the VAE's reconstructions of them).
 *
 * The VAE learns from the frames of `vae.videosPerCombo` videos of every combination of every pair
 * (train and test combinations alike), drawn with their own seed (evalSeed + 7): like the paper's
 * generic pretrained VAE it knows what the objects look like, and the DiT alone learns which
 * combinations move how. The readers unit reads `readerPerCombo` fresh clips per combination
 * (seed evalSeed + 2) and their reconstructions and records, per source ('gt', 'vae'), the share of
 * clips whose colour and shape are read right and the absolute size and velocity errors; the
 * experiment's tolerances come from these (config.ts `toleranceFactor`).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadOrGenerateDataset, makeVideo, VideoSample } from '../../data/index';
import { createAutoencoder, FrameAutoencoder, framesToTensor, tensorToFrames } from '../../model/autoencoder';
import { VaeTrainer } from '../../train/vae-trainer';
import { AttributeReading, defaultReaderOptions, readAttributes } from '../../metrics/attribute-readers';
import type { Unit } from '../core/experiment';
import { toJson } from '../core/unit-results';
import type { AttrVaeResult } from './schemas';
import { datasetKey } from '../dit/dataset-key';
import { AttributePriorityConfig, allCombos, comboData } from './config';
import { ClipSizeCell, clipSizeTable } from './clip-size';

export const vaeDir = (unitDir: string) => join(unitDir, 'vae');

/** Dataset of the VAE's training frames. */
export function vaeData(c: AttributePriorityConfig) {
  const combos = allCombos(c);
  return comboData(c, combos, combos.length * c.vae.videosPerCombo, 'train');
}

export function vaeUnit(c: AttributePriorityConfig): Unit {
  const data = vaeData(c);
  const seed = c.evalSeed + 7;
  return {
    id: 'vae',
    key: { data: datasetKey(data), seed, vae: toJson({ model: c.vae.model, train: c.vae.train }) },
    version: 'attr-vae-v1',
    cost: c.vae.train.steps * c.vae.train.batchSize * 0.05 * (c.size / 16) ** 2,
    run: async (ctx) => {
      ctx.progress.status('training the shared frame VAE');
      const ds = await loadOrGenerateDataset(data, seed, { progress: false });
      try {
        const source = { count: ds.count, frameShape: ds.frameShape, frames: (i: number) => ds.frames(i), description: `attribute-priority vae n=${ds.count}` };
        const trainer = new VaeTrainer(source, c.vae.model, c.vae.train, seed);
        try {
          const t0 = Date.now();
          await trainer.run({ progress: true });
          const meta = await trainer.save(vaeDir(ctx.dir));
          return toJson<AttrVaeResult>({ reconMse: meta.reconMse, scale: meta.scale, steps: c.vae.train.steps, seconds: (Date.now() - t0) / 1000 });
        } finally {
          trainer.dispose();
        }
      } finally {
        ds.close();
      }
    },
  };
}

/** Decode(encode(clips)) through a frame VAE, in batches of 64. */
export async function reconstruct(ae: FrameAutoencoder, videos: ReadonlyArray<{ frames: Uint8Array; frameShape: [number, number, number, number] }>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < videos.length; i += 64) {
    const batch = videos.slice(i, i + 64);
    const x = framesToTensor(batch.map((v) => v.frames), batch[0].frameShape);
    const y = tf.tidy(() => ae.decode(ae.encode(x)));
    x.dispose();
    out.push(...(await tensorToFrames(y)));
    y.dispose();
  }
  return out;
}

/** The reader-validation clips: `readerPerCombo` per combination, combination i mod K. */
export function readerVideos(c: AttributePriorityConfig): VideoSample[] {
  const combos = allCombos(c);
  const cfg = comboData(c, combos, combos.length * c.readerPerCombo, 'id');
  return Array.from({ length: cfg.count }, (_, i) => makeVideo(cfg, c.evalSeed + 2, i));
}

/** Accuracy and error of the readers on one source of clips. */
export interface ReaderScore {
  n: number;
  colorAccuracy: number;
  shapeAccuracy: number;
  /** Clips whose object was never fully in view (no shape, size or velocity). */
  unread: number;
  sizeErrorP50: number;
  sizeErrorP95: number;
  velocityErrorP50: number;
  velocityErrorP95: number;
  /** Shape confusions 'true->read' with counts. */
  shapeConfusion: Record<string, number>;
}

const quantile = (xs: number[], q: number): number => {
  if (!xs.length) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Score readings against the clips' ground truth. */
export function scoreReadings(videos: ReadonlyArray<VideoSample>, readings: ReadonlyArray<AttributeReading>): ReaderScore {
  let color = 0;
  let shape = 0;
  let unread = 0;
  const es: number[] = [];
  const ev: number[] = [];
  const conf: Record<string, number> = {};
  videos.forEach((v, i) => {
    const r = readings[i];
    const o = v.objects[0];
    if (r.color === o.color) color++;
    if (r.shape === o.shape) shape++;
    else conf[`${o.shape}->${r.shape}`] = (conf[`${o.shape}->${r.shape}`] ?? 0) + 1;
    if (r.size === null) unread++;
    else es.push(Math.abs(r.size - o.radius));
    if (r.velocity !== null) ev.push(Math.abs(r.velocity - v.states[2]));
  });
  const n = videos.length;
  return { n, colorAccuracy: color / n, shapeAccuracy: shape / n, unread, sizeErrorP50: quantile(es, 0.5), sizeErrorP95: quantile(es, 0.95), velocityErrorP50: quantile(ev, 0.5), velocityErrorP95: quantile(ev, 0.95), shapeConfusion: conf };
}

/** Read every clip from frame `fromFrame` on. */
export function readAll(clips: ReadonlyArray<Uint8Array>, videos: ReadonlyArray<VideoSample>, fromFrame: number): AttributeReading[] {
  return clips.map((f, i) => readAttributes(f, videos[i].frameShape, defaultReaderOptions(videos[i].frameDt, fromFrame)));
}

/** The readers' result: scores on ground truth and VAE reconstructions, whole clips and generated frames only, and the tolerances. */
export interface ReadersResult {
  gt: ReaderScore;
  vae: ReaderScore;
  /** The same, reading only frames t ≥ condFrames (what the experiment reads of a generation). */
  gtGenerated: ReaderScore;
  vaeGenerated: ReaderScore;
  /** Tolerances of 'kept' for size (world units) and velocity (u/s): toleranceFactor × max(gt, vae) 95th-percentile error on frames t ≥ condFrames. */
  tolerance: { size: number; velocity: number };
  /** Disc-vs-square accuracy of the shape reader by clip size, noise and radius (clip-size.ts). */
  clipSizes: ClipSizeCell[];
}

export function tolerances(c: AttributePriorityConfig, gt: ReaderScore, vae: ReaderScore): { size: number; velocity: number } {
  return { size: c.toleranceFactor * Math.max(gt.sizeErrorP95, vae.sizeErrorP95), velocity: c.toleranceFactor * Math.max(gt.velocityErrorP95, vae.velocityErrorP95) };
}

export function readersUnit(c: AttributePriorityConfig, vae: Unit): Unit {
  return {
    id: 'readers',
    key: { vae: { key: vae.key, version: vae.version }, readerPerCombo: c.readerPerCombo, clipSizeClips: c.clipSizeClips, evalSeed: c.evalSeed, condFrames: c.condFrames, toleranceFactor: c.toleranceFactor, combos: toJson(allCombos(c)) },
    version: 'attr-readers-v1',
    deps: [vae.id],
    cost: 1,
    run: async (ctx) => {
      ctx.progress.status('validating the attribute readers');
      const videos = readerVideos(c);
      const ae = createAutoencoder({ kind: 'vae', weights: vaeDir(ctx.depDirs[vae.id]) });
      let recon: Uint8Array[];
      try {
        recon = await reconstruct(ae, videos);
      } finally {
        ae.dispose();
      }
      const truth = videos.map((v) => v.frames);
      const gtGenerated = scoreReadings(videos, readAll(truth, videos, c.condFrames));
      const vaeGenerated = scoreReadings(videos, readAll(recon, videos, c.condFrames));
      const result: ReadersResult = {
        gt: scoreReadings(videos, readAll(truth, videos, 0)),
        vae: scoreReadings(videos, readAll(recon, videos, 0)),
        gtGenerated,
        vaeGenerated,
        tolerance: tolerances(c, gtGenerated, vaeGenerated),
        clipSizes: clipSizeTable(c.clipSizeClips, c.condFrames, c.evalSeed + 3),
      };
      return toJson(result);
    },
  };
}
