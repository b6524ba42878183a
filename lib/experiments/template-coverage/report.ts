/**
 * Tables and figures of notebook 02 (experiment `template-coverage`), computed from its summary
 * rows and its Fréchet table (never typed in). Every number of a trained cell is a mean over seeds
 * of the per-seed mean (abnormal: per-seed share), with a 95% t-interval over seeds (null, shown
 * as n/a, with one seed).
 */
import type { Row } from '../core/experiment';
import { meanCi } from '../core/intervals';
import { line, subplots, Figure, Trace } from '../../plot/figure';
import { PAPER_TAB2 } from './paper-tab2';

/** The per-video metrics of the rows, in table order; `higher` says which way is better. */
export const TC_METRICS: ReadonlyArray<{ key: string; label: string; higher: boolean }> = [
  { key: 'abnormal', label: 'abnormal ratio', higher: false },
  { key: 'abnormalDefault', label: 'abnormal ratio (default detector)', higher: false },
  { key: 'ssim', label: 'SSIM', higher: true },
  { key: 'psnr', label: 'PSNR (dB)', higher: true },
  { key: 'lpipsSim', label: 'LPIPS-sim', higher: false },
  { key: 'spatialIou', label: 'spatial IoU', higher: true },
  { key: 'spatiotemporalIou', label: 'spatiotemporal IoU', higher: true },
  { key: 'weightedSpatialIou', label: 'weighted spatial IoU', higher: true },
  { key: 'maskedMse', label: 'masked MSE', higher: false },
];

export interface CellMean {
  templates: number;
  split: string;
  metric: string;
  mean: number;
  /** 95% t half-width over seeds; null with fewer than 2 seeds. */
  ci95: number | null;
  seeds: number;
  videos: number;
}

const num = (v: unknown): number => (typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'number' ? v : NaN);

/** Mean over seeds (± 95%) of each metric per (templates, split), for the rows of `model`; FVD-sim from the Fréchet rows. */
export function cellMeans(rows: Row[], frechet: Row[], model: string): CellMean[] {
  const out: CellMean[] = [];
  const mine = rows.filter((r) => r.model === model);
  const sets = [...new Set(mine.map((r) => r.templates as number))].sort((a, b) => a - b);
  for (const templates of sets) {
    for (const split of ['in-template', 'out-of-template']) {
      const cell = mine.filter((r) => r.templates === templates && r.split === split);
      const seeds = [...new Set(cell.map((r) => r.seed as number))].sort((a, b) => a - b);
      for (const m of TC_METRICS) {
        const perSeed = seeds.map((s) => {
          const v = cell.filter((r) => r.seed === s).map((r) => num(r[m.key])).filter(Number.isFinite);
          return v.reduce((a, b) => a + b, 0) / v.length;
        }).filter(Number.isFinite);
        const s = meanCi(perSeed);
        out.push({ templates, split, metric: m.key, mean: s.mean, ci95: perSeed.length >= 2 ? s.ci : null, seeds: perSeed.length, videos: cell.length });
      }
      const fr = frechet.filter((r) => r.model === model && r.templates === templates && r.split === split).map((r) => num(r.fvdSim)).filter(Number.isFinite);
      const s = meanCi(fr);
      out.push({ templates, split, metric: 'fvdSim', mean: s.mean, ci95: fr.length >= 2 ? s.ci : null, seeds: fr.length, videos: cell.length });
    }
  }
  return out;
}

/** A floor (the `gt` or `vae` rows) per split: mean of each metric pooled over its clips, and FVD-sim of the VAE per split (mean over its sets). */
export function floorMeans(rows: Row[], frechet: Row[], model: 'gt' | 'vae'): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const split of ['in-template', 'out-of-template']) {
    const r = rows.filter((x) => x.model === model && x.split === split);
    const o: Record<string, number> = { videos: r.length };
    for (const m of TC_METRICS) {
      const v = r.map((x) => num(x[m.key])).filter(Number.isFinite);
      o[m.key] = v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
    }
    const f = frechet.filter((x) => x.model === model && x.split === split).map((x) => num(x.fvdSim)).filter(Number.isFinite);
    o.fvdSim = f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
    out[split] = o;
  }
  return out;
}

const fmt = (m: CellMean | undefined, digits: number, pct = false): string => {
  if (!m || !Number.isFinite(m.mean)) return '–';
  const k = pct ? 100 : 1;
  const v = (m.mean * k).toFixed(pct ? 1 : digits) + (pct ? '%' : '');
  return m.ci95 === null ? `${v} ± n/a` : `${v} ± ${(m.ci95 * k).toFixed(pct ? 1 : digits)}${pct ? '' : ''}`;
};

/**
 * The paper's Tab 2 (DiT-XL) and ours side by side: one row per (template set, split), our mean ±
 * 95% over seeds next to the paper's value. FVD / LPIPS of the paper are I3D / AlexNet distances, ours
 * FVD-sim / LPIPS-sim: compare each column's trend, not its scale.
 */
export function tab2Table(rows: Row[], frechet: Row[], model: string): Array<Record<string, string | number>> {
  const cells = cellMeans(rows, frechet, model);
  const get = (t: number, split: string, metric: string) => cells.find((c) => c.templates === t && c.split === split && c.metric === metric);
  const sets = [...new Set(cells.map((c) => c.templates))];
  const out: Array<Record<string, string | number>> = [];
  for (const t of sets) {
    for (const split of ['in-template', 'out-of-template']) {
      const p = PAPER_TAB2.find((r) => r.model === 'DiT-XL' && r.templates === t && r.split === split);
      const a = get(t, split, 'abnormal');
      out.push({
        templates: t,
        split,
        seeds: a?.seeds ?? 0,
        'abnormal (ours)': fmt(a, 3, true),
        'abnormal (paper)': p ? `${(100 * p.abnormal).toFixed(0)}%` : '–',
        'SSIM (ours)': fmt(get(t, split, 'ssim'), 3),
        'SSIM (paper)': p ? p.ssim.toFixed(3) : '–',
        'PSNR (ours)': fmt(get(t, split, 'psnr'), 1),
        'PSNR (paper)': p ? p.psnr.toFixed(1) : '–',
        'LPIPS-sim (ours)': fmt(get(t, split, 'lpipsSim'), 3),
        'LPIPS (paper)': p ? p.lpips.toFixed(3) : '–',
        'FVD-sim (ours)': fmt(get(t, split, 'fvdSim'), 3),
        'FVD (paper)': p ? p.fvd.toFixed(1) : '–',
      });
    }
  }
  return out;
}

/** Each metric against the number of training templates, in- and out-of-template (mean ± 95% over seeds), with the VAE floor dashed. */
export function metricsFigure(rows: Row[], frechet: Row[], model: string, metrics = ['abnormal', 'ssim', 'psnr', 'lpipsSim', 'fvdSim', 'spatiotemporalIou']): Figure {
  const cells = cellMeans(rows, frechet, model);
  const vae = floorMeans(rows, frechet, 'vae');
  const label = (k: string) => TC_METRICS.find((m) => m.key === k)?.label ?? (k === 'fvdSim' ? 'FVD-sim (set level)' : k);
  const sets = [...new Set(cells.map((c) => c.templates))].sort((a, b) => a - b);
  const panels = metrics.map((metric) => {
    const traces: Trace[] = [];
    for (const split of ['in-template', 'out-of-template']) {
      const c = sets.map((t) => cells.find((x) => x.templates === t && x.split === split && x.metric === metric));
      traces.push(...line({ x: sets, y: c.map((x) => (x && Number.isFinite(x.mean) ? x.mean : null)), error: c.map((x) => x?.ci95 ?? 0), name: split }));
      const f = vae[split]?.[metric];
      if (sets.length && Number.isFinite(f)) traces.push(...line({ x: [sets[0], sets[sets.length - 1]], y: [f, f], name: `VAE floor, ${split}`, dash: 'dash', width: 1, markers: false }));
    }
    return { traces, title: label(metric), x: { title: 'training templates', log: true }, y: metric === 'abnormal' ? { tickformat: '.0%' } : {} };
  });
  return subplots(panels, { cols: 3, panelWidth: 300, panelHeight: 250 });
}

/** The example filmstrips in an `examples/` folder: t<templates>-s<seed>-out-<index>-template<k>.png. */
export function exampleFiles(files: string[]): Array<{ file: string; templates: number; seed: number; index: number; template: number }> {
  const out = [];
  for (const f of files) {
    const m = /^t(\d+)-s(\d+)-out-(\d+)-template(\d+)\.png$/.exec(f);
    if (m) out.push({ file: f, templates: Number(m[1]), seed: Number(m[2]), index: Number(m[3]), template: Number(m[4]) });
  }
  return out.sort((a, b) => a.templates - b.templates || a.seed - b.seed || a.index - b.index);
}
