/**
 * Pixel parser (paper-spec §3.1): each object's centre and radius from plain uint8 RGB frames
 * (T, H, W, 3), row 0 = top, so it works the same on ground-truth and generated videos.
 *
 * Following the paper's evaluate.py (`parse_state_from_image*`):
 * 1. Colour mask by per-channel threshold at 127: red = R>127, G<127, B<127; blue = R<127,
 *    G<127, B>127; other named colours likewise (channel > 127 where the colour has 255, < 127
 *    where it has 0). No Hough transform or fitting.
 * 2. Centre = mean (column, row) of the mask; radius = √(area/π); both converted to world units.
 * 3. Colour absent (empty mask): x = `absentX` (uniform and parabola 10; collision ball 1 → 0,
 *    ball 2 → 10), y and r carried over from the previous frame.
 *
 * Pixel → world mapping, `coordinates`:
 * - 'grid' (default): the exact inverse of our renderer (lib/render/raster.ts samples column j at
 *   x = 10·j/(W−1), row i at y = 10·(H−1−i)/(H−1)); a perfect render parses without scale bias.
 * - 'paper-code': the paper's code, x = 10·j/W, y = 10·(H−1−i)/W (it flips the image, then uses
 *   row/W). Combined with its own renderer's (W−1) grid this shrinks positions by (W−1)/W, a
 *   systematic velocity bias of v/W (≈0.02 u/s at v = 2.5, 128 px) that is part of the paper's
 *   ground-truth floor. Use it to reproduce that floor.
 * Centroid, `centroid`:
 * - 'mask' (default, the paper's): every pixel of the thresholded mask counts 1.
 * - 'alpha' (ours, optional): each pixel whose "on" channels pass the threshold counts with its
 *   coverage a = min over the colour's "off" channels of (255 − value)/255 (for red on white:
 *   (255 − max(G, B))/255), and pixels with a < 0.1 are ignored (so faint noise on a generated
 *   background does not pull the centre). On anti-aliased renders this recovers sub-pixel
 *   positions, lowering the ground-truth floor at small sizes; the radius is √(Σa/π).
 * Deviation from the code (never NaN): before the first frame where an object is seen, y and r are
 * taken from the first frame where it is seen; an object never seen gets y = 5 (the world centre)
 * and r = 0. The code leaves NaN there, which its nan-means then silently skip, rewarding a
 * vanished ball; here the ball's absence costs velocity error instead.
 */
import { colorRgb } from '../render/colors';
import { WORLD_SIZE } from '../sim/constants';
import { ConfigError } from '../config/profile';

export interface ParserConfig {
  /** Channel threshold (paper 127): a channel counts as "on" above it and "off" below it. Default 127. */
  threshold: number;
  /** Pixel → world mapping: 'grid' (inverse of our renderer) or 'paper-code' (the paper's ×10/W). Default 'grid'. */
  coordinates: 'grid' | 'paper-code';
  /** 'mask': the paper's thresholded-mask centroid; 'alpha': coverage-weighted centroid (see module doc). Default 'mask'. */
  centroid: 'mask' | 'alpha';
}

export function defaultParserConfig(): ParserConfig {
  return { threshold: 127, coordinates: 'grid', centroid: 'mask' };
}

/** Parsed positions per frame and object (world units, y up). */
export interface ParsedTrack {
  frames: number;
  objects: number;
  /** (T, N) centre x, y and radius r. */
  x: Float64Array;
  y: Float64Array;
  r: Float64Array;
  /** (T, N) 1 where the object's colour was found, 0 where the absent rule filled in. */
  present: Uint8Array;
  /** (T, N) mask area in pixels. */
  area: Float64Array;
}

/** x used when a colour is absent: collision ball 1 (left) 0, everything else 10 (paper §3.1). */
export function defaultAbsentX(scenario: string, objects: number): number[] {
  if (scenario === 'collision') return Array.from({ length: objects }, (_, j) => (j === 0 ? 0 : WORLD_SIZE));
  return Array.from({ length: objects }, () => WORLD_SIZE);
}

/** Accept (T, H, W, 3) or (T, H, W) as the frame shape; checks the buffer length. */
function dims(frames: Uint8Array, shape: ReadonlyArray<number>): [number, number, number] {
  const [t, h, w] = shape;
  if (shape.length < 3 || (shape.length === 4 && shape[3] !== 3)) throw new ConfigError(`frames shape must be [T, H, W, 3], got [${shape.join(', ')}]`);
  if (frames.length !== t * h * w * 3) throw new ConfigError(`frames hold ${frames.length} bytes but shape [${t}, ${h}, ${w}, 3] needs ${t * h * w * 3}`);
  return [t, h, w];
}

/**
 * Parse every frame for each colour in `colors` (object j = colors[j]).
 * @param frames uint8 RGB (T, H, W, 3), row 0 = top
 * @param absentX x used when object j's colour is absent (default: 10 for every object)
 */
export function parseVideo(frames: Uint8Array, shape: ReadonlyArray<number>, colors: ReadonlyArray<string>, absentX?: ReadonlyArray<number>, cfg: ParserConfig = defaultParserConfig()): ParsedTrack {
  const [T, H, W] = dims(frames, shape);
  const n = colors.length;
  const thr = cfg.threshold;
  const want = colors.map((c) => colorRgb(c).map((v) => v > 127));
  const fill = absentX ?? colors.map(() => WORLD_SIZE);
  const sx = cfg.coordinates === 'grid' ? WORLD_SIZE / (W - 1) : WORLD_SIZE / W;
  const sy = cfg.coordinates === 'grid' ? WORLD_SIZE / (H - 1) : WORLD_SIZE / W;
  const out: ParsedTrack = { frames: T, objects: n, x: new Float64Array(T * n), y: new Float64Array(T * n), r: new Float64Array(T * n), present: new Uint8Array(T * n), area: new Float64Array(T * n) };
  const sumC = new Float64Array(n);
  const sumR = new Float64Array(n);
  const cnt = new Float64Array(n);
  // Colour classes as 3-bit codes (R on = 4, G on = 2, B on = 1); pixels with a channel exactly at the threshold match none.
  const code = want.map((w) => (w[0] ? 4 : 0) | (w[1] ? 2 : 0) | (w[2] ? 1 : 0));
  const slot = new Int8Array(8).fill(-1);
  code.forEach((c, j) => {
    if (slot[c] !== -1) throw new ConfigError(`colors: '${colors[slot[c]]}' and '${colors[j]}' have the same threshold class; the parser cannot tell them apart`);
    slot[c] = j;
  });
  for (let t = 0; t < T; t++) {
    sumC.fill(0);
    sumR.fill(0);
    cnt.fill(0);
    const base = t * H * W * 3;
    if (cfg.centroid === 'alpha') {
      accumulateAlpha(frames, base, H, W, thr, code, sumC, sumR, cnt);
    } else for (let i = 0; i < H; i++) {
      let p = base + i * W * 3;
      for (let j = 0; j < W; j++, p += 3) {
        const r = frames[p];
        const g = frames[p + 1];
        const b = frames[p + 2];
        if (r === thr || g === thr || b === thr) continue;
        const k = slot[(r > thr ? 4 : 0) | (g > thr ? 2 : 0) | (b > thr ? 1 : 0)];
        if (k < 0) continue;
        sumC[k] += j;
        sumR[k] += i;
        cnt[k]++;
      }
    }
    for (let k = 0; k < n; k++) {
      const o = t * n + k;
      out.area[o] = cnt[k];
      if (cnt[k] > 0) {
        out.present[o] = 1;
        out.x[o] = (sumC[k] / cnt[k]) * sx;
        out.y[o] = (H - 1 - sumR[k] / cnt[k]) * sy;
        out.r[o] = Math.sqrt(cnt[k] / Math.PI) * sx;
      }
    }
  }
  return applyAbsentRule(out, fill);
}

function applyAbsentRule(out: ParsedTrack, fill: ReadonlyArray<number>): ParsedTrack {
  const T = out.frames;
  const n = out.objects;
  // Absent rule: x = absentX, y and r from the previous frame (else the first seen frame, else centre / 0).
  for (let k = 0; k < n; k++) {
    let firstSeen = -1;
    for (let t = 0; t < T; t++) if (out.present[t * n + k]) {
      firstSeen = t;
      break;
    }
    let prevY = firstSeen >= 0 ? out.y[firstSeen * n + k] : WORLD_SIZE / 2;
    let prevR = firstSeen >= 0 ? out.r[firstSeen * n + k] : 0;
    for (let t = 0; t < T; t++) {
      const o = t * n + k;
      if (out.present[o]) {
        prevY = out.y[o];
        prevR = out.r[o];
      } else {
        out.x[o] = fill[k];
        out.y[o] = prevY;
        out.r[o] = prevR;
      }
    }
  }
  return out;
}

/** Coverage-weighted sums for the 'alpha' centroid: weight = min over "off" channels of (255 − v)/255. */
function accumulateAlpha(frames: Uint8Array, base: number, H: number, W: number, thr: number, codes: number[], sumC: Float64Array, sumR: Float64Array, cnt: Float64Array): void {
  const n = codes.length;
  for (let i = 0; i < H; i++) {
    let p = base + i * W * 3;
    for (let j = 0; j < W; j++, p += 3) {
      const r = frames[p];
      const g = frames[p + 1];
      const b = frames[p + 2];
      if (r === 255 && g === 255 && b === 255) continue; // background
      for (let k = 0; k < n; k++) {
        const m = codes[k];
        let a = 1;
        if (m & 4) {
          if (r <= thr) continue;
        } else a = Math.min(a, (255 - r) / 255);
        if (m & 2) {
          if (g <= thr) continue;
        } else a = Math.min(a, (255 - g) / 255);
        if (m & 1) {
          if (b <= thr) continue;
        } else a = Math.min(a, (255 - b) / 255);
        if (a < 0.1) continue;
        sumC[k] += a * j;
        sumR[k] += a * i;
        cnt[k] += a;
      }
    }
  }
}
