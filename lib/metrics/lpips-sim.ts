/**
 * LPIPS-sim: a learned perceptual distance between frames, computed as LPIPS is (Zhang et al.
 * 2018; the paper uses AlexNet, inputs in [−1, 1], "spatial" averaging) but on the activations of
 * a feature net trained on simulator frames (lib/metrics/feature-nets.ts), or of a user-supplied
 * converted AlexNet through the same interface:
 *   d(a, b) = Σ_layers mean_{h,w} ‖ â_l(h,w) − b̂_l(h,w) ‖²,  x̂ = x / (‖x‖₂ over channels + ε).
 * Differences from LPIPS: the channel weights are uniform (LPIPS learns them on human judgements;
 * there is no such data here) and the network saw only simulator frames. It is therefore
 * comparable between runs of this project, not with published LPIPS values.
 */
import * as tf from '@tensorflow/tfjs';
import { FeatureNet, toInput } from './feature-nets';

const EPS = 1e-10;

/** LPIPS-sim of frame pairs: frames t of `a` against frames t of `b` (both (T, H, W, 3) uint8). */
export function lpipsSimFrames(net: FeatureNet, a: Uint8Array, b: Uint8Array, frames: number, h: number, w: number): number[] {
  if (net.kind !== 'frame') throw new Error(`lpipsSim needs a frame net, got a ${net.kind} net (${net.name})`);
  if (a.length !== b.length) throw new Error(`lpipsSim: videos differ in size (${a.length} vs ${b.length})`);
  const out: number[] = [];
  const chunk = 32;
  for (let t0 = 0; t0 < frames; t0 += chunk) {
    const idx = Array.from({ length: Math.min(chunk, frames - t0) }, (_, i) => t0 + i);
    const d = tf.tidy(() => {
      const xa = toInput([a], frames, h, w, net.size, idx).reshape([idx.length, 1, net.size, net.size, 3]) as tf.Tensor5D;
      const xb = toInput([b], frames, h, w, net.size, idx).reshape([idx.length, 1, net.size, net.size, 3]) as tf.Tensor5D;
      const ta = net.taps(xa);
      const tb = net.taps(xb);
      let total = tf.zeros([idx.length]);
      for (let l = 0; l < ta.length; l++) {
        const ax = ta[l].rank - 1;
        const na = ta[l].div(ta[l].square().sum(ax, true).sqrt().add(EPS));
        const nb = tb[l].div(tb[l].square().sum(ax, true).sqrt().add(EPS));
        const diff = na.sub(nb).square().sum(ax);
        total = total.add(diff.reshape([idx.length, -1]).mean(1));
      }
      return total;
    });
    out.push(...Array.from(d.dataSync()));
    d.dispose();
  }
  return out;
}

/** Mean LPIPS-sim over the frames of two videos. */
export function lpipsSimVideo(net: FeatureNet, a: Uint8Array, b: Uint8Array, frames: number, h: number, w: number): number {
  const d = lpipsSimFrames(net, a, b, frames, h, w);
  return d.reduce((s, x) => s + x, 0) / d.length;
}
