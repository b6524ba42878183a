/**
 * Generate videos from conditioning frames with a trained DiT (paper-spec §2): the first c frames
 * are encoded, zero-padded to the clip length with a mask, and the sampler denoises the rest.
 * Returned clips keep the given conditioning frames (the model's own version of them is replaced).
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Progress } from '../runtime/progress';
import { frameMask, spreadFrameMask } from '../diffusion/conditioning';
import { sample } from '../diffusion/sampler';
import { DiffusionConfig, NoiseSchedule, SamplerKind } from '../diffusion/schedule';
import { FrameAutoencoder, framesToTensor, tensorToFrames } from '../model/autoencoder';
import { DiT } from '../model/dit';
import { ParamMap } from '../model/params';
import { decodePng, encodePng } from '../render/png';
import { yieldToEvents } from '../runtime/yield-to-events';

/** Videos per forward batch when none is given (the experiments' evaluations sample with it). */
export const DEFAULT_SAMPLE_BATCH = 16;

export interface SampleVideosOptions {
  model: DiT;
  /** Weights to sample with (usually the EMA weights). Default: the model's own. */
  params?: ParamMap;
  autoencoder: FrameAutoencoder;
  /** Schedule (timesteps, zero terminal SNR) and default sampler/steps. */
  diffusion: DiffusionConfig;
  /** Conditioning per video: its first c frames, c·H·W·3 bytes (c ≥ 1 may differ per video). */
  conditioning: ReadonlyArray<Uint8Array>;
  /** Clip shape [T, H, W, 3] of the generated videos. */
  frameShape: readonly [number, number, number, number];
  /** Seed of all sampling noise (video k uses streams (seed, k)). */
  seed: number;
  /** Sampler override. Default diffusion.sampler. */
  sampler?: SamplerKind;
  /** Steps override. Default diffusion.sampleSteps. */
  steps?: number;
  /** Classifier-free guidance weight override. Default diffusion.guidance, else 1 (none). */
  guidance?: number;
  /** Videos per forward batch. Default 16. */
  batchSize?: number;
  /** Show a progress bar. Default false. */
  progress?: boolean;
  /** Id of video 0 (for the noise streams when sampling a subset). Default 0. */
  firstId?: number;
}

/** Generated clips, T·H·W·3 bytes each, in the order of `conditioning`. */
export async function sampleVideos(o: SampleVideosOptions): Promise<Uint8Array[]> {
  const [T, H, W, C] = o.frameShape;
  const frameBytes = H * W * C;
  const condLens = o.conditioning.map((c, i) => {
    const n = c.length / frameBytes;
    if (!Number.isInteger(n) || n < 1 || n >= T) throw new Error(`sampleVideos: conditioning ${i} has ${c.length} bytes = ${n} frames of ${H}×${W}×${C}; need 1 … ${T - 1} whole frames`);
    return n;
  });
  const latent = o.model.config.latentShape;
  const ae = o.autoencoder;
  const want = ae.latentShape(o.frameShape);
  if (want.join(',') !== latent.join(',')) throw new Error(`sampleVideos: clips [${o.frameShape}] give latents [${want}] but the model expects [${latent}]`);
  const schedule = new NoiseSchedule(o.diffusion);
  const params = o.params ?? o.model.params;
  const bs = Math.max(1, o.batchSize ?? DEFAULT_SAMPLE_BATCH);
  const steps = o.steps ?? o.diffusion.sampleSteps;
  const guidance = o.guidance ?? o.diffusion.guidance ?? 1;
  const latentScale = o.diffusion.latentScale ?? 1;
  const total = o.conditioning.length;
  const progress = o.progress ? new Progress({ label: `sample ${total} videos × ${steps} steps`, total: total * steps, unit: 'video-steps' }) : null;
  const out: Uint8Array[] = [];
  for (let start = 0; start < total; start += bs) {
    await yieldToEvents(); // lets Ctrl-C / scancel's SIGTERM be handled between batches
    const n = Math.min(bs, total - start);
    const lens = condLens.slice(start, start + n);
    const clips = o.conditioning.slice(start, start + n).map((c) => {
      const full = new Uint8Array(T * frameBytes); // frames after c stay 0; masked out below
      full.set(c);
      return full;
    });
    const frames = tf.tidy(() => {
      const fm = frameMask(lens, T); // (n, T, 1, 1, 1)
      const z = ae.encode(framesToTensor(clips, o.frameShape)); // (n, T, h, w, c)
      const cond = tf.mul(latentScale === 1 ? z : tf.mul(z, latentScale), fm) as tf.Tensor5D; // zero-padded
      const mask = spreadFrameMask(fm, latent[1], latent[2]);
      const denoise = guidance === 1
        ? (xt: tf.Tensor5D, t: number) => o.model.apply(params, { xt, cond, mask, t: tf.fill([n], t) as tf.Tensor1D })
        : guidedDenoiser(o.model, params, cond, mask, guidance);
      const ids = Array.from({ length: n }, (_, k) => (o.firstId ?? 0) + start + k);
      const x0 = sample(denoise, [n, ...latent], schedule, {
        sampler: o.sampler ?? o.diffusion.sampler,
        steps,
        seed: o.seed,
        ids,
        onStep: () => progress?.tick(n),
      });
      const kept = tf.add(tf.mul(x0, tf.sub(1, fm)), cond) as tf.Tensor5D; // given frames where mask = 1
      return ae.decode(latentScale === 1 ? kept : (tf.div(kept, latentScale) as tf.Tensor5D));
    });
    out.push(...(await tensorToFrames(frames)));
    frames.dispose();
  }
  progress?.finish();
  return out;
}

/**
 * Classifier-free guidance on the conditioning frames: one forward pass over the batch twice, with
 * and without its conditioning (zero frames, zero mask), v̂ = v̂_u + w·(v̂_c − v̂_u).
 */
export function guidedDenoiser(model: DiT, params: ParamMap, cond: tf.Tensor5D, mask: tf.Tensor5D, w: number): (xt: tf.Tensor5D, t: number) => tf.Tensor5D {
  const n = cond.shape[0];
  const cond2 = tf.concat([cond, tf.zerosLike(cond)], 0) as tf.Tensor5D; // (2n, T, h, w, C)
  const mask2 = tf.concat([mask, tf.zerosLike(mask)], 0) as tf.Tensor5D; // (2n, T, h, w, 1)
  return (xt, t) => {
    const v = model.apply(params, { xt: tf.concat([xt, xt], 0) as tf.Tensor5D, cond: cond2, mask: mask2, t: tf.fill([2 * n], t) as tf.Tensor1D }); // (2n, …)
    const [vc, vu] = tf.split(v, 2, 0) as [tf.Tensor5D, tf.Tensor5D];
    return tf.add(vu, tf.mul(tf.sub(vc, vu), w)) as tf.Tensor5D;
  };
}

/** Writes a clip (T·H·W·3 bytes) as `dir/frame-000.png`, `frame-001.png`, … */
export function writeVideoPngs(dir: string, clip: Uint8Array, frameShape: readonly [number, number, number, number]): void {
  const [T, H, W, C] = frameShape;
  mkdirSync(dir, { recursive: true });
  const fb = H * W * C;
  for (let t = 0; t < T; t++) writeFileSync(join(dir, `frame-${String(t).padStart(3, '0')}.png`), encodePng(clip.subarray(t * fb, (t + 1) * fb), H, W));
}

/** Reads `dir/frame-000.png` … (the first `maxFrames`, or all) as one byte array and its frame size. */
export function readVideoPngs(dir: string, maxFrames = Infinity): { frames: Uint8Array; count: number; height: number; width: number } {
  if (!existsSync(dir)) throw new Error(`no such folder: ${dir}`);
  const files = readdirSync(dir).filter((f) => /^frame-\d+\.png$/.test(f)).sort().slice(0, maxFrames);
  if (files.length === 0) throw new Error(`${dir}: no frame-NNN.png files`);
  const decoded = files.map((f) => decodePng(readFileSync(join(dir, f))));
  const { height, width } = decoded[0];
  decoded.forEach((d, i) => {
    if (d.height !== height || d.width !== width) throw new Error(`${join(dir, files[i])}: ${d.width}×${d.height}, expected ${width}×${height} like ${files[0]}`);
  });
  const frames = new Uint8Array(decoded.length * height * width * 3);
  decoded.forEach((d, i) => frames.set(d.rgb, i * height * width * 3));
  return { frames, count: decoded.length, height, width };
}
