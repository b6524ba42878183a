/**
 * Which clip size can show a disc from a square? The shape reader (lib/metrics/attribute-readers.ts)
 * on ground-truth clips of red discs and red squares at several frame sizes, with Gaussian pixel
 * noise of standard deviation σ (fraction of 255) added, over the paper's radius range and over its
 * smallest radii. Computed by the `readers` unit and shown in notebook 04.
 */
import { defaultDatasetConfig, makeVideo } from '../../data/index';
import { defaultReaderOptions, readAttributes } from '../../metrics/attribute-readers';
import { rngFor } from '../../rng/rng';
import type { Band } from '../../data/bands';
import { ALL_R, ALL_V, comboClasses } from './pairs';

export interface ClipSizeCell {
  size: number;
  sigma: number;
  radius: Band;
  n: number;
  /** Share of clips whose shape (disc or square) is read right. */
  accuracy: number;
}

export const CLIP_SIZE_SIZES = [16, 24, 32];
export const CLIP_SIZE_SIGMAS = [0, 0.05, 0.1];
export const CLIP_SIZE_RADII: Band[] = [ALL_R, [ALL_R[0], 0.8]];

/** Disc-vs-square accuracy of the shape reader per (size, σ, radius band), `n` clips each (8 frames, stride 30, reading frames ≥ condFrames). */
export function clipSizeTable(n: number, condFrames: number, seed: number): ClipSizeCell[] {
  const out: ClipSizeCell[] = [];
  for (const size of CLIP_SIZE_SIZES) {
    for (const radius of CLIP_SIZE_RADII) {
      const cfg = {
        ...defaultDatasetConfig('quick', 'uniform', 'id'), frames: 8, size, count: n, frameStride: 30, sampling: 'random' as const,
        classes: comboClasses([{ color: 'red', shape: 'circle', radius, velocity: ALL_V }, { color: 'red', shape: 'square', radius, velocity: ALL_V }]),
      };
      const videos = Array.from({ length: n }, (_, i) => makeVideo(cfg, seed, i));
      for (const sigma of CLIP_SIZE_SIGMAS) {
        const rng = rngFor(seed, 'clip-size-noise', size, sigma, radius[0], radius[1]);
        let ok = 0;
        for (const v of videos) {
          const f = sigma === 0 ? v.frames : Uint8Array.from(v.frames, (x) => Math.max(0, Math.min(255, Math.round(x + 255 * sigma * rng.normal()))));
          if (readAttributes(f, v.frameShape, defaultReaderOptions(v.frameDt, condFrames)).shape === v.objects[0].shape) ok++;
        }
        out.push({ size, sigma, radius, n, accuracy: ok / n });
      }
    }
  }
  return out;
}
