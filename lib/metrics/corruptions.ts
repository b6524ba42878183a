/**
 * Planted corruptions of simulator videos, to check that a video distance grows with the damage:
 * Gaussian pixel noise (σ in [0, 1] units), box blur (radius in pixels), and object removal
 * (the k first objects of the video's object list, red ball excluded, not drawn at all).
 * Seeded; level 0 is the clean video.
 */
import { hashKey, Rng } from '../rng/rng';
import { PhyreVideo } from '../sim/phyre/video';
import { PHYRE_STATE_DIM } from '../sim/phyre/simulate';
import { SCENE_SIZE, worldShapes } from '../sim/phyre/bodies';
import { DrawItem, drawItems, whiteFrames } from '../render/polygons';
import { WAD_COLORS } from '../render/wad-palette';

export const CORRUPTIONS = ['noise', 'blur', 'removal'] as const;
export type Corruption = (typeof CORRUPTIONS)[number];

/** The levels used by the monotonicity check (index 0 = clean). */
export const CORRUPTION_LEVELS: Record<Corruption, number[]> = {
  noise: [0, 0.03, 0.08, 0.2],
  blur: [0, 1, 2, 3],
  removal: [0, 1, 2, 3],
};

export function addNoise(frames: Uint8Array, sigma: number, seed: number): Uint8Array {
  const rng = new Rng(hashKey('noise', seed));
  return Uint8Array.from(frames, (v) => Math.max(0, Math.min(255, Math.round(v + 255 * sigma * rng.normal()))));
}

export function boxBlur(frames: Uint8Array, T: number, h: number, w: number, radius: number): Uint8Array {
  if (radius <= 0) return frames.slice();
  const out = new Uint8Array(frames.length);
  for (let t = 0; t < T; t++) {
    const base = t * h * w * 3;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let c = 0; c < 3; c++) {
      let s = 0;
      let n = 0;
      for (let di = -radius; di <= radius; di++) for (let dj = -radius; dj <= radius; dj++) {
        const ii = i + di;
        const jj = j + dj;
        if (ii < 0 || ii >= h || jj < 0 || jj >= w) continue;
        s += frames[base + (ii * w + jj) * 3 + c];
        n++;
      }
      out[base + (i * w + j) * 3 + c] = Math.round(s / n);
    }
  }
  return out;
}

/** Re-renders the video without its first k objects (object = bodies sharing an object type; the red ball is kept). */
export function removeObjects(v: PhyreVideo, k: number): Uint8Array {
  const { traj } = v;
  const objects = [...new Set(traj.bodies.filter((b) => b.color !== 'red').map((b) => b.object))];
  const drop = new Set(objects.slice(0, k));
  const { size, supersample } = v.cfg;
  const n = traj.bodies.length;
  const buf = whiteFrames(traj.frames, size);
  for (let t = 0; t < traj.frames; t++) {
    const items: DrawItem[] = [];
    traj.bodies.forEach((b, j) => {
      if (drop.has(b.object)) return;
      const o = (t * n + j) * PHYRE_STATE_DIM;
      items.push({ shapes: worldShapes({ x: traj.states[o], y: traj.states[o + 1], angle: traj.states[o + 2], shapes: b.shapes }), color: WAD_COLORS[b.color] });
    });
    drawItems(buf, t * size * size * 3, size, SCENE_SIZE, items, supersample);
  }
  return buf;
}

/** The video corrupted by `kind` at `level` (a value from CORRUPTION_LEVELS). */
export function corrupt(v: PhyreVideo, kind: Corruption, level: number, seed = 0): Uint8Array {
  const [T, h, w] = v.frameShape;
  if (level === 0) return v.frames;
  if (kind === 'noise') return addNoise(v.frames, level, hashKey(seed, v.name));
  if (kind === 'blur') return boxBlur(v.frames, T, h, w, level);
  return removeObjects(v, level);
}
