/**
 * FVD-sim: the Fréchet distance between the embeddings of two sets of videos, computed as FVD is
 * (Unterthiner et al. 2018; the paper uses StyleGAN-V's Kinetics-400 I3D) but with a video
 * encoder trained on simulator videos (lib/metrics/feature-nets.ts), or a user-supplied converted
 * I3D through the same interface. Clips are `net.frames` frames spread evenly over each video.
 * Its scale has nothing to do with published FVD numbers; compare FVD-sim values only with each
 * other (same net, same set sizes).
 */
import * as tf from '@tensorflow/tfjs';
import { FeatureNet, spreadFrames, toInput } from './feature-nets';
import { frechetDistance } from './frechet';

/** One embedding per video ((T, H, W, 3) uint8 each). */
export function videoEmbeddings(net: FeatureNet, videos: ReadonlyArray<Uint8Array>, frames: number, h: number, w: number): Float32Array[] {
  if (net.kind !== 'video') throw new Error(`fvdSim needs a video net, got a ${net.kind} net (${net.name})`);
  const pick = spreadFrames(frames, net.frames);
  const out: Float32Array[] = [];
  for (let i = 0; i < videos.length; i += 16) {
    const e = tf.tidy(() => net.embedding(toInput(videos.slice(i, i + 16), frames, h, w, net.size, pick)));
    const d = e.dataSync() as Float32Array;
    const dim = e.shape[1];
    for (let k = 0; k < e.shape[0]; k++) out.push(d.slice(k * dim, (k + 1) * dim));
    e.dispose();
  }
  return out;
}

/** FVD-sim between two sets of videos (at least 2 each). */
export function fvdSim(net: FeatureNet, a: ReadonlyArray<Uint8Array>, b: ReadonlyArray<Uint8Array>, frames: number, h: number, w: number): number {
  return frechetDistance(videoEmbeddings(net, a, frames, h, w), videoEmbeddings(net, b, frames, h, w));
}
