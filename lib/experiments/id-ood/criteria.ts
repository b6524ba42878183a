/**
 * Criterion v2 of finding 1's verdict (notebook 01; issue #17 item 4), written and committed on
 * 2026-12-04, BEFORE the id-ood grid is rerun with the new training recipe. It replaces criterion v1
 * (`verdict` in id-ood-report.ts), whose thresholds were calibrated until the paper's own Fig 3
 * numbers passed (gap kept at ≥ 0.9, "order of magnitude" at ≥ 5x); v1 stays visible in the notebook.
 *
 * v2 judges each scenario on seed-level statistics (each seed also draws its training videos):
 *
 * 1. ID error falls with data: per model, the log-log slope b_ID of ID error against training-set
 *    size, fitted per seed (over the sizes that seed has, ≥ 2), averaged over seeds with a 95%
 *    t-interval; "falls" when the whole interval is below 0 (needs ≥ 2 seeds).
 * 2. ID error falls with model size: per seed, the mean over data sizes of log(ID of the largest
 *    model / ID of the smallest), paired by seed; "falls" when the 95% interval is below 0.
 * 3. OOD is an order of magnitude above ID: the geometric mean over trained cells of OOD/ID is
 *    ≥ 10 ("order of magnitude" means ≥ 10x, issue #17; the paper's own ratios are 16–34x in
 *    uniform but about 6–11x in collision and parabola, so the paper's collision and parabola cells
 *    would not all pass it either: that is reported, not tuned away).
 * 4. OOD does not improve the way ID does: per model, the slope of log(OOD/ID) against log data
 *    size (per seed, interval over seeds); "the gap closes" when the whole interval is below 0. The
 *    finding needs ID to fall (1) and the gap not to close.
 * 5. Conclusive only near the floor: the verdict is "reproduced" / "not reproduced" only when the best
 *    ID cell is within ×3 of the ground-truth parse floor of the same parser; further above, the
 *    models are under-trained, the OOD/ID ratio is compressed, and the verdict is "inconclusive"
 *    with the checks still shown. ×3 is issue #17's target for the rerun, judged under our bias-free
 *    parser (the default key). It is not comparable with the paper's ×1.25–1.57, which are ratios to
 *    floors of its evaluation code, inflated by that code's −v/W bias (report.ts idOverFloorMarkdown);
 *    for the same reason the gate means nothing under 'velocityErrorPaper' at 16 px, where the bias
 *    is most of the floor and every ratio is near 1.
 *
 * Wording-only change since it was fixed (thresholds and checks untouched): 2026-12-05, check 5's
 * mention of the paper's best over its floor now says that number is not like for like (#17 item 6).
 *
 * A check with too few seeds or cells is null ("cannot tell"), and the verdict is "incomplete".
 */
import type { Row } from '../core/experiment';
import { dataSlopes, seedStat, seedValue, slope, statText, type ErrorKey, type SeedStat } from './slopes';
import { PAPER_FIG3 } from './paper-numbers';
import { SCENARIOS } from '../../sim/scenes';
import { comparePresets } from '../../model/presets';

/** The thresholds of criterion v2, in one place (the notebook prints them from here). */
export const CRITERION_V2 = {
  /** Date the criterion was fixed (before the rerun it judges). */
  fixed: '2026-12-04',
  /** "Order of magnitude": geometric-mean OOD/ID at least this. */
  orderRatio: 10,
  /** Conclusive only when the best ID cell is at most this many times the ground-truth floor. */
  maxIdOverFloor: 3,
  /** Two-sided confidence of the seed-level intervals. */
  confidence: 0.95,
} as const;

export type { SeedStat } from './slopes';

export type VerdictV2 = 'reproduced' | 'not reproduced' | 'inconclusive' | 'incomplete';

export interface ScenarioVerdictV2 {
  scenario: string;
  /** Per model: slope of log ID error vs log data size. */
  idSlope: Record<string, SeedStat>;
  /** Per model: slope of log OOD error vs log data size. */
  oodSlope: Record<string, SeedStat>;
  /** Per model: slope of log(OOD/ID) vs log data size (< 0: the gap closes). */
  gapSlope: Record<string, SeedStat>;
  /** log(ID largest model / ID smallest model), mean over data sizes, per seed. */
  modelLogRatio: SeedStat | null;
  /** Geometric mean over trained cells of OOD/ID, and the smallest cell's. */
  oodOverId: number;
  oodOverIdMin: number;
  /** Best ID cell over the ground-truth floor of the same parser. */
  bestIdOverFloor: number;
  idFallsWithData: boolean | null;
  idFallsWithModel: boolean | null;
  oodOrderAboveId: boolean | null;
  gapCloses: boolean | null;
  nearFloor: boolean;
  verdict: VerdictV2;
}

type Key = ErrorKey;

/** true when the interval lies below 0, false when it does not, null without an interval. */
const below0 = (s: SeedStat | null | undefined): boolean | null => (s && s.hi !== null ? s.hi < 0 : null);

/** The ground-truth floor of a scenario's ID set under `key`. */
function floorOf(rows: Row[], scenario: string, key: Key): number {
  const r = rows.find((x) => x.scenario === scenario && x.model === 'gt' && x.set === 'id');
  const v = r ? (r[key] as number) : NaN;
  return Number.isFinite(v) ? v : NaN;
}

/** Criterion v2 applied to summary rows of id-ood (any parser key the rows carry). */
export function verdictV2(rows: Row[], key: Key = 'velocityError'): ScenarioVerdictV2[] {
  const trained = rows.filter((r) => r.model !== 'gt' && r.model !== 'vae' && r.dataSize !== null && r.seed !== null);
  const scenarios = [...new Set(trained.map((r) => String(r.scenario)))].sort((a, b) => rank(a) - rank(b));
  return scenarios.map((scenario) => {
    const rs = trained.filter((r) => r.scenario === scenario);
    const models = [...new Set(rs.map((r) => String(r.model)))].sort(comparePresets);
    const seeds = [...new Set(rs.map((r) => Number(r.seed)))].sort((a, b) => a - b);
    // per (model, seed): data size → {id, ood}
    const cell = (m: string, s: number, n: number) => rs.filter((r) => r.model === m && Number(r.seed) === s && Number(r.dataSize) === n);
    const sizesOf = (m: string, s: number) => [...new Set(rs.filter((r) => r.model === m && Number(r.seed) === s).map((r) => Number(r.dataSize)))].sort((a, b) => a - b);
    const idSlope: Record<string, SeedStat> = {};
    const oodSlope: Record<string, SeedStat> = {};
    const gapSlope: Record<string, SeedStat> = {};
    for (const d of dataSlopes(rs, { key })) {
      if (d.stat.seeds === 0) continue;
      ({ id: idSlope, ood: oodSlope, gap: gapSlope })[d.quantity][d.model] = d.stat;
    }
    // model size: largest vs smallest preset (presets ordered by size), paired by seed
    let modelLogRatio: SeedStat | null = null;
    if (models.length >= 2) {
      const [small, large] = [models[0], models[models.length - 1]];
      const per: number[] = [];
      for (const s of seeds) {
        const common = sizesOf(small, s).filter((n) => sizesOf(large, s).includes(n));
        const lr = common.map((n) => Math.log((seedValue(cell(large, s, n), 'id', key) ?? NaN) / (seedValue(cell(small, s, n), 'id', key) ?? NaN))).filter(Number.isFinite);
        if (lr.length) per.push(lr.reduce((a, b) => a + b, 0) / lr.length);
      }
      if (per.length) modelLogRatio = seedStat(per);
    }
    // OOD/ID per trained cell (means over seeds), geometric mean
    const ratios: number[] = [];
    let bestId = Infinity;
    for (const m of models)
      for (const n of [...new Set(rs.filter((r) => r.model === m).map((r) => Number(r.dataSize)))]) {
        const ids = seeds.map((s) => seedValue(cell(m, s, n), 'id', key)).filter((v): v is number => v !== null);
        const oods = seeds.map((s) => seedValue(cell(m, s, n), 'ood', key)).filter((v): v is number => v !== null);
        if (!ids.length || !oods.length) continue;
        const id = ids.reduce((a, b) => a + b, 0) / ids.length;
        const ood = oods.reduce((a, b) => a + b, 0) / oods.length;
        bestId = Math.min(bestId, id);
        if (id > 0) ratios.push(ood / id);
      }
    const oodOverId = ratios.length ? Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length) : NaN;
    const floor = floorOf(rows, scenario, key);
    const bestIdOverFloor = bestId / floor;
    const slopesId = Object.values(idSlope);
    const idFallsWithData = slopesId.length && slopesId.every((s) => s.hi !== null) ? slopesId.every((s) => below0(s) === true) : null;
    const idFallsWithModel = below0(modelLogRatio);
    const oodOrderAboveId = Number.isFinite(oodOverId) ? oodOverId >= CRITERION_V2.orderRatio : null;
    const gaps = Object.values(gapSlope);
    const gapCloses = gaps.length && gaps.every((s) => s.hi !== null) ? gaps.some((s) => below0(s) === true) : null;
    const nearFloor = Number.isFinite(bestIdOverFloor) && bestIdOverFloor <= CRITERION_V2.maxIdOverFloor;
    const checks = [idFallsWithData, idFallsWithModel, oodOrderAboveId, gapCloses === null ? null : !gapCloses];
    const verdict: VerdictV2 = checks.some((c) => c === null) ? 'incomplete' : !nearFloor ? 'inconclusive' : checks.every((c) => c === true) ? 'reproduced' : 'not reproduced';
    return { scenario, idSlope, oodSlope, gapSlope, modelLogRatio, oodOverId, oodOverIdMin: ratios.length ? Math.min(...ratios) : NaN, bestIdOverFloor, idFallsWithData, idFallsWithModel, oodOrderAboveId, gapCloses, nearFloor, verdict };
  });
}

const rank = (s: string) => { const k = (SCENARIOS as readonly string[]).indexOf(s); return k < 0 ? SCENARIOS.length : k; };

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
/** Criterion v2 in words, with its thresholds (printed above the results it judges). */
export function criterionV2Markdown(): string {
  const c = CRITERION_V2;
  return [
    `**Criterion v2** (fixed ${c.fixed}, before the grid is rerun with the new recipe; intervals are ${c.confidence * 100}% t-intervals over seeds, and each seed also draws its training videos):`,
    `1. *ID falls with data*: for every model, the log-log slope of ID error against training-set size has its whole interval below 0.`,
    `2. *ID falls with model size*: log(ID of the largest model / ID of the smallest), averaged over data sizes and paired by seed, has its whole interval below 0.`,
    `3. *OOD an order of magnitude above ID*: the geometric mean of OOD/ID over the trained cells is ≥ ×${c.orderRatio}.`,
    `4. *OOD does not improve the way ID does*: for no model does the slope of log(OOD/ID) against log data size have its whole interval below 0 (that would be the gap closing).`,
    `5. *Conclusive only near the floor*: "reproduced" or "not reproduced" is said only when the best ID cell is within ×${c.maxIdOverFloor} of the ground-truth parse floor (our bias-free parser; the paper's best, ${paperBest()}, are over floors of its evaluation code, inflated by its −v/W bias, and not like for like: see *ID over floor, like for like*); otherwise the verdict is *inconclusive* (under-trained models compress OOD/ID), with the checks shown.`,
    `A check without an interval (fewer than 2 seeds with ≥ 2 data sizes) makes the verdict *incomplete*. Why these: ≥ ×10 is what "an order of magnitude" means; the slope and its interval use every data size and every seed instead of the two ends of one seed; the floor gate keeps an under-trained grid from being read either way. The paper's own ratios (below) are not a calibration target: under check 3 its collision and parabola cells would mostly fail.`,
  ].join('\n');
}

/** The paper's own Fig 3 point estimates under v2's quantities (one run per cell: no intervals, no verdict). */
export function paperPointEstimates(): Array<{ scenario: string; model: string; idSlope: number; oodSlope: number; gapSlope: number; oodOverIdMin: number; oodOverIdMax: number; oodOverIdGeo: number; bestIdOverFloor: number }> {
  const out: ReturnType<typeof paperPointEstimates> = [];
  for (const scenario of ['uniform', 'collision', 'parabola'] as const) {
    const ps = PAPER_FIG3.filter((p) => p.scenario === scenario);
    const floor = ps.find((p) => p.model === 'GT')!.id;
    const trained = ps.filter((p) => p.model !== 'GT' && p.ood !== null && p.dataSize !== null);
    const ratios = trained.map((p) => p.ood! / p.id);
    const best = Math.min(...trained.map((p) => p.id)) / floor;
    for (const model of [...new Set(trained.map((p) => p.model))]) {
      const pts = trained.filter((p) => p.model === model);
      const x = pts.map((p) => Math.log(p.dataSize!));
      out.push({
        scenario, model,
        idSlope: slope(x, pts.map((p) => Math.log(p.id))),
        oodSlope: slope(x, pts.map((p) => Math.log(p.ood!))),
        gapSlope: slope(x, pts.map((p) => Math.log(p.ood! / p.id))),
        oodOverIdMin: Math.min(...ratios), oodOverIdMax: Math.max(...ratios),
        oodOverIdGeo: Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length),
        bestIdOverFloor: best,
      });
    }
  }
  return out;
}

/** The paper's best ID cell over its floor, per scenario (from PAPER_FIG3), e.g. 'uniform ×1.25, collision ×1.31, …'. */
function paperBest(scenario?: string): string {
  const best = new Map<string, number>();
  for (const p of paperPointEstimates()) best.set(p.scenario, p.bestIdOverFloor);
  return [...best].filter(([s]) => !scenario || s === scenario).map(([s, b]) => `${scenario ? '' : s + ' '}×${b.toFixed(2)}`).join(', ');
}

/** Plain-language v2 verdict per scenario, with the numbers it rests on. */
export function verdictV2Markdown(rows: Row[], key: Key = 'velocityError'): string {
  const vs = verdictV2(rows, key);
  if (vs.length === 0) return '**No trained cells yet**: nothing to judge.';
  const yn = (b: boolean | null, yes: string, no: string) => (b === null ? 'cannot tell (no interval: needs ≥ 2 seeds with ≥ 2 data sizes)' : b ? yes : no);
  const per = (r: Record<string, SeedStat>) => Object.entries(r).map(([m, s]) => `\`${m}\` ${statText(s)}`).join('; ') || 'n/a (no cells)';
  return vs
    .map((v) =>
      [
        `**${v.scenario}: ${v.verdict}${v.verdict === 'inconclusive' ? ` (best ID ×${f2(v.bestIdOverFloor)} the floor > ×${CRITERION_V2.maxIdOverFloor})` : ''}.**`,
        `1. ID falls with data? ${yn(v.idFallsWithData, 'yes', 'no')}: slope of log ID vs log data size ${per(v.idSlope)}.`,
        `2. ID falls with model size? ${yn(v.idFallsWithModel, 'yes', 'no')}: log(ID largest / smallest model) ${statText(v.modelLogRatio)}.`,
        `3. OOD ≥ ×${CRITERION_V2.orderRatio} ID? ${yn(v.oodOrderAboveId, 'yes', 'no')}: geometric mean ×${f2(v.oodOverId)} (smallest cell ×${f2(v.oodOverIdMin)}).`,
        `4. Does the OOD/ID gap close with data? ${yn(v.gapCloses, 'yes — against the finding', 'no')}: slope of log(OOD/ID) ${per(v.gapSlope)}; OOD's own slope ${per(v.oodSlope)}.`,
        `5. Best ID cell ×${f2(v.bestIdOverFloor)} the ground-truth floor (gate ×${CRITERION_V2.maxIdOverFloor}; the paper's best, ${paperBest(v.scenario)}, is over its evaluation code's biased floor: not like for like).`,
      ].join('\n'),
    )
    .join('\n\n');
}
