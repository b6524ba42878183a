/**
 * Attribute readers for the attribute-priority experiment (paper §5.3, paper-spec §6): the colour
 * class, size, velocity and shape of the single object of a uniform-motion clip, read from pixels.
 *
 * - **Coverage**: every object colour here has channels 0 or 255 and is blended over white, so a
 *   pixel's coverage is alpha = 1 − min(R, G, B)/255 (exact for red and blue on white); values
 *   below `minAlpha` are set to 0, and so are pixels farther than `window` from the object's core
 *   (the centroid of the pixels at least half covered): background noise of generated clips.
 * - **Colour**: the sign of Σ alpha·(R − B) over the object: red (> 0) or blue (< 0).
 * - **Centre**: the coverage-weighted centroid (the existing parser's 'alpha' centroid,
 *   lib/metrics/parse-state.ts), in world units.
 * - **Shape** (analysis by synthesis): for each candidate shape (disc, square, ring) the radius
 *   that explains the measured coverage area (disc πr²·(1 − EDGE/2), square 4r², ring
 *   π(1 − k²)r²·(1 − EDGE/2)) is rendered with the project's renderer at the measured centre; the
 *   shape whose render is closest (sum of squared coverage differences, summed over the clip's
 *   frames that show the whole object) wins.
 * - **Size**: the median over those frames of the radius (square: half-side) the winning shape
 *   implies from the area, in world units.
 * - **Velocity**: the existing parser (parseVideo, 'alpha' centroid, the read colour) on every
 *   frame; the mean forward difference of x over consecutive frames whose object lies fully in view,
 *   divided by the frame interval (signed, u/s).
 *
 * Only frames t ≥ `fromFrame` are read (generated frames; 0 for whole clips).
 */
import { renderFrames } from '../render/raster';
import { WORLD_SIZE } from '../sim/constants';
import { RING_INNER, Shape } from '../sim/types';
import { defaultParserConfig, parseVideo } from './parse-state';

/** Soft-rim width of the renderer's discs (lib/render/raster.ts EDGE): mean alpha ½ over it. */
const EDGE = 0.03;

export type ColorClass = 'red' | 'blue';

export interface ReaderOptions {
  /** First frame read (e.g. the number of conditioning frames). Default 0. */
  fromFrame: number;
  /** Seconds between frames. */
  frameDt: number;
  /** Coverage below this is background. Default 0.1. */
  minAlpha: number;
  /** Shapes the shape reader chooses among. Default ['circle', 'square', 'ring']. */
  shapes: Shape[];
  /** Only pixels within this distance (world units) of the object's core (pixels ≥ ½ covered) count. Default 2.5 (> √2 × the largest half-side 1.4 plus a rim). */
  window: number;
}

export function defaultReaderOptions(frameDt: number, fromFrame = 0): ReaderOptions {
  return { fromFrame, frameDt, minAlpha: 0.2, shapes: ['circle', 'square', 'ring'], window: 2.5 };
}

/** What the readers read from one clip (null: no frame showed the whole object). */
export interface AttributeReading {
  color: ColorClass | null;
  shape: Shape | null;
  /** Radius (square: half-side), world units. */
  size: number | null;
  /** Signed x-velocity, u/s. */
  velocity: number | null;
  /** Frames that showed the whole object (shape and size rest on them). */
  frames: number;
  /** Frame pairs the velocity rests on. */
  steps: number;
}

/** Area in world units² of a shape of radius r as the renderer draws it. */
export function shapeArea(shape: Shape, r: number): number {
  if (shape === 'square') return 4 * r * r;
  const disc = Math.PI * r * r * (1 - EDGE / 2);
  return shape === 'ring' ? disc * (1 - RING_INNER * RING_INNER) : disc;
}

/** The radius of `shape` whose rendered area is `area`. */
export function radiusFromArea(shape: Shape, area: number): number {
  return Math.sqrt(area / shapeArea(shape, 1));
}

interface FrameStats {
  alpha: Float32Array;
  mass: number;
  x: number;
  y: number;
  redness: number;
}

function frameStats(frames: Uint8Array, t: number, size: number, minAlpha: number, window: number): FrameStats {
  const n = size * size;
  const alpha = new Float32Array(n);
  const base = t * n * 3;
  const px = WORLD_SIZE / (size - 1);
  // the object's core: pixels at least half covered; only pixels near its centre count
  let cm = 0;
  let ci = 0;
  let cj = 0;
  for (let p = 0; p < n; p++) {
    const a = 1 - Math.min(frames[base + 3 * p], frames[base + 3 * p + 1], frames[base + 3 * p + 2]) / 255;
    if (a < 0.5) continue;
    const i = Math.floor(p / size);
    cm += a;
    ci += a * i;
    cj += a * (p - i * size);
  }
  if (cm === 0) return { alpha, mass: 0, x: NaN, y: NaN, redness: 0 };
  ci /= cm;
  cj /= cm;
  const w = window / px; // window radius in pixels
  let mass = 0;
  let sx = 0;
  let sy = 0;
  let redness = 0;
  for (let p = 0; p < n; p++) {
    const i = Math.floor(p / size);
    const j = p - i * size;
    if ((i - ci) * (i - ci) + (j - cj) * (j - cj) > w * w) continue;
    const r = frames[base + 3 * p];
    const g = frames[base + 3 * p + 1];
    const b = frames[base + 3 * p + 2];
    const a = 1 - Math.min(r, g, b) / 255;
    if (a < minAlpha) continue;
    alpha[p] = a;
    mass += a;
    sx += a * j * px;
    sy += a * (WORLD_SIZE - i * px);
    redness += a * (r - b);
  }
  return { alpha, mass, x: sx / mass, y: sy / mass, redness };
}

/** Coverage map of one object rendered at (x, y). */
function templateAlpha(shape: Shape, x: number, y: number, r: number, size: number): Float32Array {
  const st = new Float32Array([x, y, 0, 0]);
  const img = renderFrames(st, [{ shape, radius: r, color: 'black' }], 1, { size, supersample: 4 });
  const out = new Float32Array(size * size);
  for (let p = 0; p < out.length; p++) out[p] = 1 - img[3 * p] / 255;
  return out;
}

/** Read colour, shape, size and velocity of a clip (T, H, W, 3) uint8 (see module doc). */
export function readAttributes(frames: Uint8Array, frameShape: ReadonlyArray<number>, opts: ReaderOptions): AttributeReading {
  const [T, H] = frameShape;
  const size = H;
  const px = WORLD_SIZE / (size - 1);
  const sse: number[] = opts.shapes.map(() => 0);
  const radii: number[][] = opts.shapes.map(() => []);
  let redness = 0;
  let used = 0;
  for (let t = opts.fromFrame; t < T; t++) {
    const f = frameStats(frames, t, size, opts.minAlpha, opts.window);
    if (f.mass <= 0) continue;
    redness += f.redness;
    const area = f.mass * px * px;
    const rMax = Math.max(...opts.shapes.map((s) => radiusFromArea(s, area)));
    // the whole object in view: its largest candidate extent inside the frame
    if (f.x - rMax < 0 || f.x + rMax > WORLD_SIZE || f.y - rMax < 0 || f.y + rMax > WORLD_SIZE) continue;
    used++;
    opts.shapes.forEach((s, k) => {
      const r = radiusFromArea(s, area);
      radii[k].push(r);
      const tpl = templateAlpha(s, f.x, f.y, r, size);
      let e = 0;
      for (let p = 0; p < tpl.length; p++) {
        const d = tpl[p] - f.alpha[p];
        e += d * d;
      }
      sse[k] += e;
    });
  }
  const color: ColorClass | null = redness > 0 ? 'red' : redness < 0 ? 'blue' : null;
  let shape: Shape | null = null;
  let size_: number | null = null;
  if (used > 0) {
    let best = 0;
    for (let k = 1; k < sse.length; k++) if (sse[k] < sse[best]) best = k;
    shape = opts.shapes[best];
    const rs = radii[best].slice().sort((a, b) => a - b);
    size_ = rs.length % 2 ? rs[(rs.length - 1) / 2] : (rs[rs.length / 2 - 1] + rs[rs.length / 2]) / 2;
  }
  const v = velocityOf(frames, frameShape, color ?? 'red', size_, opts);
  return { color, shape, size: size_, velocity: v.velocity, frames: used, steps: v.steps };
}

/** Signed mean x-velocity from the existing parser over frame pairs with the object in view. */
function velocityOf(frames: Uint8Array, frameShape: ReadonlyArray<number>, color: ColorClass, radius: number | null, opts: ReaderOptions): { velocity: number | null; steps: number } {
  if (radius === null) return { velocity: null, steps: 0 };
  const parsed = parseVideo(frames, frameShape, [color], [WORLD_SIZE], { ...defaultParserConfig(), centroid: 'alpha' });
  const inView = (t: number) => parsed.present[t] === 1 && parsed.x[t] - radius >= 0 && parsed.x[t] + radius <= WORLD_SIZE;
  let sum = 0;
  let steps = 0;
  for (let t = opts.fromFrame; t + 1 < parsed.frames; t++) {
    if (!inView(t) || !inView(t + 1)) continue;
    sum += (parsed.x[t + 1] - parsed.x[t]) / opts.frameDt;
    steps++;
  }
  return { velocity: steps > 0 ? sum / steps : null, steps };
}
