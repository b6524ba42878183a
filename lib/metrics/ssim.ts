/**
 * SSIM as the paper's evaluation computes it (paper-spec §4.3; phyworld combinatorial_data/
 * phyre_scenes/video_metrics/calculate_ssim.py): per channel, an 11×11 Gaussian window with
 * σ = 1.5 (OpenCV's `getGaussianKernel(11, 1.5)`, normalised to sum 1), C1 = 0.01², C2 = 0.03²
 * for images in [0, 1], only the valid region (the `[5:-5, 5:-5]` crop: no padding enters the
 * result), the SSIM map averaged, then the mean over the 3 channels. Per frame; a video's value
 * is the list over frames (the paper reports it per time index and averages over videos).
 *
 * Frames are (H, W, C) interleaved, uint8 (divided by 255) or float in [0, 1].
 */

export type FrameData = Uint8Array | Uint8ClampedArray | Float32Array | Float64Array;

/** Window side and σ of the paper's SSIM. */
export const SSIM_WINDOW = 11;
export const SSIM_SIGMA = 1.5;
export const SSIM_C1 = 0.01 ** 2;
export const SSIM_C2 = 0.03 ** 2;

/** OpenCV's getGaussianKernel(n, σ) for σ > 0: exp(−(i − (n−1)/2)² / (2σ²)), normalised. */
export function gaussianKernel(n: number = SSIM_WINDOW, sigma: number = SSIM_SIGMA): Float64Array {
  const k = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = i - (n - 1) / 2;
    k[i] = Math.exp(-(d * d) / (2 * sigma * sigma));
    s += k[i];
  }
  for (let i = 0; i < n; i++) k[i] /= s;
  return k;
}

/** Whether values are bytes (scaled by 1/255) rather than floats in [0, 1]. */
export function isBytes(x: FrameData): boolean {
  return x instanceof Uint8Array || x instanceof Uint8ClampedArray;
}

/** Valid separable filtering of a (H, W) plane: output (H − n + 1, W − n + 1). */
function filterValid(src: Float64Array, h: number, w: number, k: Float64Array): Float64Array {
  const n = k.length;
  const oh = h - n + 1;
  const ow = w - n + 1;
  const tmp = new Float64Array(h * ow);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < ow; j++) {
      let s = 0;
      const row = i * w + j;
      for (let u = 0; u < n; u++) s += k[u] * src[row + u];
      tmp[i * ow + j] = s;
    }
  }
  const out = new Float64Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      let s = 0;
      for (let u = 0; u < n; u++) s += k[u] * tmp[(i + u) * ow + j];
      out[i * ow + j] = s;
    }
  }
  return out;
}

/** SSIM of one (H, W) channel pair (values in [0, 1]). */
export function ssimPlane(a: Float64Array, b: Float64Array, h: number, w: number): number {
  if (h < SSIM_WINDOW || w < SSIM_WINDOW) throw new Error(`ssim: frames must be at least ${SSIM_WINDOW}×${SSIM_WINDOW} pixels, got ${h}×${w}`);
  const k = gaussianKernel();
  const aa = new Float64Array(h * w);
  const bb = new Float64Array(h * w);
  const ab = new Float64Array(h * w);
  for (let i = 0; i < h * w; i++) {
    aa[i] = a[i] * a[i];
    bb[i] = b[i] * b[i];
    ab[i] = a[i] * b[i];
  }
  const mu1 = filterValid(a, h, w, k);
  const mu2 = filterValid(b, h, w, k);
  const s11 = filterValid(aa, h, w, k);
  const s22 = filterValid(bb, h, w, k);
  const s12 = filterValid(ab, h, w, k);
  let sum = 0;
  for (let i = 0; i < mu1.length; i++) {
    const m1 = mu1[i];
    const m2 = mu2[i];
    const v1 = s11[i] - m1 * m1;
    const v2 = s22[i] - m2 * m2;
    const c = s12[i] - m1 * m2;
    sum += ((2 * m1 * m2 + SSIM_C1) * (2 * c + SSIM_C2)) / ((m1 * m1 + m2 * m2 + SSIM_C1) * (v1 + v2 + SSIM_C2));
  }
  return sum / mu1.length;
}

/** SSIM of two (H, W, C) frames: the mean over channels of the per-channel SSIM. */
export function ssimFrame(a: FrameData, b: FrameData, h: number, w: number, channels = 3): number {
  const n = h * w * channels;
  if (a.length < n || b.length < n) throw new Error(`ssim: frames hold ${a.length} and ${b.length} values, need ${n} (${h}×${w}×${channels})`);
  const ka = isBytes(a) ? 1 / 255 : 1;
  const kb = isBytes(b) ? 1 / 255 : 1;
  let total = 0;
  const pa = new Float64Array(h * w);
  const pb = new Float64Array(h * w);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < h * w; p++) {
      pa[p] = a[p * channels + c] * ka;
      pb[p] = b[p * channels + c] * kb;
    }
    total += ssimPlane(pa, pb, h, w);
  }
  return total / channels;
}

/** Per-frame SSIM of two videos (T, H, W, C). */
export function ssimVideo(a: FrameData, b: FrameData, frames: number, h: number, w: number, channels = 3): number[] {
  const f = h * w * channels;
  if (a.length !== frames * f || b.length !== frames * f) throw new Error(`ssim: videos must both hold ${frames}×${h}×${w}×${channels} = ${frames * f} values, got ${a.length} and ${b.length}`);
  const out: number[] = [];
  for (let t = 0; t < frames; t++) out.push(ssimFrame(a.subarray(t * f, (t + 1) * f), b.subarray(t * f, (t + 1) * f), h, w, channels));
  return out;
}
