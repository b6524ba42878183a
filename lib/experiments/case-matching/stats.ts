/**
 * Statistics of the case-matching experiments (issue #21) computed from their summary rows (one row
 * per generated video): flip shares with seed-level and Wilson intervals, the conditioning speeds at
 * which flips happen and where the flipped speeds land relative to the mirrored training band
 * (direction-flip); the share of gap conditions whose generated speed snaps into a training band,
 * with intervals, and the error inside the bands against the parser floor (velocity-gap).
 */
import type { Row } from '../core/experiment';
import { meanCi, wilson } from '../core/intervals';

export type Band = readonly [number, number];

/** Mean over seeds with a 95% t-interval (null bounds with one seed: shown as n/a). */
export interface SeedShare {
  mean: number;
  lo: number | null;
  hi: number | null;
  seeds: number;
}

/** Mean share over seeds with its t-interval clipped to [0, 1]. */
function seedShare(xs: number[]): SeedShare {
  const { mean, ci } = meanCi(xs);
  return xs.length >= 2 ? { mean, lo: Math.max(0, mean - ci), hi: Math.min(1, mean + ci), seeds: xs.length } : { mean, lo: null, hi: null, seeds: xs.length };
}

/** Distance of x to the band [a, b] (0 inside). */
export const bandDistance = (x: number, [a, b]: Band): number => (x < a ? a - x : x > b ? x - b : 0);

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const scored = (r: Row) => r.intact === true && num(r.generatedVelocity) !== null;

export interface FlipStats {
  set: string;
  /** Scored generations (intact ball, velocity parsed) and the flipped ones among them. */
  n: number;
  flips: number;
  share: number;
  /** Wilson 95% interval of the pooled share. */
  wilson: [number, number];
  /** Per-seed shares and their mean with a t-interval over seeds. */
  perSeed: Array<{ seed: number; n: number; flips: number; share: number }>;
  seedMean: SeedShare;
  /** Conditioning speeds of the flipped generations (u/s), ascending. */
  flipConditions: number[];
  /** Flipped generations whose speed lies in the mirrored training band (±tolerance), below it (slower) and beyond it. */
  inMirroredBand: number;
  slowerThanBand: number;
  fasterThanBand: number;
  /** Mean generated velocity of the flips (u/s, negative). */
  meanFlipVelocity: number | null;
}

/**
 * Flip statistics per training set of direction-flip rows. `trainBand`: the training speeds (the
 * mirrored band is its negative); a flipped speed counts as in the band within `tolerance` u/s.
 */
export function flipStats(allRows: ReadonlyArray<Row>, trainBand: Band, tolerance = 0.25): FlipStats[] {
  const rows = allRows.filter((r) => r.evalSet === undefined || r.evalSet === 'test'); // the test evaluation only (report.ts flipTestRows)
  const sets = [...new Set(rows.map((r) => String(r.set)))];
  const mirrored: Band = [-trainBand[1], -trainBand[0]];
  return sets.map((set) => {
    const rs = rows.filter((r) => r.set === set && scored(r));
    const fl = rs.filter((r) => r.flipped === true);
    const seeds = [...new Set(rs.map((r) => Number(r.seed)))].sort((a, b) => a - b);
    const perSeed = seeds.map((seed) => {
      const s = rs.filter((r) => Number(r.seed) === seed);
      const k = s.filter((r) => r.flipped === true).length;
      return { seed, n: s.length, flips: k, share: s.length ? k / s.length : NaN };
    });
    const v = fl.map((r) => num(r.generatedVelocity)!);
    return {
      set,
      n: rs.length,
      flips: fl.length,
      share: rs.length ? fl.length / rs.length : NaN,
      wilson: wilson(fl.length, rs.length),
      perSeed,
      seedMean: seedShare(perSeed.map((p) => p.share).filter(Number.isFinite)),
      flipConditions: fl.map((r) => Number(r.conditionVelocity)).sort((a, b) => a - b),
      inMirroredBand: v.filter((x) => bandDistance(x, mirrored) <= tolerance).length,
      slowerThanBand: v.filter((x) => x > mirrored[1] + tolerance).length,
      fasterThanBand: v.filter((x) => x < mirrored[0] - tolerance).length,
      meanFlipVelocity: v.length ? v.reduce((a, b) => a + b, 0) / v.length : null,
    };
  });
}

export interface SnapStats {
  trainingSet: string;
  bands: Band[];
  /** Gap conditions: conditioning speeds between the lowest and highest band, outside every band. */
  gapN: number;
  /** Share of gap conditions whose generated speed lies in a training band (±tolerance): snapping. */
  snapShare: number;
  snapWilson: [number, number];
  snapSeeds: SeedShare;
  /** Share of gap conditions generated on the diagonal (|generated − conditioning| ≤ tolerance). */
  diagonalShare: number;
  diagonalSeeds: SeedShare;
  /** Share of gap conditions whose generated speed is closer to a band than to the conditioning speed. */
  pulledShare: number;
  /** Inside the bands: mean |generated − conditioning| and the parse floor mean |truth − conditioning| (u/s), and their ratio. */
  inBandError: number | null;
  inBandFloor: number | null;
  inBandOverFloor: number | null;
  seeds: number;
}

/**
 * Snapping statistics per training set of velocity-gap rows (`bandsOf` gives a set's training bands).
 * Only scored generations count.
 */
export function snapStats(rows: ReadonlyArray<Row>, bandsOf: (trainingSet: string) => Band[], tolerance = 0.1): SnapStats[] {
  const sets = [...new Set(rows.map((r) => String(r.trainingSet)))];
  return sets.map((ts) => {
    const bands = bandsOf(ts);
    const lo = Math.min(...bands.map((b) => b[0]));
    const hi = Math.max(...bands.map((b) => b[1]));
    const rs = rows.filter((r) => String(r.trainingSet) === ts && scored(r));
    const inBand = (x: number) => bands.some((b) => bandDistance(x, b) <= tolerance);
    const gap = rs.filter((r) => { const c = Number(r.conditionVelocity); return c > lo && c < hi && bands.every((b) => bandDistance(c, b) > 0); });
    const gen = (r: Row) => num(r.generatedVelocity)!;
    const snapped = (r: Row) => inBand(gen(r));
    const diag = (r: Row) => Math.abs(gen(r) - Number(r.conditionVelocity)) <= tolerance;
    const pulled = (r: Row) => Math.min(...bands.map((b) => bandDistance(gen(r), b))) < Math.abs(gen(r) - Number(r.conditionVelocity));
    const seeds = [...new Set(rs.map((r) => Number(r.seed)))].sort((a, b) => a - b);
    const per = (f: (r: Row) => boolean) => seeds.map((s) => { const g = gap.filter((r) => Number(r.seed) === s); return g.length ? g.filter(f).length / g.length : NaN; }).filter(Number.isFinite);
    const k = gap.filter(snapped).length;
    const banded = rs.filter((r) => bands.some((b) => bandDistance(Number(r.conditionVelocity), b) === 0));
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    const inBandError = mean(banded.map((r) => Math.abs(gen(r) - Number(r.conditionVelocity))));
    const inBandFloor = mean(banded.filter((r) => num(r.truthVelocity) !== null).map((r) => Math.abs(Number(r.truthVelocity) - Number(r.conditionVelocity))));
    return {
      trainingSet: ts,
      bands,
      gapN: gap.length,
      snapShare: gap.length ? k / gap.length : NaN,
      snapWilson: wilson(k, gap.length),
      snapSeeds: seedShare(per(snapped)),
      diagonalShare: gap.length ? gap.filter(diag).length / gap.length : NaN,
      diagonalSeeds: seedShare(per(diag)),
      pulledShare: gap.length ? gap.filter(pulled).length / gap.length : NaN,
      inBandError,
      inBandFloor,
      inBandOverFloor: inBandError !== null && inBandFloor ? inBandError / inBandFloor : null,
      seeds: seeds.length,
    };
  });
}

/** "12.5% [8.1, 18.0]" (Wilson) or a seed mean "3.4% [0.1, 6.7] over 3 seeds" / "3.4% (1 seed: interval n/a)". */
export function shareText(share: number, interval: [number, number] | SeedShare): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  if (Array.isArray(interval)) return `${pct(share)} [${(100 * interval[0]).toFixed(1)}, ${(100 * interval[1]).toFixed(1)}]`;
  return interval.lo !== null && interval.hi !== null ? `${pct(interval.mean)} [${(100 * interval.lo).toFixed(1)}, ${(100 * interval.hi).toFixed(1)}] over ${interval.seeds} seeds` : `${pct(interval.mean)} (${interval.seeds} seed${interval.seeds === 1 ? '' : 's'}: interval n/a)`;
}
