/**
 * Renders simulated states to uint8 RGB frames (T, H, W, 3), row-major, row 0 = top of the
 * image (world y points up: the paper's `frames[:, ::-1]` flip is built in).
 *
 * Geometry follows the paper's `vectorized_draw_balls` (paper-spec §1.1): pixel column j samples
 * world x = 10·j/(W−1) and row i samples world y = 10·(H−1−i)/(H−1) (`linspace(0, 1, W)`
 * grids), so a frame of any size spans exactly the 10×10 world.
 * - Disc: alpha = clip((r² − d²)/(0.03·r²), 0, 1), blended over the frame, colour c:
 *   out = trunc((1 − alpha)·out + alpha·c) (the code blends in floats and truncates with
 *   `astype(uint8)`). This is the soft rim over d ∈ [0.985r, r].
 * - Square (shape experiments): hard-edged, axis-aligned, half-side r: inside iff
 *   |Δx| ≤ r and |Δy| ≤ r (the code's inclusive comparisons), no rim.
 * - Ring (attribute experiments' ring variant): the disc's alpha of the outer radius times one minus
 *   the disc's alpha of the inner radius (RING_INNER·r), i.e. the same soft rim on both edges,
 *   supersampled the same way.
 * - Objects are drawn in order, later over earlier; background white.
 *
 * Supersampling (`supersample` S): each pixel averages the shape's alpha over an S×S grid of
 * points spread over the pixel, i.e. a box-filtered render. S = 1 is exactly the paper's point
 * sampling. The paper rendered at 256 px and trained on 128 px (resize method not stated), which
 * is close to S = 2 at 128 px; we default to S = 4 so small clips (16–32 px) move smoothly
 * instead of in whole-pixel jumps. Only pixels on a shape's edge are supersampled (interior
 * and exterior pixels are decided from the centre distance), so the cost stays near S = 1.
 */
import { BACKGROUND, colorRgb } from './colors';
import { WORLD_SIZE } from '../sim/constants';
import { ObjectInfo, RING_INNER, STATE_DIM } from '../sim/types';
import { ConfigError } from '../config/profile';

export interface RenderConfig {
  /** Frame side in pixels (square frames), 8–256. Default 128 (the paper's training size). */
  size: number;
  /** Points per pixel side averaged for anti-aliasing, 1–8 (1 = the paper's point sampling). Default 4. */
  supersample: number;
}

export function defaultRenderConfig(): RenderConfig {
  return { size: 128, supersample: 4 };
}

/** Smallest and largest frame sizes accepted. */
export const MIN_SIZE = 8;
export const MAX_SIZE = 256;

export function validateRenderConfig(cfg: RenderConfig, prefix = ''): void {
  if (!Number.isInteger(cfg.size) || cfg.size < MIN_SIZE || cfg.size > MAX_SIZE) {
    throw new ConfigError(`${prefix}size must be an integer number of pixels in [${MIN_SIZE}, ${MAX_SIZE}], got ${cfg.size}`);
  }
  if (!Number.isInteger(cfg.supersample) || cfg.supersample < 1 || cfg.supersample > 8) {
    throw new ConfigError(`${prefix}supersample must be an integer in [1, 8], got ${cfg.supersample}`);
  }
}

/** Soft-rim width of the paper's disc, as a fraction of r². */
const EDGE = 0.03;

/**
 * Render T frames of N objects from flat states (T, N, 4) into `out` (T·S·S·3 bytes, allocated
 * when absent). Returns the frames.
 */
export function renderFrames(states: Float32Array | Float64Array, objects: ReadonlyArray<ObjectInfo>, frames: number, cfg: RenderConfig, out?: Uint8Array): Uint8Array {
  validateRenderConfig(cfg);
  const size = cfg.size;
  const frameBytes = size * size * 3;
  const n = objects.length;
  if (states.length < frames * n * STATE_DIM) throw new Error(`renderFrames: states hold ${states.length} floats, need ${frames * n * STATE_DIM} for ${frames} frames × ${n} objects`);
  const buf = out ?? new Uint8Array(frames * frameBytes);
  if (buf.length < frames * frameBytes) throw new Error(`renderFrames: output holds ${buf.length} bytes, need ${frames * frameBytes}`);
  const colors = objects.map((o, j) => colorRgb(o.color, `objects[${j}].color`));
  const bgWhite = BACKGROUND[0] === 255 && BACKGROUND[1] === 255 && BACKGROUND[2] === 255;
  const offsets = subsampleOffsets(cfg.supersample);
  for (let t = 0; t < frames; t++) {
    const base = t * frameBytes;
    if (bgWhite) buf.fill(255, base, base + frameBytes);
    else for (let p = 0; p < size * size; p++) buf.set(BACKGROUND, base + p * 3);
    for (let j = 0; j < n; j++) {
      const o = (t * n + j) * STATE_DIM;
      const obj = objects[j];
      if (obj.shape === 'square') drawSquare(buf, base, size, states[o], states[o + 1], obj.radius, colors[j], offsets);
      else if (obj.shape === 'ring') drawRing(buf, base, size, states[o], states[o + 1], obj.radius, RING_INNER * obj.radius, colors[j], offsets);
      else drawDisc(buf, base, size, states[o], states[o + 1], obj.radius, colors[j], offsets);
    }
  }
  return buf;
}

/** Sub-pixel sample offsets (pixel units, centred on 0) for an S×S grid. */
function subsampleOffsets(s: number): Float64Array {
  const out = new Float64Array(s);
  for (let k = 0; k < s; k++) out[k] = (k + 0.5) / s - 0.5;
  return out;
}

/** World → pixel coordinates (column, row from the top) for a frame of `size` pixels. */
export function worldToPixel(x: number, y: number, size: number): [number, number] {
  const scale = (size - 1) / WORLD_SIZE;
  return [x * scale, (WORLD_SIZE - y) * scale];
}

function blend(buf: Uint8Array, p: number, a: number, c: readonly [number, number, number]): void {
  if (a >= 1) {
    buf[p] = c[0];
    buf[p + 1] = c[1];
    buf[p + 2] = c[2];
  } else if (a > 0) {
    const b = 1 - a;
    buf[p] = b * buf[p] + a * c[0]; // Uint8Array truncates, like numpy's astype(uint8)
    buf[p + 1] = b * buf[p + 1] + a * c[1];
    buf[p + 2] = b * buf[p + 2] + a * c[2];
  }
}

function drawDisc(buf: Uint8Array, base: number, size: number, x: number, y: number, radius: number, c: readonly [number, number, number], offs: Float64Array): void {
  const scale = (size - 1) / WORLD_SIZE;
  const cx = x * scale;
  const cy = (WORLD_SIZE - y) * scale;
  const R = radius * scale;
  const R2 = R * R;
  const inv = 1 / (EDGE * R2);
  const full2 = R2 * (1 - EDGE); // alpha = 1 for every sample point within this squared distance
  const s = offs.length;
  const h = s > 1 ? Math.abs(offs[0]) : 0; // sample points lie within ±h of the pixel centre on each axis
  const ss = s * s;
  const r0 = Math.max(0, Math.ceil(cy - R - h));
  const r1 = Math.min(size - 1, Math.floor(cy + R + h));
  for (let i = r0; i <= r1; i++) {
    const dy = i - cy;
    const ady = Math.abs(dy);
    const dyMin = Math.max(0, ady - h);
    const dyMax = ady + h;
    if (dyMin * dyMin >= R2) continue;
    // columns whose sample points can reach the disc
    const xr = Math.sqrt(R2 - dyMin * dyMin) + h;
    const c0 = Math.max(0, Math.ceil(cx - xr));
    const c1 = Math.min(size - 1, Math.floor(cx + xr));
    // columns whose sample points all lie inside the full-alpha radius
    const in2 = full2 - dyMax * dyMax;
    const xi = in2 > 0 ? Math.sqrt(in2) - h : -1;
    const f0 = xi >= 0 ? Math.ceil(cx - xi) : 1;
    const f1 = xi >= 0 ? Math.floor(cx + xi) : 0;
    const row = base + i * size * 3;
    for (let j = c0; j <= c1; j++) {
      const p = row + j * 3;
      if (j >= f0 && j <= f1) {
        buf[p] = c[0];
        buf[p + 1] = c[1];
        buf[p + 2] = c[2];
        continue;
      }
      const dx = j - cx;
      let a: number;
      if (s === 1) {
        a = (R2 - (dx * dx + dy * dy)) * inv; // the paper's (r² − d²)/(0.03·r²)
        a = a < 0 ? 0 : a > 1 ? 1 : a;
      } else {
        let sum = 0;
        for (let u = 0; u < s; u++) {
          const ey = dy + offs[u];
          const ey2 = ey * ey;
          for (let v = 0; v < s; v++) {
            const ex = dx + offs[v];
            const q = (R2 - ex * ex - ey2) * inv;
            sum += q < 0 ? 0 : q > 1 ? 1 : q;
          }
        }
        a = sum / ss;
      }
      blend(buf, p, a, c);
    }
  }
}

function drawSquare(buf: Uint8Array, base: number, size: number, x: number, y: number, half: number, c: readonly [number, number, number], offs: Float64Array): void {
  const scale = (size - 1) / WORLD_SIZE;
  const cx = x * scale;
  const cy = (WORLD_SIZE - y) * scale;
  const H = half * scale;
  const s = offs.length;
  const reach = s > 1 ? Math.abs(offs[0]) : 0;
  const c0 = Math.max(0, Math.floor(cx - H - reach));
  const c1 = Math.min(size - 1, Math.ceil(cx + H + reach));
  const r0 = Math.max(0, Math.floor(cy - H - reach));
  const r1 = Math.min(size - 1, Math.ceil(cy + H + reach));
  // Per-axis coverage: the fraction of sub-sample offsets inside [-H, H]; the square is separable.
  const cover = (d: number): number => {
    if (Math.abs(d) + reach <= H) return 1;
    if (Math.abs(d) - reach > H) return 0;
    let k = 0;
    for (let u = 0; u < s; u++) if (Math.abs(d + offs[u]) <= H) k++;
    return k / s;
  };
  for (let i = r0; i <= r1; i++) {
    const fy = cover(i - cy);
    if (fy === 0) continue;
    for (let j = c0; j <= c1; j++) {
      const fx = cover(j - cx);
      if (fx === 0) continue;
      blend(buf, base + (i * size + j) * 3, fx * fy, c);
    }
  }
}

/** Annulus of outer radius `radius` and inner radius `inner`: disc alpha(outer) · (1 − disc alpha(inner)), S×S samples per pixel. */
function drawRing(buf: Uint8Array, base: number, size: number, x: number, y: number, radius: number, inner: number, c: readonly [number, number, number], offs: Float64Array): void {
  const scale = (size - 1) / WORLD_SIZE;
  const cx = x * scale;
  const cy = (WORLD_SIZE - y) * scale;
  const R = radius * scale;
  const R2 = R * R;
  const Ri2 = inner * scale * inner * scale;
  const invO = 1 / (EDGE * R2);
  const invI = Ri2 > 0 ? 1 / (EDGE * Ri2) : 0;
  const s = offs.length;
  const h = s > 1 ? Math.abs(offs[0]) : 0;
  const ss = s * s;
  const alpha = (ex: number, ey: number): number => {
    const d2 = ex * ex + ey * ey;
    let o = (R2 - d2) * invO;
    o = o < 0 ? 0 : o > 1 ? 1 : o;
    if (o === 0 || Ri2 === 0) return o;
    let i = (Ri2 - d2) * invI;
    i = i < 0 ? 0 : i > 1 ? 1 : i;
    return o * (1 - i);
  };
  const r0 = Math.max(0, Math.ceil(cy - R - h));
  const r1 = Math.min(size - 1, Math.floor(cy + R + h));
  const c0 = Math.max(0, Math.ceil(cx - R - h));
  const c1 = Math.min(size - 1, Math.floor(cx + R + h));
  for (let i = r0; i <= r1; i++) {
    const dy = i - cy;
    for (let j = c0; j <= c1; j++) {
      const dx = j - cx;
      let a: number;
      if (s === 1) a = alpha(dx, dy);
      else {
        let sum = 0;
        for (let u = 0; u < s; u++) for (let v = 0; v < s; v++) sum += alpha(dx + offs[v], dy + offs[u]);
        a = sum / ss;
      }
      blend(buf, base + (i * size + j) * 3, a, c);
    }
  }
}
