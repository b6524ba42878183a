/**
 * Log-log slopes of velocity error against training-set size with a seed-level interval (issue #17:
 * "the slopes with intervals"), from id-ood's summary rows. Criterion v2 (criteria.ts) judges these
 * slopes; notebook 01 shows them.
 *
 * Per seed (each seed also draws its own training videos), the least-squares slope of log error on
 * log data size over the sizes that seed has (at least 2, after the optional size range); then the
 * mean over seeds and a 95% t-interval over those per-seed slopes (`meanCi`). With one seed there
 * is no interval: `lo`/`hi` are null and the text says "interval n/a", never ±0. Quantities:
 * - 'id': ID error; 'ood': the OOD error (all OOD levels pooled, weighted by scored clips);
 * - 'gap': log(OOD/ID), whose slope is the OOD slope minus the ID slope (< 0: the gap closes).
 * A slope of −0.1 means the error shrinks by a factor 10^0.1 ≈ 1.26 for every 10x more videos.
 */
import type { Row } from '../core/experiment';
import { meanCi } from '../core/intervals';
import { SCENARIOS } from '../../sim/scenes';
import { comparePresets } from '../../model/presets';

/** Mean and 95% interval [lo, hi] over seeds (null bounds with fewer than 2 seeds). */
export interface SeedStat {
  mean: number;
  lo: number | null;
  hi: number | null;
  seeds: number;
}

/** Which error column of the summary rows: our parser, the paper's mask on our grid, or the paper's evaluation code. */
export type ErrorKey = 'velocityError' | 'velocityErrorMask' | 'velocityErrorPaper';

/** Per-seed value of 'id' or pooled 'ood' (weighted by scored clips over OOD levels) for one trained cell's rows. */
export function seedValue(rows: Row[], group: 'id' | 'ood', key: ErrorKey): number | null {
  const pick = rows.filter((r) => (group === 'ood' ? String(r.set).startsWith('ood-') : r.set === 'id') && Number.isFinite(r[key] as number));
  if (pick.length === 0) return null;
  const w = (r: Row) => Number(r.n) - Number(r.nanCount ?? 0);
  const tw = pick.reduce((a, r) => a + w(r), 0);
  return pick.reduce((a, r) => a + (r[key] as number) * w(r), 0) / Math.max(1, tw);
}

/** Least-squares slope of y on x (NaN with fewer than 2 distinct x). */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  return sxx > 0 ? sxy / sxx : NaN;
}

/** Mean and 95% t-interval over per-seed values (non-finite ones left out; no interval below 2). */
export function seedStat(xs: number[]): SeedStat {
  const v = xs.filter(Number.isFinite);
  const { mean, ci } = meanCi(v);
  return v.length >= 2 ? { mean, lo: mean - ci, hi: mean + ci, seeds: v.length } : { mean: v.length ? mean : NaN, lo: null, hi: null, seeds: v.length };
}

/** "−0.12 [−0.20, −0.04] (3 seeds)" or "−0.12 (1 seed: interval n/a)". */
export function statText(s: SeedStat | null | undefined, digits = 2): string {
  if (!s) return 'n/a (no cells)';
  const m = Number.isFinite(s.mean) ? s.mean.toFixed(digits) : 'n/a';
  return s.lo !== null && s.hi !== null ? `${m} [${s.lo.toFixed(digits)}, ${s.hi.toFixed(digits)}] (${s.seeds} seeds)` : `${m} (${s.seeds} seed${s.seeds === 1 ? '' : 's'}: interval n/a)`;
}

export type SlopeQuantity = 'id' | 'ood' | 'gap';

/** One model's slope of one quantity against log data size in one scenario. */
export interface DataSlope {
  scenario: string;
  model: string;
  quantity: SlopeQuantity;
  /** Over seeds with ≥ 2 sizes (seeds 0 and mean NaN when none has). */
  stat: SeedStat;
  /** The data sizes the fits used (union over seeds). */
  sizes: number[];
}

export interface DataSlopeOptions {
  /** Error column. Default 'velocityError' (the configured parser). */
  key?: ErrorKey;
  /** Only data sizes in [minSize, maxSize] (e.g. 1024 to leave out a size added later). Default all. */
  minSize?: number;
  maxSize?: number;
}

const rank = (s: string) => { const k = (SCENARIOS as readonly string[]).indexOf(s); return k < 0 ? SCENARIOS.length : k; };

/**
 * Slopes of log ID error, log OOD error and log(OOD/ID) against log data size, per scenario (the
 * paper's order) and model (by size), each fitted per seed with its interval over seeds. A seed's
 * cell enters only where both its ID and OOD errors are positive, so the three fits share points.
 */
export function dataSlopes(rows: Row[], opts: DataSlopeOptions = {}): DataSlope[] {
  const key = opts.key ?? 'velocityError';
  const lo = opts.minSize ?? -Infinity;
  const hi = opts.maxSize ?? Infinity;
  if (!(lo <= hi)) throw new RangeError(`dataSlopes: minSize (${lo}) must be ≤ maxSize (${hi})`);
  const trained = rows.filter((r) => r.model !== 'gt' && r.model !== 'vae' && r.dataSize !== null && r.seed !== null);
  const out: DataSlope[] = [];
  const scenarios = [...new Set(trained.map((r) => String(r.scenario)))].sort((a, b) => rank(a) - rank(b));
  for (const scenario of scenarios) {
    const rs = trained.filter((r) => r.scenario === scenario);
    const models = [...new Set(rs.map((r) => String(r.model)))].sort(comparePresets);
    const seeds = [...new Set(rs.map((r) => Number(r.seed)))].sort((a, b) => a - b);
    for (const model of models) {
      const per: Record<SlopeQuantity, number[]> = { id: [], ood: [], gap: [] };
      const used = new Set<number>();
      for (const s of seeds) {
        const mine = rs.filter((r) => r.model === model && Number(r.seed) === s);
        const sizes = [...new Set(mine.map((r) => Number(r.dataSize)))].filter((n) => n >= lo && n <= hi).sort((a, b) => a - b);
        const pts = sizes
          .map((n) => { const cell = mine.filter((r) => Number(r.dataSize) === n); return { n, id: seedValue(cell, 'id', key), ood: seedValue(cell, 'ood', key) }; })
          .filter((p): p is { n: number; id: number; ood: number } => p.id !== null && p.ood !== null && p.id > 0 && p.ood > 0);
        if (pts.length < 2) continue;
        const x = pts.map((p) => Math.log(p.n));
        per.id.push(slope(x, pts.map((p) => Math.log(p.id))));
        per.ood.push(slope(x, pts.map((p) => Math.log(p.ood))));
        per.gap.push(slope(x, pts.map((p) => Math.log(p.ood / p.id))));
        pts.forEach((p) => used.add(p.n));
      }
      for (const quantity of ['id', 'ood', 'gap'] as const) out.push({ scenario, model, quantity, stat: seedStat(per[quantity]), sizes: [...used].sort((a, b) => a - b) });
    }
  }
  return out;
}

/** One table row per scenario, model and quantity: slope, interval bounds (null = n/a), seeds, the sizes fitted. */
export function slopeTable(slopes: DataSlope[]): Array<Record<string, string | number | null>> {
  const fin = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
  return slopes.map((s) => ({
    scenario: s.scenario,
    model: s.model,
    quantity: s.quantity === 'gap' ? 'OOD/ID' : s.quantity.toUpperCase(),
    slope: fin(s.stat.mean),
    ci95lo: fin(s.stat.lo),
    ci95hi: fin(s.stat.hi),
    seeds: s.stat.seeds,
    sizes: s.sizes.length ? s.sizes.join(', ') : null,
  }));
}
