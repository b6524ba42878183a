/**
 * Intervals the reports put on numbers over seeds and on shares: a 95% t-interval of a mean and
 * the Wilson score interval of a proportion. Used by id-ood-report.ts and case-matching-report.ts.
 */

/** Two-sided 95% Student t quantiles by degrees of freedom (index = n − 1); 1.96 beyond. */
const T95 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262];

/** Mean and 95% t-interval half-width (0 with one value; NaN with none). */
export function meanCi(xs: number[]): { mean: number; ci: number; n: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, ci: NaN, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, ci: 0, n };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, ci: ((T95[n - 1] ?? 1.96) * sd) / Math.sqrt(n), n };
}

/** Wilson score interval of k successes in n trials (z = 1.96: 95%). n = 0 gives [0, 1]. */
export function wilson(k: number, n: number, z = 1.96): [number, number] {
  if (n <= 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const d = 1 + z2 / n;
  const c = (p + z2 / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

/** An interval half-width for tables: null (shown as '–'/'--') when fewer than 2 seeds give it, not a misleading 0. */
export function ciOrNull(ci: number, seeds: number): number | null {
  return seeds >= 2 && Number.isFinite(ci) ? ci : null;
}

/** '± 0.12' for a verdict line, or '(1 seed: no interval)' when there is no spread to show. */
export function pmText(ci: number, seeds: number, digits = 2): string {
  return seeds >= 2 && Number.isFinite(ci) ? `± ${ci.toFixed(digits)}` : `(${seeds} seed${seeds === 1 ? '' : 's'}: no interval)`;
}

/** '0.73 ± 0.10 u/s', or '0.73 u/s (1 seed: no interval)'. */
export function valueWithCi(value: number, ci: number, seeds: number, unit: string, digits = 2): string {
  const v = Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
  return seeds >= 2 && Number.isFinite(ci) ? `${v} ± ${ci.toFixed(digits)} ${unit}` : `${v} ${unit} (${seeds} seed${seeds === 1 ? '' : 's'}: no interval)`;
}
