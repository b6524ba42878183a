/**
 * Anti-aliased raster of circles and convex polygons, for the PHYRE scenes: frames of any size
 * (8–512 px), uint8 RGB (T, H, W, 3), row 0 at the top (scene y points up).
 *
 * The scene square [0, sceneSize]² maps onto the frame: pixel (row i, column j) covers scene
 * x ∈ [j, j+1]·s and y ∈ [H−1−i, H−i]·s with s = sceneSize/size (PHYRE rasterises its 512 px scene
 * the same way). Each pixel's coverage is the fraction of an S×S grid of sample points inside the
 * shape (a box filter); pixels whose centre lies deeper than half a pixel diagonal inside (or
 * outside) every edge skip the sampling. A body's shapes are unioned (a point counts once), then
 * the body is blended over the frame: out = (1 − a)·out + a·colour, bodies in order.
 */
import { Rgb, WAD_COLORS } from './wad-palette';
import { ConfigError } from '../config/profile';

export interface PolygonRenderConfig {
  /** Frame side in pixels, 8–512. Default 128 (the paper's DiT-B evaluation size is 256). */
  size: number;
  /** Sample points per pixel side, 1–8 (1 = hard edges). Default 4. */
  supersample: number;
}

export function defaultPolygonRenderConfig(): PolygonRenderConfig {
  return { size: 128, supersample: 4 };
}

export function validatePolygonRenderConfig(cfg: PolygonRenderConfig): void {
  if (!Number.isInteger(cfg.size) || cfg.size < 8 || cfg.size > 512) throw new ConfigError(`size must be an integer number of pixels in [8, 512], got ${cfg.size}`);
  if (!Number.isInteger(cfg.supersample) || cfg.supersample < 1 || cfg.supersample > 8) throw new ConfigError(`supersample must be an integer in [1, 8], got ${cfg.supersample}`);
}

/** A shape in scene coordinates. */
export type SceneShape = { kind: 'circle'; cx: number; cy: number; r: number } | { kind: 'polygon'; pts: ReadonlyArray<readonly [number, number]> };

/** One body to draw: its shapes (in scene coordinates) and colour. */
export interface DrawItem {
  shapes: ReadonlyArray<SceneShape>;
  color: Rgb;
}

/** Pixel-space form of a shape: edges as (nx, ny, c) with inside = nx·x + ny·y + c ≥ 0, normals unit. */
interface PixShape {
  circle: boolean;
  cx: number;
  cy: number;
  r: number;
  edges: Float64Array;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function toPixel(sh: SceneShape, size: number, scene: number): PixShape {
  const k = size / scene;
  if (sh.kind === 'circle') {
    const cx = sh.cx * k;
    const cy = size - sh.cy * k;
    const r = sh.r * k;
    return { circle: true, cx, cy, r, edges: new Float64Array(0), x0: cx - r, x1: cx + r, y0: cy - r, y1: cy + r };
  }
  const pts = sh.pts.map(([x, y]) => [x * k, size - y * k] as [number, number]);
  const n = pts.length;
  const edges = new Float64Array(3 * n);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  // orientation: in pixel space (y flipped) a CCW scene polygon becomes clockwise
  let area = 0;
  for (let i = 0; i < n; i++) {
    const [ax, ay] = pts[i];
    const [bx, by] = pts[(i + 1) % n];
    area += ax * by - bx * ay;
  }
  const sign = area >= 0 ? 1 : -1;
  for (let i = 0; i < n; i++) {
    const [ax, ay] = pts[i];
    const [bx, by] = pts[(i + 1) % n];
    let nx = -(by - ay) * sign;
    let ny = (bx - ax) * sign;
    const len = Math.hypot(nx, ny) || 1;
    nx /= len;
    ny /= len;
    edges[3 * i] = nx;
    edges[3 * i + 1] = ny;
    edges[3 * i + 2] = -(nx * ax + ny * ay);
    x0 = Math.min(x0, ax);
    x1 = Math.max(x1, ax);
    y0 = Math.min(y0, ay);
    y1 = Math.max(y1, ay);
  }
  return { circle: false, cx: 0, cy: 0, r: 0, edges, x0, x1, y0, y1 };
}

/** Signed depth of point (x, y) inside the shape (pixels; < 0 outside). */
function depth(s: PixShape, x: number, y: number): number {
  if (s.circle) return s.r - Math.hypot(x - s.cx, y - s.cy);
  let d = Infinity;
  const e = s.edges;
  for (let i = 0; i < e.length; i += 3) {
    const v = e[i] * x + e[i + 1] * y + e[i + 2];
    if (v < d) d = v;
  }
  return d;
}

/** Draws the items onto one frame (size × size × 3 at `base` in `buf`). */
export function drawItems(buf: Uint8Array, base: number, size: number, sceneSize: number, items: ReadonlyArray<DrawItem>, supersample: number): void {
  const S = supersample;
  const half = Math.SQRT1_2 + 1e-9; // half a pixel diagonal
  const offs = Array.from({ length: S }, (_, k) => (k + 0.5) / S);
  for (const item of items) {
    const shapes = item.shapes.map((s) => toPixel(s, size, sceneSize));
    if (shapes.length === 0) continue;
    const c = item.color;
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const s of shapes) {
      x0 = Math.min(x0, s.x0);
      x1 = Math.max(x1, s.x1);
      y0 = Math.min(y0, s.y0);
      y1 = Math.max(y1, s.y1);
    }
    const c0 = Math.max(0, Math.floor(x0));
    const c1 = Math.min(size - 1, Math.ceil(x1));
    const r0 = Math.max(0, Math.floor(y0));
    const r1 = Math.min(size - 1, Math.ceil(y1));
    for (let i = r0; i <= r1; i++) {
      for (let j = c0; j <= c1; j++) {
        const px = j + 0.5;
        const py = i + 0.5;
        let full = false;
        let near = false;
        for (const s of shapes) {
          const d = depth(s, px, py);
          if (d >= half) {
            full = true;
            break;
          }
          if (d > -half) near = true;
        }
        let a: number;
        if (full) a = 1;
        else if (!near) continue;
        else if (S === 1) {
          a = 0;
          for (const s of shapes) if (depth(s, px, py) >= 0) a = 1;
        } else {
          let hit = 0;
          for (let u = 0; u < S; u++) {
            const y = i + offs[u];
            for (let v = 0; v < S; v++) {
              const x = j + offs[v];
              for (const s of shapes) {
                if (depth(s, x, y) >= 0) {
                  hit++;
                  break;
                }
              }
            }
          }
          if (hit === 0) continue;
          a = hit / (S * S);
        }
        const p = base + (i * size + j) * 3;
        if (a >= 1) {
          buf[p] = c[0];
          buf[p + 1] = c[1];
          buf[p + 2] = c[2];
        } else {
          const b = 1 - a;
          buf[p] = Math.round(b * buf[p] + a * c[0]);
          buf[p + 1] = Math.round(b * buf[p + 1] + a * c[1]);
          buf[p + 2] = Math.round(b * buf[p + 2] + a * c[2]);
        }
      }
    }
  }
}

/** A white frame buffer for T frames. */
export function whiteFrames(frames: number, size: number): Uint8Array {
  const buf = new Uint8Array(frames * size * size * 3);
  buf.fill(WAD_COLORS.white[0]);
  return buf;
}
