/**
 * The training sets of `collision-holes` (paper Fig 6; paper-spec §5.2) as holes in (v1, v2), the
 * evaluation grid, the convex hull of a set's training region and where a grid point lies.
 *
 * Training region of every set: r1, r2 ∈ [0.5, 1.5], v1, v2 ∈ [1, 4] (the collision ID ranges)
 * minus the set's holes:
 * - 'square': the square hole [2, 3]² (v1 and v2 both in it are left out);
 * - 'half': training only where v1 ≤ 1.25 or v2 ≤ 1.25 (the hole [1.25, 4]², an L-shaped region).
 */
import type { Band } from '../../data/bands';
import type { Hole } from '../../data/dataset-config';
import { ConfigError } from '../../config/profile';
import { idBand } from '../../data/ranges';

/** The ID speed box of the collision training data, (v1, v2): the collision ID speed range (data/ranges.ts). */
export const V_BOX: Band = idBand('collision', 'velocity');

/** Holes of each training set in (v1, v2) (paper-spec §5.2). */
export const TRAINING_SETS: Readonly<Record<string, ReadonlyArray<{ v1: Band; v2: Band }>>> = {
  square: [{ v1: [2, 3], v2: [2, 3] }],
  half: [{ v1: [1.25, 4], v2: [1.25, 4] }],
};

export function checkSets(sets: unknown): void {
  const allowed = Object.keys(TRAINING_SETS);
  if (!Array.isArray(sets) || sets.length === 0) throw new ConfigError(`trainingSets must list at least one of ${allowed.join(', ')}`);
  for (const s of sets) if (!allowed.includes(String(s))) throw new ConfigError(`trainingSets: unknown set '${s}'; allowed: ${allowed.join(', ')}`);
}

/** The set's holes as dataset-config holes. */
export function datasetHoles(set: string): Hole[] {
  return TRAINING_SETS[set].map((h) => ({ v1: [h.v1[0], h.v1[1]], v2: [h.v2[0], h.v2[1]] }) as Hole);
}

/** Whether (v1, v2) is a training speed pair of the set: inside the ID box and outside every hole (hole edges count as hole, as in the sampler). */
export function inTraining(set: string, v1: number, v2: number): boolean {
  const inBox = v1 >= V_BOX[0] && v1 <= V_BOX[1] && v2 >= V_BOX[0] && v2 <= V_BOX[1];
  return inBox && !TRAINING_SETS[set].some((h) => v1 >= h.v1[0] && v1 <= h.v1[1] && v2 >= h.v2[0] && v2 <= h.v2[1]);
}

/** `n` evenly spaced values from lo to hi (n = 1: lo). */
export function axis([lo, hi, n]: [number, number, number]): number[] {
  if (n === 1) return [lo];
  return Array.from({ length: n }, (_, i) => Math.round((lo + ((hi - lo) * i) / (n - 1)) * 1e9) / 1e9);
}

export type Point = [number, number];

/** Convex hull (Andrew's monotone chain), counter-clockwise, no collinear points. */
export function convexHull(points: ReadonlyArray<Point>): Point[] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Point[] = [];
  for (const q of [...p].reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/**
 * Convex hull of a set's training region in (v1, v2): the hull of the corners of the ID box and of
 * every hole that lie in the region (hole corners on the box edge or inside it). Exact for
 * axis-aligned holes: the region is a union of boxes whose corners are among these points.
 */
export function trainingHull(set: string): Point[] {
  const xs = new Set<number>([V_BOX[0], V_BOX[1]]);
  const ys = new Set<number>([V_BOX[0], V_BOX[1]]);
  for (const h of TRAINING_SETS[set]) {
    h.v1.forEach((v) => xs.add(Math.min(Math.max(v, V_BOX[0]), V_BOX[1])));
    h.v2.forEach((v) => ys.add(Math.min(Math.max(v, V_BOX[0]), V_BOX[1])));
  }
  const pts: Point[] = [];
  // corners of the cells of the grid spanned by the box and hole edges, kept where the cell's closure touches training: a cell is training when its centre is
  const sx = [...xs].sort((a, b) => a - b);
  const sy = [...ys].sort((a, b) => a - b);
  for (let i = 0; i + 1 < sx.length; i++) {
    for (let j = 0; j + 1 < sy.length; j++) {
      const cx = (sx[i] + sx[i + 1]) / 2;
      const cy = (sy[j] + sy[j + 1]) / 2;
      if (!inTraining(set, cx, cy)) continue;
      pts.push([sx[i], sy[j]], [sx[i + 1], sy[j]], [sx[i], sy[j + 1]], [sx[i + 1], sy[j + 1]]);
    }
  }
  return convexHull(pts);
}

/** Whether a point lies in a counter-clockwise convex polygon (edges included, tolerance 1e-9). */
export function inHull(hull: ReadonlyArray<Point>, [x, y]: Point): boolean {
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i];
    const b = hull[(i + 1) % hull.length];
    if ((b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]) < -1e-9) return false;
  }
  return true;
}

/** Where a grid point lies for a set: 'train' (a training speed pair), 'hole' (in the hull but not trained on), 'outside' (outside the hull). */
export type Region = 'train' | 'hole' | 'outside';

export function regionOf(set: string, hull: ReadonlyArray<Point>, v1: number, v2: number): Region {
  if (inTraining(set, v1, v2)) return 'train';
  return inHull(hull, [v1, v2]) ? 'hole' : 'outside';
}
