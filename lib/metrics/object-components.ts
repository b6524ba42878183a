/**
 * Objects in a frame of a PHYRE-like video, from pixels only (for the abnormal detector):
 * 1. colour classes of the WAD palette: every pixel is explained as a blend of white with one
 *    class colour (red user ball, gray dynamic, black static): coverage
 *    α_c = clip((white − p)·(white − c) / |white − c|², 0, 1), the class with the smallest blend
 *    residual wins (an anti-aliased black edge is "30% black", not "gray");
 * 2. connected components (8-connected) of α_c ≥ `threshold` per class;
 * 3. per component: mass (Σ α over the component grown by one pixel, so anti-aliased rims count
 *    and the mass of a moving rigid body stays constant), centroid, pixel bbox, and the
 *    eigenvalues of its second moments (size and elongation descriptors).
 */
import { WAD_COLORS, WAD_CLASSES, WadClass } from '../render/wad-palette';

export interface Component {
  cls: WadClass;
  /** Coverage mass in pixels² (≈ the object's area). */
  mass: number;
  cx: number;
  cy: number;
  /** Pixel bounding box, inclusive. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Eigenvalues (λ1 ≥ λ2) of the coverage-weighted covariance, pixels². */
  l1: number;
  l2: number;
  /** Pixel indices (row·W + col) of the component (α ≥ threshold). */
  pixels: Int32Array;
}

export interface FrameObjects {
  /** Per class coverage maps (H·W). */
  alpha: Record<WadClass, Float32Array>;
  /** Per class total coverage mass. */
  mass: Record<WadClass, number>;
  components: Component[];
  /** Component index per pixel (−1 = none), for adjacency tests. */
  label: Int32Array;
}

export interface ComponentOptions {
  /** Coverage that puts a pixel into a component. Default 0.2 (thin bars at 32 px cover ~0.3 of a pixel row). */
  threshold?: number;
  /** Components lighter than this (pixels²) are noise. Default 0.35. */
  minMass?: number;
}

const CLASS_VECTORS = WAD_CLASSES.map((c) => {
  const w = WAD_COLORS.white;
  const v = WAD_COLORS[c];
  const d = [w[0] - v[0], w[1] - v[1], w[2] - v[2]];
  return { cls: c, d, n2: d[0] * d[0] + d[1] * d[1] + d[2] * d[2] };
});

/** Per class coverage maps of one (H, W, 3) uint8 frame. */
export function classCoverage(frame: Uint8Array, h: number, w: number): Record<WadClass, Float32Array> {
  const out = { red: new Float32Array(h * w), gray: new Float32Array(h * w), black: new Float32Array(h * w) };
  const white = WAD_COLORS.white;
  for (let p = 0; p < h * w; p++) {
    const q0 = white[0] - frame[3 * p];
    const q1 = white[1] - frame[3 * p + 1];
    const q2 = white[2] - frame[3 * p + 2];
    if (q0 * q0 + q1 * q1 + q2 * q2 < 64) continue; // within 8 levels of white: background
    let best = -1;
    let bestRes = Infinity;
    let bestA = 0;
    for (let k = 0; k < CLASS_VECTORS.length; k++) {
      const { d, n2 } = CLASS_VECTORS[k];
      let a = (q0 * d[0] + q1 * d[1] + q2 * d[2]) / n2;
      a = a < 0 ? 0 : a > 1 ? 1 : a;
      const r0 = q0 - a * d[0];
      const r1 = q1 - a * d[1];
      const r2 = q2 - a * d[2];
      const res = r0 * r0 + r1 * r1 + r2 * r2;
      if (res < bestRes) {
        bestRes = res;
        best = k;
        bestA = a;
      }
    }
    if (best >= 0) out[CLASS_VECTORS[best].cls][p] = bestA;
  }
  return out;
}

/** Components and coverage of one frame. */
export function frameObjects(frame: Uint8Array, h: number, w: number, opts: ComponentOptions = {}): FrameObjects {
  const threshold = opts.threshold ?? 0.2;
  const minMass = opts.minMass ?? 0.35;
  const alpha = classCoverage(frame, h, w);
  const mass = { red: 0, gray: 0, black: 0 };
  const label = new Int32Array(h * w).fill(-1);
  const components: Component[] = [];
  const stack = new Int32Array(h * w);
  const seen = new Uint8Array(h * w);
  for (const cls of WAD_CLASSES) {
    const a = alpha[cls];
    for (let p = 0; p < h * w; p++) mass[cls] += a[p];
    seen.fill(0);
    for (let p0 = 0; p0 < h * w; p0++) {
      if (seen[p0] || a[p0] < threshold) continue;
      let sp = 0;
      stack[sp++] = p0;
      seen[p0] = 1;
      const pix: number[] = [];
      while (sp > 0) {
        const p = stack[--sp];
        pix.push(p);
        const i = (p / w) | 0;
        const j = p - i * w;
        for (let di = -1; di <= 1; di++) {
          const ii = i + di;
          if (ii < 0 || ii >= h) continue;
          for (let dj = -1; dj <= 1; dj++) {
            const jj = j + dj;
            if (jj < 0 || jj >= w) continue;
            const q = ii * w + jj;
            if (!seen[q] && a[q] >= threshold) {
              seen[q] = 1;
              stack[sp++] = q;
            }
          }
        }
      }
      // mass over the component grown by one pixel (anti-aliased rim below the threshold)
      const grown = new Set<number>();
      let x0 = w;
      let y0 = h;
      let x1 = -1;
      let y1 = -1;
      for (const p of pix) {
        const i = (p / w) | 0;
        const j = p - i * w;
        x0 = Math.min(x0, j);
        x1 = Math.max(x1, j);
        y0 = Math.min(y0, i);
        y1 = Math.max(y1, i);
        for (let di = -1; di <= 1; di++) for (let dj = -1; dj <= 1; dj++) {
          const ii = i + di;
          const jj = j + dj;
          if (ii >= 0 && ii < h && jj >= 0 && jj < w) grown.add(ii * w + jj);
        }
      }
      let m = 0;
      let sx = 0;
      let sy = 0;
      for (const p of grown) {
        const v = a[p];
        if (v <= 0) continue;
        const i = (p / w) | 0;
        m += v;
        sx += v * (p - i * w + 0.5);
        sy += v * (i + 0.5);
      }
      if (m < minMass) continue;
      const cx = sx / m;
      const cy = sy / m;
      let cxx = 0;
      let cyy = 0;
      let cxy = 0;
      for (const p of grown) {
        const v = a[p];
        if (v <= 0) continue;
        const i = (p / w) | 0;
        const dx = p - i * w + 0.5 - cx;
        const dy = i + 0.5 - cy;
        cxx += v * dx * dx;
        cyy += v * dy * dy;
        cxy += v * dx * dy;
      }
      cxx /= m;
      cyy /= m;
      cxy /= m;
      const tr = cxx + cyy;
      const disc = Math.sqrt(Math.max(0, ((cxx - cyy) * (cxx - cyy)) / 4 + cxy * cxy));
      const idx = components.length;
      for (const p of pix) label[p] = idx;
      components.push({ cls, mass: m, cx, cy, x0, y0, x1, y1, l1: tr / 2 + disc, l2: Math.max(0, tr / 2 - disc), pixels: Int32Array.from(pix) });
    }
  }
  return { alpha, mass, components, label };
}

/** Whether component `c` has a pixel within `reach` pixels of a component of another class. */
export function touchesOtherClass(fo: FrameObjects, c: number, w: number, h: number, reach = 1): boolean {
  const comp = fo.components[c];
  for (const p of comp.pixels) {
    const i = (p / w) | 0;
    const j = p - i * w;
    for (let di = -reach; di <= reach; di++) for (let dj = -reach; dj <= reach; dj++) {
      const ii = i + di;
      const jj = j + dj;
      if (ii < 0 || ii >= h || jj < 0 || jj >= w) continue;
      const l = fo.label[ii * w + jj];
      if (l >= 0 && l !== c && fo.components[l].cls !== comp.cls) return true;
    }
  }
  return false;
}
