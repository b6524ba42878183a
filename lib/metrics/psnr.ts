/**
 * PSNR as the paper's evaluation computes it (paper-spec §4.3; calculate_psnr.py): images in
 * [0, 1], MSE over every pixel and channel, PSNR = 20·log10(1/√MSE), and 100 when MSE < 1e-10.
 * Per frame; a video's value is the list over frames.
 */
import { FrameData, isBytes } from './ssim';

/** The value returned for (near-)identical frames. */
export const PSNR_IDENTICAL = 100;

export function mse(a: FrameData, b: FrameData, n = a.length): number {
  if (a.length < n || b.length < n) throw new Error(`psnr: frames hold ${a.length} and ${b.length} values, need ${n}`);
  const ka = isBytes(a) ? 1 / 255 : 1;
  const kb = isBytes(b) ? 1 / 255 : 1;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] * ka - b[i] * kb;
    s += d * d;
  }
  return s / n;
}

export function psnrFrame(a: FrameData, b: FrameData): number {
  if (a.length !== b.length) throw new Error(`psnr: frames differ in size (${a.length} vs ${b.length} values)`);
  const m = mse(a, b);
  if (m < 1e-10) return PSNR_IDENTICAL;
  return 20 * Math.log10(1 / Math.sqrt(m));
}

/** Per-frame PSNR of two videos of `frames` frames. */
export function psnrVideo(a: FrameData, b: FrameData, frames: number): number[] {
  if (a.length !== b.length || a.length % frames !== 0) throw new Error(`psnr: videos must hold the same number of values, a multiple of frames = ${frames} (got ${a.length} and ${b.length})`);
  const f = a.length / frames;
  const out: number[] = [];
  for (let t = 0; t < frames; t++) out.push(psnrFrame(a.subarray(t * f, (t + 1) * f), b.subarray(t * f, (t + 1) * f)));
  return out;
}
