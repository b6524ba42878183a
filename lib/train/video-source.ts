/**
 * What the trainer reads: a fixed, indexable set of RGB clips. lib/data's datasets are adapted to
 * it (data-source.ts); `SyntheticSquareSource` is a self-contained stand-in for tests and smoke runs.
 */
import { rngFor } from '../rng/rng';

export interface VideoSource {
  /** Number of clips. */
  readonly count: number;
  /** [frames T, height H, width W, channels 3] of every clip. */
  readonly frameShape: readonly [number, number, number, number];
  /** Clip i as T·H·W·3 bytes, row-major (T, H, W, 3), RGB. */
  frames(i: number): Uint8Array;
  /** One line saying what this is (written into checkpoints). */
  readonly description?: string;
}

export interface SyntheticSquareConfig {
  /** Number of clips. Default 64. */
  count: number;
  /** Frames per clip. Default 8. */
  frames: number;
  /** Frame size in pixels (square). Default 16. */
  size: number;
  /** Square side range in pixels [min, max]. Default [3, 5]. */
  side: [number, number];
  /** Horizontal speed range in pixels per frame [min, max]. Default [0.5, 1.5]. */
  speed: [number, number];
}

export function defaultSyntheticSquareConfig(): SyntheticSquareConfig {
  return { count: 64, frames: 8, size: 16, side: [3, 5], speed: [0.5, 1.5] };
}

/**
 * A red square moving right at constant speed on white (uniform motion in miniature). Clip i
 * is a pure function of (seed, i): side, speed, start x and y from rngFor(seed, 'synthetic-square', i);
 * pixels are covered by area (anti-aliased along x), so sub-pixel motion is visible.
 */
export class SyntheticSquareSource implements VideoSource {
  readonly count: number;
  readonly frameShape: readonly [number, number, number, number];
  readonly description: string;
  private readonly cache = new Map<number, Uint8Array>();

  constructor(readonly config: SyntheticSquareConfig, readonly seed: number) {
    this.count = config.count;
    this.frameShape = [config.frames, config.size, config.size, 3];
    this.description = `synthetic moving square (seed ${seed}, ${config.count} clips of ${config.frames}×${config.size}×${config.size})`;
  }

  /** Motion parameters of clip i. */
  params(i: number): { side: number; speed: number; x0: number; y0: number } {
    const c = this.config;
    const r = rngFor(this.seed, 'synthetic-square', i);
    const side = Math.round(r.range(c.side[0], c.side[1]));
    const speed = r.range(c.speed[0], c.speed[1]);
    const travel = speed * (c.frames - 1);
    const x0 = r.range(0, Math.max(0, c.size - side - travel));
    const y0 = r.int(Math.max(1, c.size - side + 1));
    return { side, speed, x0, y0 };
  }

  frames(i: number): Uint8Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new Error(`SyntheticSquareSource: clip index ${i} out of range [0, ${this.count})`);
    const hit = this.cache.get(i);
    if (hit) return hit;
    const [T, H, W] = this.frameShape;
    const { side, speed, x0, y0 } = this.params(i);
    const out = new Uint8Array(T * H * W * 3).fill(255);
    for (let t = 0; t < T; t++) {
      const left = x0 + speed * t;
      const right = left + side;
      for (let x = 0; x < W; x++) {
        const cover = Math.max(0, Math.min(x + 1, right) - Math.max(x, left)); // fraction of pixel x covered
        if (cover <= 0) continue;
        const gb = Math.round(255 * (1 - cover));
        for (let y = y0; y < Math.min(H, y0 + side); y++) {
          const o = ((t * H + y) * W + x) * 3;
          out[o] = 255;
          out[o + 1] = gb;
          out[o + 2] = gb;
        }
      }
    }
    this.cache.set(i, out);
    return out;
  }
}

/** A view of `source` restricted to `indices` (e.g. a train/test split). */
export function subsetSource(source: VideoSource, indices: ReadonlyArray<number>): VideoSource {
  return {
    count: indices.length,
    frameShape: source.frameShape,
    description: `${source.description ?? 'source'} [subset of ${indices.length}]`,
    frames: (i: number) => source.frames(indices[i]),
  };
}
