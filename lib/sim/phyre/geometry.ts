/**
 * Overlap tests between placed PHYRE bodies (scene units): circle–circle, circle–convex polygon
 * and convex polygon–polygon (separating axes). `gap` is the signed clearance: > 0 when apart,
 * ≤ 0 when touching or overlapping (for polygons, the largest separation over the axes).
 */
import { PhyreBody, worldShapes } from './bodies';

type WShape = ReturnType<typeof worldShapes>[number];

function circleCircle(a: { cx: number; cy: number; r: number }, b: { cx: number; cy: number; r: number }): number {
  return Math.hypot(a.cx - b.cx, a.cy - b.cy) - a.r - b.r;
}

/** Signed distance from a point to a convex CCW polygon (negative inside). */
export function pointPolygonDistance(px: number, py: number, pts: ReadonlyArray<readonly [number, number]>): number {
  let inside = true;
  let best = Infinity;
  const n = pts.length;
  for (let i = 0; i < n; i++) {
    const [x0, y0] = pts[i];
    const [x1, y1] = pts[(i + 1) % n];
    const ex = x1 - x0;
    const ey = y1 - y0;
    // CCW polygon: inside is to the left of each edge
    if (ex * (py - y0) - ey * (px - x0) < 0) inside = false;
    const len2 = ex * ex + ey * ey;
    let t = len2 > 0 ? ((px - x0) * ex + (py - y0) * ey) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    best = Math.min(best, Math.hypot(px - (x0 + t * ex), py - (y0 + t * ey)));
  }
  return inside ? -best : best;
}

function polygonPolygon(a: ReadonlyArray<readonly [number, number]>, b: ReadonlyArray<readonly [number, number]>): number {
  let sep = -Infinity;
  for (const [p, q] of [[a, b], [b, a]] as const) {
    const n = p.length;
    for (let i = 0; i < n; i++) {
      const [x0, y0] = p[i];
      const [x1, y1] = p[(i + 1) % n];
      let nx = y1 - y0;
      let ny = -(x1 - x0); // outward normal of a CCW polygon
      const len = Math.hypot(nx, ny) || 1;
      nx /= len;
      ny /= len;
      let minQ = Infinity;
      for (const [x, y] of q) minQ = Math.min(minQ, (x - x0) * nx + (y - y0) * ny);
      sep = Math.max(sep, minQ);
    }
  }
  return sep;
}

export function shapeGap(a: WShape, b: WShape): number {
  if (a.kind === 'circle' && b.kind === 'circle') return circleCircle(a, b);
  if (a.kind === 'circle' && b.kind === 'polygon') return pointPolygonDistance(a.cx, a.cy, b.pts) - a.r;
  if (a.kind === 'polygon' && b.kind === 'circle') return pointPolygonDistance(b.cx, b.cy, a.pts) - b.r;
  return polygonPolygon((a as { pts: Array<[number, number]> }).pts, (b as { pts: Array<[number, number]> }).pts);
}

/** Smallest clearance between any shape of `a` and any shape of `b`. */
export function bodyGap(a: PhyreBody, b: PhyreBody): number {
  let g = Infinity;
  const sa = worldShapes(a);
  const sb = worldShapes(b);
  for (const x of sa) for (const y of sb) g = Math.min(g, shapeGap(x, y));
  return g;
}
