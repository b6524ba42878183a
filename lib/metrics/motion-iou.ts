/**
 * Physics-IQ-style motion metrics (Motamed et al. 2025, google-deepmind/physics-IQ-benchmark,
 * physiq/calculate_and_write_metrics_to_csv.py) between a generated video and the ground truth:
 * - motion masks: binary per frame; here a pixel moves at frame t when any channel differs from
 *   frame t − 1 by more than `threshold` (Physics-IQ derives its masks with OpenCV background
 *   subtraction on real footage; on noise-free simulator videos a frame difference is exact);
 *   frame 0 has no motion;
 * - spatial IoU: IoU of the masks collapsed over time (max: where anything moved);
 * - spatiotemporal IoU: per-frame IoU of the masks, averaged over frames (1 when both are empty);
 * - weighted spatial IoU: Σ min / Σ max of the masks summed over time and divided by T, over
 *   pixels where either moved (1 when neither did);
 * - MSE per frame on [0, 1] values (Physics-IQ's MSE), and a masked MSE over the pixels where
 *   either video moved at some time (what the scene's motion got wrong, ignoring the static
 *   background that dominates the plain MSE).
 */
import { FrameData, isBytes } from './ssim';

export interface MotionOptions {
  /** Per-channel change (fraction of full scale) that counts as motion. Default 0.1. */
  threshold?: number;
}

/** Motion masks (T·H·W bytes, 0/1) of a (T, H, W, C) video. */
export function motionMasks(video: FrameData, frames: number, h: number, w: number, channels = 3, opts: MotionOptions = {}): Uint8Array {
  const thr = (opts.threshold ?? 0.1) * (isBytes(video) ? 255 : 1);
  if (video.length !== frames * h * w * channels) throw new Error(`motionMasks: video holds ${video.length} values, expected ${frames}×${h}×${w}×${channels}`);
  const m = new Uint8Array(frames * h * w);
  const f = h * w * channels;
  for (let t = 1; t < frames; t++) {
    for (let p = 0; p < h * w; p++) {
      let moved = 0;
      for (let c = 0; c < channels; c++) {
        if (Math.abs(video[t * f + p * channels + c] - video[(t - 1) * f + p * channels + c]) > thr) {
          moved = 1;
          break;
        }
      }
      m[t * h * w + p] = moved;
    }
  }
  return m;
}

function iou(a: Uint8Array, b: Uint8Array, off: number, n: number): number {
  let inter = 0;
  let uni = 0;
  for (let i = off; i < off + n; i++) {
    inter += a[i] & b[i];
    uni += a[i] | b[i];
  }
  return uni === 0 ? 1 : inter / uni;
}

export function spatialIou(a: Uint8Array, b: Uint8Array, frames: number, pixels: number): number {
  const ca = new Uint8Array(pixels);
  const cb = new Uint8Array(pixels);
  for (let t = 0; t < frames; t++) for (let p = 0; p < pixels; p++) {
    ca[p] |= a[t * pixels + p];
    cb[p] |= b[t * pixels + p];
  }
  return iou(ca, cb, 0, pixels);
}

export function spatiotemporalIou(a: Uint8Array, b: Uint8Array, frames: number, pixels: number): number {
  let s = 0;
  for (let t = 0; t < frames; t++) s += iou(a, b, t * pixels, pixels);
  return s / frames;
}

export function weightedSpatialIou(a: Uint8Array, b: Uint8Array, frames: number, pixels: number): number {
  let inter = 0;
  let uni = 0;
  for (let p = 0; p < pixels; p++) {
    let sa = 0;
    let sb = 0;
    for (let t = 0; t < frames; t++) {
      sa += a[t * pixels + p];
      sb += b[t * pixels + p];
    }
    inter += Math.min(sa, sb) / frames;
    uni += Math.max(sa, sb) / frames;
  }
  return uni === 0 ? 1 : inter / uni;
}

export interface MotionMetrics {
  spatialIou: number;
  spatiotemporalIou: number;
  weightedSpatialIou: number;
  /** Mean over frames of the per-frame MSE ([0, 1] values). */
  mse: number;
  /** MSE over the pixels (all frames, all channels) where either video moved at some time; 0 when none did. */
  maskedMse: number;
}

/** All the motion metrics of a generated video against the ground truth (same shape). */
export function motionMetrics(generated: FrameData, truth: FrameData, frames: number, h: number, w: number, channels = 3, opts: MotionOptions = {}): MotionMetrics {
  if (generated.length !== truth.length) throw new Error(`motionMetrics: videos differ in size (${generated.length} vs ${truth.length} values)`);
  const pixels = h * w;
  const mg = motionMasks(generated, frames, h, w, channels, opts);
  const mt = motionMasks(truth, frames, h, w, channels, opts);
  const kg = isBytes(generated) ? 1 / 255 : 1;
  const kt = isBytes(truth) ? 1 / 255 : 1;
  const moved = new Uint8Array(pixels);
  for (let t = 0; t < frames; t++) for (let p = 0; p < pixels; p++) moved[p] |= mg[t * pixels + p] | mt[t * pixels + p];
  let mse = 0;
  let masked = 0;
  let maskedN = 0;
  const f = pixels * channels;
  for (let t = 0; t < frames; t++) {
    let s = 0;
    for (let p = 0; p < pixels; p++) {
      let sp = 0;
      for (let c = 0; c < channels; c++) {
        const d = generated[t * f + p * channels + c] * kg - truth[t * f + p * channels + c] * kt;
        sp += d * d;
      }
      s += sp;
      if (moved[p]) {
        masked += sp;
        maskedN += channels;
      }
    }
    mse += s / f;
  }
  return {
    spatialIou: spatialIou(mg, mt, frames, pixels),
    spatiotemporalIou: spatiotemporalIou(mg, mt, frames, pixels),
    weightedSpatialIou: weightedSpatialIou(mg, mt, frames, pixels),
    mse: mse / frames,
    maskedMse: maskedN ? masked / maskedN : 0,
  };
}
