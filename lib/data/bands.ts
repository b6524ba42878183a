/**
 * Bands: a parameter range given as a union of closed intervals, e.g. the velocity ranges with
 * gaps of the interpolation experiment (paper-spec §5.1): [[1, 1.25], [3.75, 4]].
 * Sampling and grids spread points over the union in proportion to interval length.
 */
import { ConfigError } from '../config/profile';

/** A closed interval [lo, hi]. */
export type Band = [number, number];

/** Total length of the union (bands are validated to be sorted and disjoint). */
export function bandsLength(bands: ReadonlyArray<Band>): number {
  let s = 0;
  for (const [lo, hi] of bands) s += hi - lo;
  return s;
}

/**
 * The point at fraction u ∈ [0, 1] of the union (its quantile function): u = 0 → first lo,
 * u = 1 → last hi. Zero-length bands (single values) share the mass equally when all are points.
 */
export function bandQuantile(bands: ReadonlyArray<Band>, u: number): number {
  const total = bandsLength(bands);
  if (total === 0) return bands[Math.min(bands.length - 1, Math.floor(u * bands.length))][0];
  let target = u * total;
  for (let k = 0; k < bands.length; k++) {
    const [lo, hi] = bands[k];
    const len = hi - lo;
    if (target <= len || k === bands.length - 1) return Math.min(hi, lo + target);
    target -= len;
  }
  return bands[bands.length - 1][1];
}

/** n points spread over the union: `linspace` on each band's share (exactly numpy's linspace for one band). */
export function bandLinspace(bands: ReadonlyArray<Band>, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = bandQuantile(bands, 0.5);
    return out;
  }
  for (let k = 0; k < n; k++) out[k] = bandQuantile(bands, k / (n - 1));
  return out;
}

/** Whether x lies in one of the bands (closed). */
export function bandsContain(bands: ReadonlyArray<Band>, x: number): boolean {
  for (const [lo, hi] of bands) if (x >= lo && x <= hi) return true;
  return false;
}

/**
 * Check that `bands` is a non-empty list of [lo, hi] pairs within [min, max], sorted and
 * disjoint; otherwise a ConfigError naming `param` and the allowed range.
 */
export function validateBands(bands: unknown, param: string, min: number, max: number, minExclusive = false): Band[] {
  const range = `${minExclusive ? '(' : '['}${min}, ${max}]`;
  if (!Array.isArray(bands) || bands.length === 0) {
    throw new ConfigError(`${param} must be a non-empty list of [lo, hi] intervals within ${range}, e.g. [[1, 4]]; got ${JSON.stringify(bands)}`);
  }
  let prevHi = -Infinity;
  bands.forEach((b, k) => {
    if (!Array.isArray(b) || b.length !== 2 || !b.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new ConfigError(`${param}[${k}] must be a pair [lo, hi] of numbers, got ${JSON.stringify(b)}`);
    }
    const [lo, hi] = b as [number, number];
    const below = minExclusive ? lo <= min : lo < min;
    if (below || hi > max) throw new ConfigError(`${param}[${k}] = [${lo}, ${hi}] is outside the allowed range ${range}`);
    if (lo > hi) throw new ConfigError(`${param}[${k}] = [${lo}, ${hi}] has lo > hi`);
    if (lo <= prevHi && k > 0) throw new ConfigError(`${param}[${k}] = [${lo}, ${hi}] overlaps or precedes the previous interval (list them sorted and disjoint)`);
    prevHi = hi;
  });
  return bands as Band[];
}
