/**
 * Validation of the abnormal detector (lib/metrics/abnormal.ts) on simulator videos: clean
 * ground truth, and ground truth with one planted violation of each kind
 * (lib/metrics/abnormal-plant.ts). Per frame size and kind it reports
 * - recall: planted videos of that kind flagged with that kind;
 * - precision: of all videos flagged with that kind (clean and planted of every kind), the share
 *   planted with it;
 * - clean FP: clean videos flagged with that kind; plus any-flag rates.
 * Clean and planted videos use disjoint task seeds; every (template) is used in turn.
 */
import { ABNORMAL_KINDS, AbnormalKind, DetectorConfig, detectAbnormal } from './abnormal';
import { canPlant, plantViolation } from './abnormal-plant';
import { makePhyreVideo } from '../sim/phyre/video';
import { TEMPLATE_COUNT } from '../sim/phyre/templates';

export interface ValidationConfig {
  /** Frame sides to validate at. Default [32, 128] (128 = the paper's basic-scenario size). */
  sizes: number[];
  /** Clean videos per size. Default 150. */
  clean: number;
  /** Planted videos per kind and size. Default 40. */
  perKind: number;
  /** Frames per video. Default 32 (the paper's clip). */
  frames: number;
}

export function defaultValidationConfig(): ValidationConfig {
  return { sizes: [32, 128], clean: 150, perKind: 40, frames: 32 };
}

export interface KindRow {
  size: number;
  kind: AbnormalKind;
  planted: number;
  recall: number;
  /** Planted videos of this kind flagged with any kind. */
  anyFlag: number;
  precision: number;
  cleanFp: number;
}

export interface ValidationReport {
  cfg: ValidationConfig;
  rows: KindRow[];
  /** Per size: clean videos flagged with any kind. */
  cleanAnyFp: Record<number, number>;
  seconds: number;
}

export function validateDetector(partial: Partial<ValidationConfig> = {}, detector: Partial<DetectorConfig> = {}, onProgress?: (done: number, total: number) => void): ValidationReport {
  const cfg = { ...defaultValidationConfig(), ...partial };
  const t0 = performance.now();
  const rows: KindRow[] = [];
  const cleanAnyFp: Record<number, number> = {};
  const total = cfg.sizes.length * (cfg.clean + cfg.perKind * ABNORMAL_KINDS.length);
  let done = 0;
  for (const size of cfg.sizes) {
    const flaggedBy: Record<string, { truth: AbnormalKind | 'clean'; kinds: AbnormalKind[] }[]> = {};
    const results: { truth: AbnormalKind | 'clean'; kinds: AbnormalKind[] }[] = [];
    for (let i = 0; i < cfg.clean; i++) {
      const v = makePhyreVideo({ template: i % TEMPLATE_COUNT, seed: 1000 + i, trial: i, size, frames: cfg.frames });
      results.push({ truth: 'clean', kinds: detectAbnormal(v.frames, cfg.frames, size, size, detector).kinds });
      onProgress?.(++done, total);
    }
    for (const kind of ABNORMAL_KINDS) {
      let made = 0;
      for (let i = 0; made < cfg.perKind && i < cfg.perKind * 20; i++) {
        const v = makePhyreVideo({ template: (i * 11 + ABNORMAL_KINDS.indexOf(kind) * 3) % TEMPLATE_COUNT, seed: 5000 + i, trial: i, size, frames: cfg.frames });
        if (!canPlant(v, kind)) continue;
        const p = plantViolation(v, kind, i);
        results.push({ truth: kind, kinds: detectAbnormal(p.frames, cfg.frames, size, size, detector).kinds });
        made++;
        onProgress?.(++done, total);
      }
    }
    void flaggedBy;
    const clean = results.filter((r) => r.truth === 'clean');
    cleanAnyFp[size] = clean.filter((r) => r.kinds.length > 0).length / clean.length;
    for (const kind of ABNORMAL_KINDS) {
      const planted = results.filter((r) => r.truth === kind);
      const flagged = results.filter((r) => r.kinds.includes(kind));
      const tp = planted.filter((r) => r.kinds.includes(kind)).length;
      rows.push({
        size,
        kind,
        planted: planted.length,
        recall: planted.length ? tp / planted.length : NaN,
        anyFlag: planted.length ? planted.filter((r) => r.kinds.length > 0).length / planted.length : NaN,
        precision: flagged.length ? tp / flagged.length : NaN,
        cleanFp: clean.filter((r) => r.kinds.includes(kind)).length / clean.length,
      });
    }
  }
  return { cfg, rows, cleanAnyFp, seconds: (performance.now() - t0) / 1000 };
}

/** The report as a markdown table (percentages). */
export function validationMarkdown(r: ValidationReport): string {
  const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
  const lines = [
    '| size | kind | planted videos | recall (that kind) | flagged at all | precision | FP on clean |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const row of r.rows) lines.push(`| ${row.size} px | ${row.kind} | ${row.planted} | ${pct(row.recall)} | ${pct(row.anyFlag)} | ${pct(row.precision)} | ${pct(row.cleanFp)} |`);
  for (const size of r.cfg.sizes) lines.push(`| ${size} px | **any kind** | ${r.cfg.clean} clean | | | | **${pct(r.cleanAnyFp[size])}** |`);
  return lines.join('\n');
}
