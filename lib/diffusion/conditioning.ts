/**
 * Frame conditioning (paper-spec §2, [P §2.1–2.2]): the first c frames of the clip (c = 3 for the
 * basic scenarios, 1 for PHYRE), zero-padded to the full length, plus a binary mask video that is
 * 1 on those frames; both are concatenated with the noisy latent on channels (lib/model/dit.ts).
 * c may differ per sample (mixed batches).
 */
import * as tf from '@tensorflow/tfjs';

/** (B, T, 1, 1, 1): 1 where frame index < condLens[b]. */
export function frameMask(condLens: ReadonlyArray<number>, frames: number): tf.Tensor5D {
  const m = new Float32Array(condLens.length * frames);
  condLens.forEach((c, b) => {
    if (!Number.isInteger(c) || c < 0 || c >= frames) throw new Error(`conditioning frames must be integers in [0, ${frames - 1}], got ${c}`);
    for (let t = 0; t < c; t++) m[b * frames + t] = 1;
  });
  return tf.tensor5d(m, [condLens.length, frames, 1, 1, 1]);
}

/**
 * The frame mask spread over the frame, (B, T, 1, 1, 1) → (B, T, H, W, 1). Tiled through rank 4:
 * the same values as a rank-5 tile on every backend, but the webgpu backend tiles rank ≥ 5 on the
 * CPU through a synchronous read-back that Node cannot do (it needs OffscreenCanvas).
 */
export function spreadFrameMask(fm: tf.Tensor5D, h: number, w: number): tf.Tensor5D {
  const [b, t] = fm.shape;
  return tf.tidy(() => tf.reshape(tf.tile(tf.reshape(fm, [b * t, 1, 1, 1]), [1, h, w, 1]), [b, t, h, w, 1]) as tf.Tensor5D);
}

export interface Conditioning {
  /** x_0 on the conditioning frames, zeros elsewhere, (B, T, H, W, C). */
  cond: tf.Tensor5D;
  /** 1 on conditioning frames, (B, T, H, W, 1). */
  mask: tf.Tensor5D;
  /** Loss weight: 1 on generated frames, 0 on conditioning frames, (B, T, 1, 1, 1). */
  lossWeight: tf.Tensor5D;
  /** Number of loss elements: Σ_b (T − c_b)·H·W·C. */
  count: number;
}

/** Conditioning inputs for latents x0 (B, T, H, W, C) with c_b conditioning frames per sample. */
export function buildConditioning(x0: tf.Tensor5D, condLens: ReadonlyArray<number>): Conditioning {
  const [b, t, h, w, c] = x0.shape;
  if (condLens.length !== b) throw new Error(`buildConditioning: ${condLens.length} lengths for a batch of ${b}`);
  return tf.tidy(() => {
    const fm = frameMask(condLens, t); // (B, T, 1, 1, 1)
    const count = condLens.reduce((s, cl) => s + (t - cl) * h * w * c, 0);
    return {
      cond: tf.mul(x0, fm) as tf.Tensor5D,
      mask: spreadFrameMask(fm, h, w),
      lossWeight: tf.sub(1, fm) as tf.Tensor5D,
      count,
    };
  }) as unknown as Conditioning;
}
