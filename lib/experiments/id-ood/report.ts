/**
 * Tables, the Fig 3 figure and the verdict of the `id-ood` experiment, computed from its summary
 * rows (never typed in). Used by notebooks/01-id-vs-ood-scaling.ipynb.
 */
import { Figure, line, PanelSpec, scatter, subplots, Trace } from '../../plot/figure';
import { floorLine, identityLine, trainingBand } from '../../plot/roles';
import type { Json, Row } from '../core/experiment';
import { ciOrNull, meanCi } from '../core/intervals';
import type { ErrorKey } from './slopes';
import { CRITERION_V2 } from './criteria';
import type { ParserFloors } from './scale';
import { PAPER_FIG3 } from './paper-numbers';
import type { IdOodConfig } from './config';
import { SET_SCORES } from './eval';
import { resultOf } from '../core/unit-results';
import { idBand } from '../../data/ranges';
import { resolvedPatch } from './config';
import { SCENARIOS, type Scenario } from '../../sim/scenes';
import { comparePresets, getPreset } from '../../model/presets';
import { vaeFactor } from '../../model/vae';
import { DT, FRAME_DT, frameDtFor, STRIDE, WORLD_SIZE } from '../../sim/constants';

/** The ID speed range of uniform motion and the parabola (data/ranges.ts), shaded in the speed-response view. */
const ID_SPEED: [number, number] = idBand('uniform', 'velocity');

/** One (scenario, model, dataSize, group) cell over seeds. group: 'id', 'ood' (all levels) or a set name. */
export interface Cell {
  scenario: string;
  model: string;
  dataSize: number;
  group: string;
  mean: number;
  /** 95% t-interval half-width over seeds (0 with one seed: show it through ciOrNull, as n/a, never ±0). */
  ci: number;
  min: number;
  max: number;
  seeds: number;
}

/** Mean, 95% t half-width, min and max of per-seed values (at least one). */
function stats(xs: number[]): { mean: number; ci: number; min: number; max: number } {
  const { mean, ci } = meanCi(xs);
  return { mean, ci, min: Math.min(...xs), max: Math.max(...xs) };
}

/** Per-seed value of a group: 'id', 'ood' (n-weighted mean over OOD levels) or one set. */
function groupValue(rows: Row[], group: string, key: ErrorKey): number | null {
  const pick = rows.filter((r) => (group === 'ood' ? String(r.set).startsWith('ood-') : r.set === group) && Number.isFinite(r[key] as number));
  if (pick.length === 0) return null;
  const w = pick.reduce((a, r) => a + Number(r.n) - Number(r.nanCount ?? 0), 0);
  return pick.reduce((a, r) => a + (r[key] as number) * (Number(r.n) - Number(r.nanCount ?? 0)), 0) / Math.max(1, w);
}

/** The paper's order of scenarios (uniform, collision, parabola); unknown names after them. */
const scenarioRank = (s: string) => { const k = (SCENARIOS as readonly string[]).indexOf(s); return k < 0 ? SCENARIOS.length : k; };

/** Mean and interval over seeds of every trained cell, for groups 'id', 'ood' and each set. */
export function aggregate(rows: Row[], key: ErrorKey = 'velocityError'): Cell[] {
  const trained = rows.filter((r) => r.split !== 'gt' && r.split !== 'vae');
  const byCell = new Map<string, Row[]>();
  for (const r of trained) {
    const k = `${r.scenario}|${r.model}|${r.dataSize}`;
    byCell.set(k, [...(byCell.get(k) ?? []), r]);
  }
  const out: Cell[] = [];
  for (const [k, rs] of byCell) {
    const [scenario, model, dataSize] = k.split('|');
    const sets = [...new Set(rs.map((r) => String(r.set)))];
    for (const group of ['id', 'ood', ...sets.filter((s) => s !== 'id')]) {
      const perSeed = [...new Set(rs.map((r) => Number(r.seed)))].map((s) => groupValue(rs.filter((r) => Number(r.seed) === s), group, key)).filter((v): v is number => v !== null);
      if (perSeed.length === 0) continue;
      out.push({ scenario, model, dataSize: Number(dataSize), group, ...stats(perSeed), seeds: perSeed.length });
    }
  }
  return out.sort((a, b) => scenarioRank(a.scenario) - scenarioRank(b.scenario) || a.scenario.localeCompare(b.scenario) || comparePresets(a.model, b.model) || a.dataSize - b.dataSize);
}

/**
 * Floors per scenario and group ('id', 'ood'): `kind` 'gt' = the parser on the true videos (the
 * ground-truth floor), 'vae' = on the VAE's reconstructions of them (latent models cannot beat it;
 * the paper's Tab 3).
 */
export function floors(rows: Row[], key: ErrorKey = 'velocityError', kind: 'gt' | 'vae' = 'gt'): Array<{ scenario: string; group: string; floor: number }> {
  const out: Array<{ scenario: string; group: string; floor: number }> = [];
  for (const scenario of [...new Set(rows.filter((r) => r.split === kind).map((r) => String(r.scenario)))]) {
    const rs = rows.filter((r) => r.split === kind && r.scenario === scenario);
    for (const group of ['id', 'ood']) {
      const v = groupValue(rs, group, key);
      if (v !== null) out.push({ scenario, group, floor: v });
    }
  }
  return out;
}

/** The paper's Fig 3 layout: one column per scenario, rows ID and OOD; error vs data size per model. */
/** Marker and dash per model (in order of first appearance), so models differ in greyscale too. */
const MODEL_STYLE: ReadonlyArray<{ symbol: string; dash: 'solid' | 'longdash' | 'dashdot' }> = [
  { symbol: 'circle', dash: 'solid' },
  { symbol: 'square', dash: 'longdash' },
  { symbol: 'diamond', dash: 'dashdot' },
];

export function fig3(rows: Row[], opts: { key?: ErrorKey; title?: string } = {}): Figure {
  const cells = aggregate(rows, opts.key);
  const fl = floors(rows, opts.key);
  const vfl = floors(rows, opts.key, 'vae');
  const scenarios = [...new Set(cells.map((c) => c.scenario))];
  const allModels = [...new Set(cells.map((c) => c.model))];
  const panels: PanelSpec[] = [];
  for (const group of ['id', 'ood']) {
    for (const scenario of scenarios) {
      const traces: Trace[] = [];
      const models = [...new Set(cells.filter((c) => c.scenario === scenario).map((c) => c.model))];
      const sizes = [...new Set(cells.filter((c) => c.scenario === scenario).map((c) => c.dataSize))].sort((a, b) => a - b);
      for (const model of models) {
        const cs = cells.filter((c) => c.scenario === scenario && c.model === model && c.group === group).sort((a, b) => a.dataSize - b.dataSize);
        if (cs.length === 0) continue;
        traces.push(...line({ x: cs.map((c) => c.dataSize), y: cs.map((c) => c.mean), error: cs.map((c) => ciOrNull(c.ci, c.seeds)), name: model, ...MODEL_STYLE[allModels.indexOf(model) % MODEL_STYLE.length] }));
      }
      const f = fl.find((x) => x.scenario === scenario && x.group === group);
      if (f && sizes.length > 0) {
        const xs = sizes.length > 1 ? [sizes[0], sizes[sizes.length - 1]] : [sizes[0] / 1.5, sizes[0] * 1.5];
        traces.push(...floorLine(xs, f.floor, 'ground-truth parse (floor)'));
      }
      const vf = vfl.find((x) => x.scenario === scenario && x.group === group);
      if (vf && sizes.length > 0) {
        const xs = sizes.length > 1 ? [sizes[0], sizes[sizes.length - 1]] : [sizes[0] / 1.5, sizes[0] * 1.5];
        traces.push(...floorLine(xs, vf.floor, 'VAE reconstruction (floor of latent models)', { secondary: true }));
      }
      // the y title on the first column only: beside every panel it runs into the log tick labels of its left neighbour
      const yTitle = scenario === scenarios[0] ? 'velocity error (u/s)' : undefined;
      panels.push({ title: `${scenario}: ${group.toUpperCase()}`, traces, x: { title: 'training videos', log: true }, y: { title: yTitle, log: true } });
    }
  }
  return subplots(panels, { cols: Math.max(1, scenarios.length), title: opts.title ?? 'Velocity error vs data size (mean ± 95% interval over seeds)', panelWidth: 340, panelHeight: 260, vgap: 0.22 });
}

/** Our cells beside the paper's numbers (paper-spec §3.4) for the same scenario. */
export function comparisonTable(rows: Row[]): Array<Record<string, string | number | null>> {
  const cells = aggregate(rows);
  const fl = floors(rows);
  const vfl = floors(rows, 'velocityError', 'vae');
  const out: Array<Record<string, string | number | null>> = [];
  for (const scenario of [...new Set(cells.map((c) => c.scenario))]) {
    const f = (g: string) => fl.find((x) => x.scenario === scenario && x.group === g)?.floor ?? null;
    out.push({ scenario, source: 'ours', model: 'GT parse', dataSize: null, id: f('id'), ood: f('ood'), oodOverId: null, seeds: null });
    const vf = (g: string) => vfl.find((x) => x.scenario === scenario && x.group === g)?.floor ?? null;
    if (vf('id') !== null) out.push({ scenario, source: 'ours', model: 'VAE recon', dataSize: null, id: vf('id'), ood: vf('ood'), oodOverId: null, seeds: null });
    const keys = [...new Set(cells.filter((c) => c.scenario === scenario).map((c) => `${c.model}|${c.dataSize}`))];
    for (const k of keys) {
      const [model, n] = k.split('|');
      const id = cells.find((c) => c.scenario === scenario && c.model === model && c.dataSize === Number(n) && c.group === 'id');
      const ood = cells.find((c) => c.scenario === scenario && c.model === model && c.dataSize === Number(n) && c.group === 'ood');
      out.push({ scenario, source: 'ours', model, dataSize: Number(n), id: id?.mean ?? null, ood: ood?.mean ?? null, oodOverId: id && ood ? ood.mean / id.mean : null, seeds: id?.seeds ?? null });
    }
    for (const p of PAPER_FIG3.filter((p) => p.scenario === scenario)) {
      out.push({ scenario, source: p.approximate ? 'paper (read from Fig 3)' : 'paper', model: p.model === 'GT' ? 'GT parse' : p.model, dataSize: p.dataSize, id: p.id, ood: p.ood, oodOverId: p.ood !== null && p.model !== 'GT' ? p.ood / p.id : null, seeds: p.model === 'GT' ? null : 1 });
    }
  }
  return out;
}

export interface ScenarioVerdict {
  scenario: string;
  /** Per model with ≥ 2 sizes: ID error at the largest size / at the smallest. */
  idDataRatio: Record<string, number>;
  /** Per model with ≥ 2 sizes: OOD error at the largest size / at the smallest. */
  oodDataRatio: Record<string, number>;
  /** Per model with ≥ 2 sizes: OOD/ID at the largest size over OOD/ID at the smallest (< 1: the gap closes). */
  gapRatio: Record<string, number>;
  /** Per data size with ≥ 2 models: ID of the largest model / of the smallest. */
  idModelRatio: Record<string, number>;
  /** Mean OOD/ID over the trained cells. */
  oodOverId: number;
  /** ID error of the best cell over the floor. */
  bestIdOverFloor: number;
  /** ID error of the best cell over the VAE-reconstruction floor (NaN for pixel models). */
  bestIdOverVae: number;
  idFallsWithData: boolean | null;
  idFallsWithModel: boolean | null;
  oodFlatterThanId: boolean | null;
  oodOrderAboveId: boolean;
  reproduced: boolean | null;
}

/**
 * "OOD does not fall the way ID does" holds when the OOD/ID gap closes by less than 10% from the
 * smallest to the largest data size (per model). Calibrated on the paper's own Fig 3 numbers, which
 * must pass (a test checks it): their gap ratios are 0.94–1.46.
 */
export const GAP_KEPT = 0.9;
/** "Falls": largest / smallest (data or model size) below this. */
export const FALLS_BELOW = 0.95;
/** Criterion v1's "order of magnitude" at 16 px, where the floor caps the visible ratio (superseded: v2 uses 10, id-ood-criteria.ts). */
export const ORDER_RATIO = 5;

/** The criterion of `verdict`, in words, with its thresholds. */
export function criterionMarkdown(): string {
  return [
    `Reproduced when all of these hold (a scenario with too few cells for one of them is *incomplete*):`,
    `ID error falls with data for every model and with model size at every data size (largest / smallest < ${FALLS_BELOW});`,
    `OOD error is on average at least ×${ORDER_RATIO} the ID error of the same cell (the paper at 128 px: ${(['uniform', 'collision', 'parabola'] as const).map((sc) => `${sc} ${paperRatioText(sc)}`).join(', ')});`,
    `and the OOD/ID gap does not close with data (OOD/ID at the largest size ≥ ${GAP_KEPT} × OOD/ID at the smallest, per model).`,
    `The same rule applied to the paper's own Fig 3 numbers says *reproduced* for all three scenarios (a test checks it).`,
  ].join(' ');
}

/**
 * The finding is reproduced when ID error falls with data and model size, OOD error is an order of
 * magnitude above ID (≥ 5x is accepted at 16 px, where the floor caps the visible ratio; paper
 * per scenario: paperRatioText) and OOD does not fall the way ID does (the OOD/ID gap does not close, `GAP_KEPT`).
 * null = not enough cells to tell.
 */
export function verdict(rows: Row[]): ScenarioVerdict[] {
  const cells = aggregate(rows);
  const fl = floors(rows);
  const out: ScenarioVerdict[] = [];
  for (const scenario of [...new Set(cells.map((c) => c.scenario))]) {
    const cs = cells.filter((c) => c.scenario === scenario);
    const get = (m: string, n: number, g: string) => cs.find((c) => c.model === m && c.dataSize === n && c.group === g)?.mean;
    const models = [...new Set(cs.map((c) => c.model))];
    const idDataRatio: Record<string, number> = {};
    const oodDataRatio: Record<string, number> = {};
    for (const m of models) {
      const sizes = [...new Set(cs.filter((c) => c.model === m && c.group === 'id').map((c) => c.dataSize))].sort((a, b) => a - b);
      if (sizes.length < 2) continue;
      const [lo, hi] = [sizes[0], sizes[sizes.length - 1]];
      idDataRatio[m] = get(m, hi, 'id')! / get(m, lo, 'id')!;
      const o1 = get(m, lo, 'ood');
      const o2 = get(m, hi, 'ood');
      if (o1 !== undefined && o2 !== undefined) oodDataRatio[m] = o2 / o1;
    }
    const idModelRatio: Record<string, number> = {};
    for (const n of [...new Set(cs.map((c) => c.dataSize))]) {
      const ms = models.filter((m) => get(m, n, 'id') !== undefined);
      if (ms.length < 2) continue;
      idModelRatio[String(n)] = get(ms[ms.length - 1], n, 'id')! / get(ms[0], n, 'id')!;
    }
    const pairs = cs.filter((c) => c.group === 'id').map((c) => [c.mean, get(c.model, c.dataSize, 'ood')] as const).filter((p): p is readonly [number, number] => p[1] !== undefined);
    const oodOverId = pairs.length ? pairs.reduce((a, [i, o]) => a + o / i, 0) / pairs.length : NaN;
    const bestId = Math.min(...cs.filter((c) => c.group === 'id').map((c) => c.mean));
    const floor = fl.find((f) => f.scenario === scenario && f.group === 'id')?.floor ?? NaN;
    const vaeFloor = floors(rows, 'velocityError', 'vae').find((f) => f.scenario === scenario && f.group === 'id')?.floor ?? NaN;
    const dr = Object.values(idDataRatio);
    const mr = Object.values(idModelRatio);
    const idFallsWithData = dr.length ? dr.every((r) => r < FALLS_BELOW) : null;
    const idFallsWithModel = mr.length ? mr.every((r) => r < FALLS_BELOW) : null;
    // Only meaningful where ID itself improves with data: "OOD falls less than ID does", i.e. the OOD/ID gap does
    // not close: per model, (OOD/ID at the largest size) / (OOD/ID at the smallest) ≥ GAP_KEPT. With 1 the paper's
    // own numbers fail (uniform DiT-S 0.98, collision DiT-S 0.96 and DiT-L 0.94: the gap stays, within noise).
    const gapRatio: Record<string, number> = {};
    for (const m of Object.keys(oodDataRatio)) gapRatio[m] = oodDataRatio[m] / idDataRatio[m];
    const oodFlatterThanId = idFallsWithData === true && Object.keys(gapRatio).length > 0 ? Object.values(gapRatio).every((g) => g >= GAP_KEPT) : null;
    const oodOrderAboveId = oodOverId >= ORDER_RATIO;
    const parts = [idFallsWithData, idFallsWithModel, oodFlatterThanId];
    const reproduced = parts.some((p) => p === false) || !oodOrderAboveId ? false : parts.every((p) => p === true) ? true : null;
    out.push({ scenario, idDataRatio, oodDataRatio, gapRatio, idModelRatio, oodOverId, bestIdOverFloor: bestId / floor, bestIdOverVae: bestId / vaeFloor, idFallsWithData, idFallsWithModel, oodFlatterThanId, oodOrderAboveId, reproduced });
  }
  return out;
}

const fmtRatios = (r: Record<string, number>, unit: string) =>
  Object.entries(r)
    .map(([k, v]) => `${k}${unit}: ×${v.toFixed(2)}`)
    .join(', ') || 'not enough cells';

/** The paper's best ID error over its floor, for the scenario of `v`; with a note when ours is far above it. */
function paperBestNote(v: ScenarioVerdict): string {
  const ps = PAPER_FIG3.filter((p) => p.scenario === v.scenario);
  const floor = ps.find((p) => p.model === 'GT')?.id;
  const trained = ps.filter((p) => p.model !== 'GT');
  if (floor === undefined || trained.length === 0) return '';
  const paper = Math.min(...trained.map((p) => p.id)) / floor;
  const far = v.bestIdOverFloor > 2 * paper;
  return `; the paper's best: ×${paper.toFixed(2)} its floor${far ? ' — ours is still far above its floor, which shrinks the OOD/ID ratio' : ''}`;
}

/** The paper's OOD/ID range over its trained cells of one scenario, e.g. '×15.9–34.4' (from PAPER_FIG3). */
export function paperRatioText(scenario: string): string {
  const rs = PAPER_FIG3.filter((p) => p.scenario === scenario && p.model !== 'GT' && p.ood !== null).map((p) => p.ood! / p.id);
  return rs.length ? `×${Math.min(...rs).toFixed(1)}–${Math.max(...rs).toFixed(1)}` : 'n/a';
}

/**
 * Ground-truth parse floors of the ID and OOD sets under each parser the rows carry: ours (the
 * configured one, by default the coverage-weighted centroid on the renderer's grid), the paper's
 * thresholded mask on our grid, and the paper's evaluation code (mask + its ×10/W mapping, which
 * adds a −v/W velocity bias: most of its published floor), beside the paper's published floor (ID
 * only; 128 px). Also the clips left unparseable (no usable velocity step) with all frames, as we
 * score, and with the last frame dropped, as the paper's evaluation does.
 */
export function floorTable(rows: Row[]): Array<Record<string, string | number | null>> {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return rows
    .filter((r) => r.model === 'gt')
    .sort((a, b) => scenarioRank(String(a.scenario)) - scenarioRank(String(b.scenario)))
    .map((r) => ({
      scenario: String(r.scenario),
      set: String(r.set),
      ours: num(r.velocityError),
      maskGrid: num(r.velocityErrorMask),
      paperCode: num(r.velocityErrorPaper),
      paperPublished: r.set === 'id' ? PAPER_FIG3.find((p) => p.scenario === r.scenario && p.model === 'GT')?.id ?? null : null,
      videos: num(r.n),
      unparseable: num(r.nanCount),
      unparseableLastDropped: num(r.nanCountDropLast),
    }));
}

/** The three parser columns of the summary rows, in words: which parser, and whether it is the paper's evaluation code. */
export const PARSERS: ReadonlyArray<{ key: ErrorKey; name: string; paperCode: boolean }> = [
  { key: 'velocityError', name: 'ours (coverage-weighted centroid, our grid: no bias)', paperCode: false },
  { key: 'velocityErrorMask', name: "paper's mask on our grid (no bias)", paperCode: false },
  { key: 'velocityErrorPaper', name: "paper's evaluation code (mask + ×10/W: −v/W bias)", paperCode: true },
];

/**
 * "ID over floor" per scenario and parser: our best ID cell (mean over seeds) over our ground-truth
 * floor under the same parser, for each parser column the rows carry (n/a where the trained cells
 * lack it: units scored before the paper-code column existed), and the paper's best over its floor
 * (its evaluation code, 128 px). Like for like means the same parser on both sides: only the
 * paper-code row (`likeForLike`) is, and even there the clip differs (the bias v/W is 128/size times
 * larger at our size). A ratio to a floor that is mostly parser error (the paper-code bias, the
 * mask's quantisation at small sizes) is pulled toward 1 whatever the model does.
 */
export function idOverFloorTable(rows: Row[]): Array<Record<string, string | number | null>> {
  const out: Array<Record<string, string | number | null>> = [];
  const fin = (v: number) => (Number.isFinite(v) ? v : null);
  const scenarios = [...new Set(aggregate(rows).map((c) => c.scenario))];
  for (const scenario of scenarios) {
    const ps = PAPER_FIG3.filter((p) => p.scenario === scenario);
    const pf = ps.find((p) => p.model === 'GT')?.id ?? NaN;
    const pt = ps.filter((p) => p.model !== 'GT');
    const pb = pt.length ? pt.reduce((a, p) => (p.id < a.id ? p : a)) : null;
    for (const parser of PARSERS) {
      const ids = aggregate(rows, parser.key).filter((c) => c.scenario === scenario && c.group === 'id');
      const best = ids.length ? ids.reduce((a, c) => (c.mean < a.mean ? c : a)) : null;
      const floor = floors(rows, parser.key).find((f) => f.scenario === scenario && f.group === 'id')?.floor ?? NaN;
      out.push({
        scenario, parser: parser.name,
        oursBest: best ? `${best.model}, ${best.dataSize}` : null, oursId: best ? fin(best.mean) : null, oursFloor: fin(floor), oursRatio: best ? fin(best.mean / floor) : null,
        paperBest: parser.paperCode && pb ? `${pb.model}, ${pb.dataSize}` : null, paperRatio: parser.paperCode && pb ? fin(pb.id / pf) : null,
        likeForLike: parser.paperCode ? 'same parser (clip differs)' : 'no: not the paper\'s parser',
      });
    }
  }
  return out;
}

/**
 * Which "ID over floor" is comparable with the paper's (×1.25 uniform), in words computed from the
 * rows and, when given, the floors on the paper's clip (scale.ts parserFloors).
 */
export function idOverFloorMarkdown(rows: Row[], opts: { paperScale?: ReadonlyArray<ParserFloors>; size?: number } = {}): string {
  const paperScale = opts.paperScale ?? [];
  const t = idOverFloorTable(rows);
  if (t.length === 0) return '_No trained cells: no ratio to compare._';
  const f2 = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? `×${v.toFixed(2)}` : 'n/a');
  const per = [...new Set(t.map((r) => String(r.scenario)))].map((sc) => {
    const r = (k: number) => t.filter((x) => x.scenario === sc)[k];
    return `${sc}: ours ${f2(r(0).oursRatio)} (our parser), ${f2(r(1).oursRatio)} (mask on our grid), ${f2(r(2).oursRatio)} (paper code); the paper ${f2(r(2).paperRatio)} (paper code, 128 px)`;
  });
  const paperCodeMissing = t.filter((x) => String(x.parser).startsWith("paper's evaluation")).every((x) => x.oursRatio === null);
  const bias = paperScale.map((f) => `${f.scenario} ${f.paperCode.toFixed(4)} with the paper's code, ${f.maskGrid.toFixed(4)} with its mask on our grid, ${f.ours.toFixed(4)} with ours${f.paperPublished !== null ? ` (published: ${f.paperPublished})` : ''}`);
  const over = paperScale.filter((f) => f.paperPublished !== null && f.maskGrid > 0).map((f) => `${f.scenario} ×${(f.paperPublished! / f.maskGrid).toFixed(1)}`);
  return [
    `**ID over floor, like for like.** Best ID cell over the ground-truth floor of the same parser — ${per.join('; ')}.`,
    `Like for like means the same parser on both sides: only the paper-code row is${paperCodeMissing ? ', and our trained cells have no paper-code error yet (their evaluations were scored before that column was added; the rerun\'s evaluations record it), so no like-for-like number exists for the shipped cells' : ''}.`,
    `Even then the clip differs${opts.size ? `: the paper code's −v/W bias (in u/s) is ×${(128 / opts.size).toFixed(0)} larger at our ${opts.size} px than at 128 px` : ''}, and a floor made mostly of parser error pulls the ratio toward 1 whatever the model does` +
      (bias.length ? `. Floors on the paper's ${paperScale[0].size}-px, ${paperScale[0].frames}-frame clip (our renders, ID set, every frame scored): ${bias.join('; ')}. The paper's published floors are ${over.join(', ')} the bias-free mask floor of the same clip (its code on our renders gives more still: its videos are 256-px MP4s, not our renders), so the paper's ratios are to floors inflated by parser error, not statements that its models came that close to a bias-free floor.` : '.'),
    `Criterion v2's gate (best ID within ×${CRITERION_V2.maxIdOverFloor} the floor) is judged under our bias-free parser on our clips; it was not calibrated on the paper's ratio.`,
  ].join(' ');
}
/** Plain-language verdict, one paragraph per scenario, with the numbers it rests on. */
export function verdictMarkdown(rows: Row[]): string {
  const vs = verdict(rows);
  if (vs.length === 0) return '**No trained cells yet**: nothing to judge. Run `npx phylab exp id-ood` (resumable) and reopen this notebook.';
  const yn = (b: boolean | null, yes: string, no: string) => (b === null ? 'cannot tell yet (needs more cells)' : b ? yes : no);
  return vs
    .map((v) =>
      [
        `**${v.scenario}: ${v.reproduced === true ? 'reproduced' : v.reproduced === false ? 'not reproduced at this scale' : 'incomplete'}.**`,
        `- Does ID error fall with more data? ${yn(v.idFallsWithData, 'yes', 'no')} (largest / smallest size: ${fmtRatios(v.idDataRatio, '')}).`,
        `- Does ID error fall with model size? ${yn(v.idFallsWithModel, 'yes', 'no')} (largest / smallest model: ${fmtRatios(v.idModelRatio, ' videos')}).`,
        `- How much larger is OOD than ID? ×${v.oodOverId.toFixed(1)} on average (paper, ${v.scenario}: ${paperRatioText(v.scenario)}); ${v.oodOrderAboveId ? `an order of magnitude (≥ ×${ORDER_RATIO} at 16 px)` : `less than the ×${ORDER_RATIO} this scale accepts`}.`,
        `- Does OOD fall the way ID does? ${v.idFallsWithData === false ? 'moot: ID does not fall with data either' : yn(v.oodFlatterThanId === null ? null : !v.oodFlatterThanId, 'yes — the OOD/ID gap closes', 'no — the OOD/ID gap stays')} (OOD, largest / smallest size: ${fmtRatios(v.oodDataRatio, '')}; OOD/ID, largest / smallest size: ${fmtRatios(v.gapRatio, '')}).`,
        `- Best ID error is ×${v.bestIdOverFloor.toFixed(1)} the ground-truth floor${Number.isFinite(v.bestIdOverVae) ? ` (×${v.bestIdOverVae.toFixed(1)} the VAE-reconstruction floor)` : ''}${paperBestNote(v)}.`,
      ].join('\n'),
    )
    .join('\n\n');
}

/** The clip and training settings of a config, in words (what this scale can and cannot show), all read from `c`. */
export function scaleNotesMarkdown(c: IdOodConfig): string {
  const preset = getPreset(c.presets[0]);
  const patch = resolvedPatch(c) ?? preset.patch;
  const f = c.latent === 'vae' ? vaeFactor(c.vae.model) : 1;
  const side = c.size / f;
  const tokens = (c.frames / patch[0]) * (side / patch[1]) * (side / patch[2]);
  const space = c.latent === 'vae'
    ? `the latents of a frame VAE trained per scenario (${c.size}×${c.size}×3 → ${side}×${side}×${c.vae.model.latentChannels}, ${c.vae.train.steps} steps), as the paper diffuses in a VAE's latent space`
    : 'pixels';
  const frameDt = (s: Scenario) => frameDtFor(c.frameStride[s]);
  const strides = c.scenarios.map((s) => `${s} ${c.frameStride[s]} (${frameDt(s).toFixed(2)} s per frame, ${((c.frames - 1) * frameDt(s)).toFixed(1)} s per clip)`);
  const pxPerUnit = c.size / WORLD_SIZE;
  const motion = c.scenarios.map((s) => {
    const [lo, hi] = idBand(s, 'velocity');
    return `${s} ${(lo * frameDt(s) * pxPerUnit).toFixed(2)}–${(hi * frameDt(s) * pxPerUnit).toFixed(2)} px`;
  });
  // the paper's clip: 128 px, one frame every FRAME_DT (0.1 s), 32 frames; an ID ball at the uniform ID speeds
  const [vLo, vHi] = idBand('uniform', 'velocity');
  const paperPx = 128 / WORLD_SIZE;
  const samples = c.train.steps * c.train.batchSize;
  return [
    `- Clips: ${c.size} px, ${c.frames} frames (${c.condFrames} conditioning); the models diffuse ${space}; ${patch.join('×')} patches = ${tokens} tokens; models ${c.presets.map((p) => '`' + p + '`').join(', ')} (width ${c.presets.map((p) => getPreset(p).hidden).join(' / ')}, depth ${preset.depth}); ${c.train.steps} steps of batch ${c.train.batchSize} (${samples.toLocaleString('en-US')} clip presentations per model; the paper: 100K steps × 256 = 25.6M).`,
    `- Frame interval (physics steps of ${DT} s per frame): ${strides.join('; ')}. The paper samples every ${STRIDE} steps (${FRAME_DT.toFixed(1)} s, ${(31 * FRAME_DT).toFixed(1)} s per 32-frame clip) at 128 px, where an ID ball (${vLo}–${vHi} u/s) moves ${(vLo * FRAME_DT * paperPx).toFixed(1)}–${(vHi * FRAME_DT * paperPx).toFixed(1)} px per frame; at ${c.size} px and ${FRAME_DT.toFixed(1)} s it would move ${(vLo * FRAME_DT * pxPerUnit).toFixed(2)}–${(vHi * FRAME_DT * pxPerUnit).toFixed(2)} px. Here it moves ${motion.join('; ')} per frame.${new Set(c.scenarios.map((s) => c.frameStride[s])).size > 1 ? ' Scenarios with a shorter interval keep more clips with both balls in view after contact.' : ''}`,
    `- At ${c.size} px the paper's thresholded-mask parser has a high floor, which would cap any visible OOD/ID ratio; the reported error uses the coverage-weighted centroid (\`${c.parser}\`); the mask parser's numbers are in the summary (\`velocityErrorMask\`).`,
    `- A sweep stopped early covers only the cells listed under "Trained" above; the verdict says "incomplete" until the cells it needs exist.`,
  ].join('\n');
}

/** One generated video of the speed-response view: true and generated mean x-velocity of ball 1. */
export interface SpeedPoint {
  set: string;
  index: number;
  /** Training seed of the model that generated it. */
  seed: number;
  radius: number;
  trueVx: number;
  generatedVx: number;
}

/** The cell a scenario's speed response is drawn for, and its points. */
export interface SpeedResponse {
  scenario: Scenario;
  model: string;
  dataSize: number;
  /** Every seed of the cell with results (all are drawn). */
  seeds: number[];
  points: SpeedPoint[];
}

/** Sets shown in the speed response: ID and the OOD levels that change only speeds (uniform/parabola 'ood-v'; collision 'ood-v1', 'ood-v1+v2'). */
const speedSets = (set: string) => set === 'id' || (set.startsWith('ood-') && !set.includes('r'));

/**
 * Per scenario, the generations of one trained cell (the largest model at the largest data size
 * with results; of those, the one with the most seeds), every seed's, as (true, generated) mean x-velocity of ball 1 over the
 * scored steps (collision: after contact), scored videos only (the small-ball rule applied).
 * `results` are the experiment's unit results (runner.ts loadUnitResults).
 */
export function speedResponses(c: IdOodConfig, seeds: number[], results: Record<string, Json>): SpeedResponse[] {
  const out: SpeedResponse[] = [];
  for (const scenario of c.scenarios) {
    const has = (model: string, n: number, seed: number) => results[`eval/${scenario}/${model}/n${n}/s${seed}`] !== undefined;
    const cellsBySize = [...c.presets].reverse().flatMap((model) => [...c.dataSizes].reverse().map((n) => ({ model, n })));
    // the largest model at the largest data size with results; among those, the one with the most seeds
    const withSeeds = cellsBySize.map((k) => ({ ...k, seeds: seeds.filter((s) => has(k.model, k.n, s)) })).filter((k) => k.seeds.length > 0);
    if (withSeeds.length === 0) continue;
    const most = Math.max(...withSeeds.map((k) => k.seeds.length));
    const pick = withSeeds.find((k) => k.seeds.length === most)!;
    const points: SpeedPoint[] = [];
    for (const seed of pick.seeds) {
      const ev = resultOf(results, `eval/${scenario}/${pick.model}/n${pick.n}/s${seed}`, SET_SCORES)!;
      for (const [set, s] of Object.entries(ev)) {
        if (!speedSets(set) || !Array.isArray(s.videos)) continue; // eval results before per-video records have none
        for (const v of s.videos) {
          if (v.group === 'dropped' || v.meanVx[0] === null || v.meanVxTrue[0] === null) continue;
          points.push({ set, index: v.index, seed, radius: v.radii[0], trueVx: v.meanVxTrue[0], generatedVx: v.meanVx[0] });
        }
      }
    }
    if (points.length) out.push({ scenario, model: pick.model, dataSize: pick.n, seeds: pick.seeds, points });
  }
  return out;
}

/** Generated vs true speed, one panel per scenario, the ID speed range shaded (uniform, parabola: x-velocity 1–4 u/s). */
export function speedResponseFigure(responses: SpeedResponse[], opts: { idSpeed?: [number, number]; title?: string } = {}): Figure {
  const [lo, hi] = opts.idSpeed ?? ID_SPEED;
  const colors: Record<string, string> = { id: '#0072B2' };
  const others = ['#D55E00', '#CC79A7', '#E69F00', '#56B4E9', '#009E73'];
  // One colour per set name across all panels (ood-v in one scenario and ood-v1 in another are different sets).
  const setNames = [...new Set(responses.flatMap((r) => r.points.map((p) => p.set)))].filter((s) => !(s in colors));
  setNames.forEach((s, k) => (colors[s] = others[k % others.length]));
  const panels: PanelSpec[] = responses.map((r) => {
    const xs = r.points.map((p) => p.trueVx);
    const ys = r.points.map((p) => p.generatedVx);
    const range: [number, number] = [Math.min(0, ...xs, ...ys) - 0.3, Math.max(hi + 0.5, ...xs, ...ys) + 0.3];
    const traces: Trace[] = [];
    if (r.scenario !== 'collision') traces.push(trainingBand(lo, hi, range[0], range[1], { name: 'ID speeds (training range)' }));
    traces.push(...identityLine(range));
    const sets = [...new Set(r.points.map((p) => p.set))];
    sets.forEach((set) => {
      const ps = r.points.filter((p) => p.set === set);
      traces.push(...scatter({ x: ps.map((p) => p.trueVx), y: ps.map((p) => p.generatedVx), name: set, color: colors[set], size: 5, opacity: 0.6, text: ps.map((p) => `video ${p.index} · seed ${p.seed} · r ${p.radius.toFixed(2)}`) }));
    });
    const what = r.scenario === 'collision' ? 'ball 1 after contact' : 'the ball';
    return { title: `${r.scenario}: ${r.model}, ${r.dataSize} videos, seed${r.seeds.length === 1 ? '' : 's'} ${r.seeds.join(', ')}`, traces, x: { title: `true x-velocity of ${what} (u/s)`, range }, y: { title: 'generated x-velocity (u/s)', range } };
  });
  return subplots(panels, { cols: Math.max(1, panels.length), title: opts.title ?? 'Generated vs true speed: ID and speed-OOD conditions', panelWidth: 340, panelHeight: 320, legend: { position: 'bottom' } });
}

/** Where generations from out-of-range speeds land, per scenario (uniform and parabola: speeds outside [lo, hi]). */
export interface SpeedPull {
  scenario: Scenario;
  side: 'above' | 'below';
  n: number;
  meanTrue: number;
  meanGenerated: number;
  /** Share of those generations whose speed lies inside [lo − 0.25, hi + 0.25]. */
  insideShare: number;
}

export function speedPulls(responses: SpeedResponse[], idSpeed: [number, number] = ID_SPEED): SpeedPull[] {
  const [lo, hi] = idSpeed;
  const out: SpeedPull[] = [];
  for (const r of responses) {
    if (r.scenario === 'collision') continue;
    for (const side of ['above', 'below'] as const) {
      const ps = r.points.filter((p) => p.set !== 'id' && (side === 'above' ? p.trueVx > hi : p.trueVx < lo));
      if (ps.length === 0) continue;
      const m = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
      out.push({ scenario: r.scenario, side, n: ps.length, meanTrue: m(ps.map((p) => p.trueVx)), meanGenerated: m(ps.map((p) => p.generatedVx)), insideShare: ps.filter((p) => p.generatedVx >= lo - 0.25 && p.generatedVx <= hi + 0.25).length / ps.length });
    }
  }
  return out;
}

/** One line per scenario and side: where out-of-range speeds go. */
export function speedPullMarkdown(pulls: SpeedPull[], idSpeed: [number, number] = ID_SPEED): string {
  if (pulls.length === 0) return '_No speed-OOD generations with per-video records yet._';
  return pulls
    .map((p) => `- **${p.scenario}**, ${p.n} condition${p.n === 1 ? '' : 's'} ${p.side} the training speeds (${idSpeed[0]}–${idSpeed[1]} u/s): true mean ${p.meanTrue.toFixed(2)} u/s, generated mean ${p.meanGenerated.toFixed(2)} u/s; ${(100 * p.insideShare).toFixed(0)}% of the generations move at a training speed (±0.25).`)
    .join('\n');
}
