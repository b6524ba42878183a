/**
 * Tables, figures and verdicts of the case-matching experiments `direction-flip` (paper Fig 7)
 * and `velocity-gap` (paper Fig 5), computed from their summary rows (never typed in). Used by
 * notebooks/03-case-matching.ipynb.
 *
 * Broken generations (rows with `intact: false`: the generated ball shrank, grew or vanished, see
 * lib/experiments/case-matching/units.ts) are counted apart and left out of flips, speed shifts and
 * gap statistics; rows without the field (older summaries) count as intact.
 *
 * Intervals: flip shares get a Wilson 95% score interval on the counts pooled over seeds and a
 * 95% t-interval of the per-seed shares; every other mean is over seeds with a 95% t-interval
 * (0 with one seed).
 */
import type { Band } from '../../data/bands';
import { line, PanelSpec, scatter, subplots, Trace, Figure } from '../../plot/figure';
import { identityLine, ROLE_COLOURS, trainingBand } from '../../plot/roles';
import type { Row } from '../core/experiment';
import { meanCi, valueWithCi, wilson } from '../core/intervals';
import { VELOCITY_GAP_SETS, bandsLabel } from './velocity-gap';


/** direction-flip rows of the test evaluation (low conditioning speeds); summaries from before the baseline have no `evalSet` and are all test rows. */
export function flipTestRows(rows: ReadonlyArray<Row>): Row[] {
  return rows.filter((r) => r.evalSet === undefined || r.evalSet === 'test');
}

/** direction-flip rows of the baseline evaluation (held-out videos at the training speeds, unit `base/<tag>`). */
export function flipBaselineRows(rows: ReadonlyArray<Row>): Row[] {
  return rows.filter((r) => r.evalSet === 'baseline');
}

/** Speed bins [lo, hi) of `width` covering [from, to] (the last bin is closed). */
export function speedBins(from = 1.0, to = 2.5, width = 0.25): Array<[number, number]> {
  const n = Math.max(1, Math.round((to - from) / width));
  return Array.from({ length: n }, (_, i) => [round6(from + (i * (to - from)) / n), round6(from + ((i + 1) * (to - from)) / n)] as [number, number]);
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const inBin = (v: number, [lo, hi]: [number, number], last: boolean) => v >= lo && (v < hi || (last && v <= hi));
const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];
/** Per seed (in order of first appearance) the mean of `f` over that seed's rows: what the seed intervals are taken over. */
const seedMeans = (rows: Row[], f: (r: Row) => number): number[] =>
  uniq(rows.map((r) => Number(r.seed))).map((s) => {
    const x = rows.filter((r) => Number(r.seed) === s);
    return x.reduce((a, r) => a + f(r), 0) / x.length;
  });
const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : 'n/a');

// ---------------------------------------------------------------------------------------------
// direction-flip
// ---------------------------------------------------------------------------------------------

export interface FlipOptions {
  /** A generation is flipped when generatedVelocity < −threshold (u/s). Default 0.5 (the experiment's flipThreshold). */
  threshold?: number;
  /** Conditioning-speed bins. Default speedBins(1.0, 2.5, 0.25). */
  bins?: Array<[number, number]>;
}

/** The generated ball stayed one ball of the right size (absent field: intact). */
export const isIntact = (r: Row): boolean => r.intact !== false;
/** A measurable, intact generation (what flips, shifts and gap statistics are computed on). */
const usable = (r: Row) => isIntact(r) && num(r.generatedVelocity) !== null;

const isFlipped = (r: Row, threshold: number) => {
  const g = num(r.generatedVelocity);
  return isIntact(r) && g !== null && g < -threshold;
};

/** Share of flipped generations of one set in one conditioning-speed bin ('all' = every row of the set). */
export interface FlipShare {
  set: string;
  bin: string;
  /** Bin edges (u/s); null for 'all'. */
  lo: number | null;
  hi: number | null;
  /** Generations in the bin, over all seeds. */
  n: number;
  flipped: number;
  /** Generations with no measurable ball (not counted as flips). */
  vanished: number;
  /** Generations whose ball broke up (shrank, grew or vanished in view; not counted as flips). */
  broken: number;
  /** flipped / n, pooled over seeds. */
  share: number;
  /** Wilson 95% interval of the pooled share. */
  wilsonLo: number;
  wilsonHi: number;
  /** Mean of the per-seed shares and its 95% t half-width. */
  seedMean: number;
  seedCi: number;
  seeds: number;
}

/** Flip shares per set, overall and per conditioning-speed bin. */
export function flipShares(allRows: Row[], opts: FlipOptions = {}): FlipShare[] {
  const rows = flipTestRows(allRows);
  const threshold = opts.threshold ?? 0.5;
  const bins = opts.bins ?? speedBins();
  const out: FlipShare[] = [];
  for (const set of uniq(rows.map((r) => String(r.set)))) {
    const rs = rows.filter((r) => String(r.set) === set);
    const groups: Array<{ bin: string; lo: number | null; hi: number | null; rows: Row[] }> = [{ bin: 'all', lo: null, hi: null, rows: rs }];
    bins.forEach((b, i) => groups.push({ bin: `${b[0].toFixed(2)}–${b[1].toFixed(2)}`, lo: b[0], hi: b[1], rows: rs.filter((r) => inBin(Number(r.conditionVelocity), b, i === bins.length - 1)) }));
    for (const g of groups) {
      const n = g.rows.length;
      const flipped = g.rows.filter((r) => isFlipped(r, threshold)).length;
      const [wilsonLo, wilsonHi] = wilson(flipped, n);
      const s = meanCi(seedMeans(g.rows, (r) => (isFlipped(r, threshold) ? 1 : 0)));
      out.push({ set, bin: g.bin, lo: g.lo, hi: g.hi, n, flipped, vanished: g.rows.filter((r) => num(r.generatedVelocity) === null).length, broken: g.rows.filter((r) => !isIntact(r)).length, share: n ? flipped / n : NaN, wilsonLo, wilsonHi, seedMean: s.mean, seedCi: s.ci, seeds: s.n });
    }
  }
  return out;
}

/** Mean speed shift (generated − conditioning) of the generations that kept their direction, per set and bin, over seeds. */
export interface SpeedShift {
  set: string;
  bin: string;
  lo: number;
  hi: number;
  /** Mean conditioning and generated velocity (pooled), u/s. */
  condition: number;
  generated: number;
  /** Mean over seeds of the per-seed mean shift, u/s, and its 95% t half-width. */
  shift: number;
  ci: number;
  seeds: number;
  n: number;
}

export function speedShifts(allRows: Row[], opts: FlipOptions = {}): SpeedShift[] {
  const rows = flipTestRows(allRows);
  const threshold = opts.threshold ?? 0.5;
  const bins = opts.bins ?? speedBins();
  const out: SpeedShift[] = [];
  for (const set of uniq(rows.map((r) => String(r.set)))) {
    const rs = rows.filter((r) => String(r.set) === set && usable(r) && !isFlipped(r, threshold));
    bins.forEach((b, i) => {
      const x = rs.filter((r) => inBin(Number(r.conditionVelocity), b, i === bins.length - 1));
      if (x.length === 0) return;
      const m = meanCi(seedMeans(x, (r) => Number(r.generatedVelocity) - Number(r.conditionVelocity)));
      const mean = (k: string) => x.reduce((a, r) => a + Number(r[k]), 0) / x.length;
      out.push({ set, bin: `${b[0].toFixed(2)}–${b[1].toFixed(2)}`, lo: b[0], hi: b[1], condition: mean('conditionVelocity'), generated: mean('generatedVelocity'), shift: m.mean, ci: m.ci, seeds: m.n, n: x.length });
    });
  }
  return out;
}


/**
 * The paper's Fig 7 layout: one panel per set, generated vs conditioning velocity (every seed),
 * flipped generations in their own colour; the diagonal (perfect), v = 0, and the training speeds
 * shaded (Set-2 also trains on the mirrored speeds; `trainBandsOf` gives a set its own bands, e.g. the control's 1–4 u/s).
 */
export function fig7(allRows: Row[], opts: FlipOptions & { trainVelocity?: Band[]; trainBandsOf?: (set: string) => Band[]; title?: string } = {}): Figure {
  const rows = flipTestRows(allRows);
  const threshold = opts.threshold ?? 0.5;
  const train = opts.trainVelocity ?? [[2.5, 4.0]];
  const sets = uniq(rows.map((r) => String(r.set)));
  const cond = rows.map((r) => Number(r.conditionVelocity));
  const gen = rows.map((r) => num(r.generatedVelocity)).filter((v): v is number => v !== null);
  const xr: [number, number] = [Math.min(1, ...cond) - 0.1, Math.max(2.5, ...cond) + 0.1];
  const yr: [number, number] = [Math.min(-0.5, ...gen) - 0.3, Math.max(4.2, ...gen) + 0.3];
  const panels: PanelSpec[] = sets.map((set) => {
    const all = rows.filter((r) => String(r.set) === set && num(r.generatedVelocity) !== null);
    const rs = all.filter(isIntact);
    const broken = all.filter((r) => !isIntact(r));
    const mirrored = all.some((r) => r.direction === 'both');
    const traces: Trace[] = [];
    for (const [lo, hi] of opts.trainBandsOf?.(set) ?? train) {
      traces.push(trainingBand(lo, hi, xr[0], xr[1]));
      if (mirrored) traces.push(trainingBand(-hi, -lo, xr[0], xr[1]));
    }
    traces.push(...identityLine(xr, 'generated = conditioning'));
    traces.push(...line({ x: xr, y: [0, 0], name: 'v = 0', dash: 'dot', color: ROLE_COLOURS.secondary, markers: false, width: 1, showLegend: false }));
    const kept = rs.filter((r) => !isFlipped(r, threshold));
    const flipped = rs.filter((r) => isFlipped(r, threshold));
    const text = (x: Row[]) => x.map((r) => `seed ${r.seed} · video ${r.index} · r ${Number(r.radius).toFixed(2)}`);
    traces.push(...scatter({ x: kept.map((r) => Number(r.conditionVelocity)), y: kept.map((r) => Number(r.generatedVelocity)), name: 'kept direction', color: ROLE_COLOURS.generated, size: 5, opacity: 0.6, text: text(kept) }));
    traces.push(...scatter({ x: flipped.map((r) => Number(r.conditionVelocity)), y: flipped.map((r) => Number(r.generatedVelocity)), name: `flipped (v < −${threshold})`, color: ROLE_COLOURS.highlight, size: 6, opacity: 0.9, text: text(flipped) }));
    traces.push(...scatter({ x: broken.map((r) => Number(r.conditionVelocity)), y: broken.map((r) => Number(r.generatedVelocity)), name: 'broken ball (not counted)', color: ROLE_COLOURS.secondary, size: 6, symbol: 'x', opacity: 0.8, text: text(broken), showLegend: broken.length > 0 }));
    const n = rows.filter((r) => String(r.set) === set).length;
    return { title: `${set} (${mirrored ? 'both directions' : 'left to right'}): ${flipped.length}/${n} flipped`, traces, x: { title: 'conditioning velocity (u/s)', range: xr }, y: { title: 'generated velocity (u/s)', range: yr } };
  });
  // three panels (with the control) at 260 px keep the figure within a notebook page (≤ 800 px)
  return subplots(panels, { cols: Math.max(1, panels.length), title: opts.title, panelWidth: panels.length > 2 ? 260 : 360, panelHeight: 320, legend: { position: 'bottom' } });
}

/** Flip share per conditioning-speed bin and set, with Wilson 95% bars (pooled over seeds). */
export function flipShareFigure(rows: Row[], opts: FlipOptions = {}): Figure {
  const shares = flipShares(rows, opts).filter((s) => s.bin !== 'all' && s.n > 0);
  const traces: Trace[] = [];
  const sets = uniq(shares.map((s) => s.set));
  sets.forEach((set, k) => {
    const s = shares.filter((x) => x.set === set);
    const dodge = (k - (sets.length - 1) / 2) * 0.02; // keep coinciding sets visible
    traces.push(...line({ x: s.map((x) => (x.lo! + x.hi!) / 2 + dodge), y: s.map((x) => x.share), error: s.map((x) => x.wilsonHi - x.share), errorMinus: s.map((x) => x.share - x.wilsonLo), name: set }));
  });
  return subplots([{ traces, x: { title: 'conditioning velocity, bin centre (u/s)' }, y: { title: 'share of flipped generations', range: [-0.02, 1], tickformat: '.0%' } }], { panelWidth: 420, panelHeight: 280 });
}

export interface FlipVerdict {
  sets: string[];
  /** Flips / generations per set (pooled over seeds). */
  flips: Record<string, { flipped: number; n: number; vanished: number; broken: number; seeds: number }>;
  /** Set-1: mean speed shift (u/s) of the lowest conditioning bin with data, over seeds. */
  set1LowShift: { bin: string; shift: number; ci: number; seeds: number } | null;
  /** Set-1: the same for the highest bin (the paper: near the diagonal by 2.5). */
  set1TopShift: { bin: string; shift: number; ci: number; seeds: number } | null;
  /** Set-2: the largest conditioning velocity that flipped (null: none). */
  set2MaxFlipSpeed: number | null;
  /** Set-2: flips with conditioning below `lowSpeed`. */
  set2LowFlips: number;
  lowSpeed: number;
  set1NeverFlips: boolean | null;
  set1PulledUp: boolean | null;
  set2FlipsAtLowSpeed: boolean | null;
  reproduced: boolean | null;
}

/**
 * Reproduced when Set-1 never flips, Set-1 pulls the lowest speeds up toward the training range
 * (mean shift of the lowest bin > 0.1 u/s, above the parser floor, with its seed interval above
 * 0), and Set-2 flips at least once at a low conditioning speed (< `lowSpeed`, default 1.75: the
 * lower half of the test range; the paper's flips are all at v ≲ 1.25). null: a set is missing.
 */
export function flipVerdict(allRows: Row[], opts: FlipOptions & { lowSpeed?: number } = {}): FlipVerdict {
  const rows = flipTestRows(allRows);
  const threshold = opts.threshold ?? 0.5;
  const lowSpeed = opts.lowSpeed ?? 1.75;
  const sets = uniq(rows.map((r) => String(r.set)));
  const flips: FlipVerdict['flips'] = {};
  for (const s of flipShares(rows, opts).filter((x) => x.bin === 'all')) flips[s.set] = { flipped: s.flipped, n: s.n, vanished: s.vanished, broken: s.broken, seeds: s.seeds };
  const shifts = speedShifts(rows, opts).filter((s) => s.set === 'Set-1');
  const pick = (s: SpeedShift | undefined) => (s ? { bin: s.bin, shift: s.shift, ci: s.ci, seeds: s.seeds } : null);
  const set1LowShift = pick(shifts[0]);
  const set1TopShift = pick(shifts[shifts.length - 1]);
  const s2Flips = rows.filter((r) => String(r.set) === 'Set-2' && isFlipped(r, threshold));
  const set2MaxFlipSpeed = s2Flips.length ? Math.max(...s2Flips.map((r) => Number(r.conditionVelocity))) : null;
  const set2LowFlips = s2Flips.filter((r) => Number(r.conditionVelocity) < lowSpeed).length;
  const has1 = flips['Set-1'] !== undefined && flips['Set-1'].n > 0;
  const has2 = flips['Set-2'] !== undefined && flips['Set-2'].n > 0;
  const set1NeverFlips = has1 ? flips['Set-1'].flipped === 0 : null;
  const set1PulledUp = has1 && set1LowShift ? set1LowShift.shift > 0.1 && set1LowShift.shift - set1LowShift.ci > 0 : null;
  const set2FlipsAtLowSpeed = has2 ? set2LowFlips > 0 : null;
  const parts = [set1NeverFlips, set1PulledUp, set2FlipsAtLowSpeed];
  const reproduced = parts.some((p) => p === false) ? false : parts.every((p) => p === true) ? true : null;
  return { sets, flips, set1LowShift, set1TopShift, set2MaxFlipSpeed, set2LowFlips, lowSpeed, set1NeverFlips, set1PulledUp, set2FlipsAtLowSpeed, reproduced };
}

const yn = (b: boolean | null, yes: string, no: string) => (b === null ? 'cannot tell (a set has no rows yet)' : b ? yes : no);

export function flipVerdictMarkdown(rows: Row[], opts: FlipOptions & { lowSpeed?: number } = {}): string {
  if (rows.length === 0) return '**direction-flip: no evaluated models yet.** Run `npx phylab exp direction-flip` (resumable) and reopen this notebook.';
  const v = flipVerdict(rows, opts);
  const f = (s: string) => {
    const x = v.flips[s];
    if (!x) return 'not run';
    const [lo, hi] = wilson(x.flipped, x.n);
    return `${x.flipped}/${x.n} flipped (${pct(x.flipped / x.n)}, Wilson 95% ${pct(lo)}–${pct(hi)}; ${x.seeds} seed${x.seeds === 1 ? '' : 's'}${x.vanished ? `; ${x.vanished} with no ball found` : ''}${x.broken ? `; ${x.broken} with a broken ball, not counted` : ''})`;
  };
  const sh = (s: FlipVerdict['set1LowShift']) => (s ? `${s.shift >= 0 ? '+' : ''}${valueWithCi(s.shift, s.ci, s.seeds, 'u/s')} at conditioning ${s.bin} u/s` : 'n/a');
  return [
    `**Direction flips (Fig 7): ${v.reproduced === true ? 'reproduced' : v.reproduced === false ? 'not reproduced at this scale' : 'incomplete'}.**`,
    `- Does Set-1 (left to right only) never flip? ${yn(v.set1NeverFlips, 'yes', 'no')}: ${f('Set-1')}.`,
    `- Does Set-1 pull low speeds up toward the training range (2.5–4 u/s)? ${yn(v.set1PulledUp, 'yes', 'no')}: mean shift ${sh(v.set1LowShift)} (highest bin: ${sh(v.set1TopShift)}; paper: 1.0 → ≈1.0–2.0, near the diagonal by 2.5).`,
    `- Does Set-2 (both directions) flip at low speeds? ${yn(v.set2FlipsAtLowSpeed, 'yes', 'no')}: ${f('Set-2')}; ${v.set2LowFlips} flip${v.set2LowFlips === 1 ? '' : 's'} below ${v.lowSpeed} u/s${v.set2MaxFlipSpeed !== null ? `, the fastest flipped condition ${fmt(v.set2MaxFlipSpeed)} u/s` : ''} (paper: ≈20 visible flips, all at v ≲ 1.25, to v ≈ −1.8…−3.0; share not reported).`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// velocity-gap
// ---------------------------------------------------------------------------------------------

/** The gaps between consecutive training bands of a set. */
export function gapsOf(bands: ReadonlyArray<Band>): Band[] {
  const out: Band[] = [];
  for (let i = 0; i + 1 < bands.length; i++) out.push([bands[i][1], bands[i + 1][0]]);
  return out;
}

/** Distance from v to the union of the bands (0 inside). */
export function distanceToBands(v: number, bands: ReadonlyArray<Band>): number {
  let d = Infinity;
  for (const [lo, hi] of bands) d = Math.min(d, v < lo ? lo - v : v > hi ? v - hi : 0);
  return d;
}

/**
 * Whether a conditioning velocity lies in the middle half of a gap: inside a gap and at least a
 * quarter of that gap's width away from both bands (so snapping and interpolation differ by more
 * than the noise).
 */
export function inMidGap(v: number, bands: ReadonlyArray<Band>): boolean {
  return gapsOf(bands).some(([a, b]) => v >= a + (b - a) / 4 && v <= b - (b - a) / 4);
}

export interface GapStats {
  trainingSet: number;
  bands: string;
  /** Widest gap of the set (u/s). */
  gapWidth: number;
  /** Mid-gap conditions: mean |generated − conditioning| (u/s) over seeds, with 95% t half-width. */
  midGapError: number;
  midGapCi: number;
  /** Mid-gap conditions whose generated velocity is nearer the training bands than the conditioning velocity (share, mean over seeds). */
  snapShare: number;
  snapCi: number;
  /** Conditions inside the training bands: mean |generated − conditioning|. */
  inBandError: number;
  /** Conditions outside [first band start, last band end] (extrapolation): mean |generated − conditioning|. */
  outsideError: number;
  /** Mid-gap generations pooled over seeds. */
  midGapN: number;
  /** Generations of the set whose ball broke up (left out of every statistic here). */
  broken: number;
  seeds: number;
}

/** Per training set: errors inside the bands, in the middle of the gaps and outside, and the snap share. */
export function gapStats(rows: Row[]): GapStats[] {
  const out: GapStats[] = [];
  for (const set of uniq(rows.map((r) => Number(r.trainingSet))).sort((a, b) => a - b)) {
    const bands = VELOCITY_GAP_SETS[String(set)];
    if (!bands) continue;
    const rs = rows.filter((r) => Number(r.trainingSet) === set && usable(r));
    const lo = bands[0][0];
    const hi = bands[bands.length - 1][1];
    const err = (r: Row) => Math.abs(Number(r.generatedVelocity) - Number(r.conditionVelocity));
    const seeds = uniq(rs.map((r) => Number(r.seed)));
    const perSeed = (pred: (r: Row) => boolean, f: (r: Row) => number) => seedMeans(rs.filter(pred), f);
    const mid = (r: Row) => inMidGap(Number(r.conditionVelocity), bands);
    const snapped = (r: Row) => (distanceToBands(Number(r.generatedVelocity), bands) < err(r) ? 1 : 0);
    const me = meanCi(perSeed(mid, err));
    const sn = meanCi(perSeed(mid, snapped));
    const inBand = meanCi(perSeed((r) => distanceToBands(Number(r.conditionVelocity), bands) === 0, err));
    const outside = meanCi(perSeed((r) => Number(r.conditionVelocity) < lo || Number(r.conditionVelocity) > hi, err));
    out.push({
      trainingSet: set,
      bands: bandsLabel(bands),
      gapWidth: Math.max(...gapsOf(bands).map(([a, b]) => b - a)),
      midGapError: me.mean,
      midGapCi: me.ci,
      snapShare: sn.mean,
      snapCi: sn.ci,
      inBandError: inBand.mean,
      outsideError: outside.mean,
      midGapN: rs.filter(mid).length,
      broken: rows.filter((r) => Number(r.trainingSet) === set && !isIntact(r)).length,
      seeds: seeds.length,
    });
  }
  return out;
}

/**
 * The paper's Fig 5 layout: one panel per training set, generated vs conditioning velocity (every
 * seed), the training speeds shaded, the diagonal, and the mean generated velocity per 0.25 u/s bin.
 */
export function fig5(rows: Row[], opts: { title?: string; binWidth?: number } = {}): Figure {
  const sets = uniq(rows.map((r) => Number(r.trainingSet))).sort((a, b) => a - b);
  const cond = rows.map((r) => Number(r.conditionVelocity));
  const gen = rows.map((r) => num(r.generatedVelocity)).filter((v): v is number => v !== null);
  const xr: [number, number] = [Math.min(0.5, ...cond) - 0.1, Math.max(4.5, ...cond) + 0.1];
  const yr: [number, number] = [Math.min(0, ...gen) - 0.3, Math.max(4.6, ...gen) + 0.3];
  const bins = speedBins(Math.floor(xr[0] * 4) / 4, Math.ceil(xr[1] * 4) / 4, opts.binWidth ?? 0.25);
  // three columns (five squeezed into one row left panel titles and axis titles overlapping); axis titles once per row / column
  const cols = Math.min(3, Math.max(1, sets.length));
  const panels: PanelSpec[] = sets.map((set, i) => {
    const bands = VELOCITY_GAP_SETS[String(set)] ?? [];
    const rs = rows.filter((r) => Number(r.trainingSet) === set && usable(r));
    const traces: Trace[] = bands.map(([lo, hi]) => trainingBand(lo, hi, yr[0], yr[1], { vertical: true, strong: true }));
    traces.push(...identityLine(xr, 'generated = conditioning'));
    traces.push(...scatter({ x: rs.map((r) => Number(r.conditionVelocity)), y: rs.map((r) => Number(r.generatedVelocity)), name: 'generated (all seeds)', color: ROLE_COLOURS.generated, size: 4, opacity: 0.45, text: rs.map((r) => `seed ${r.seed} · video ${r.index}`) }));
    const centres: number[] = [];
    const means: number[] = [];
    bins.forEach((b, i) => {
      const x = rs.filter((r) => inBin(Number(r.conditionVelocity), b, i === bins.length - 1));
      if (x.length === 0) return;
      centres.push((b[0] + b[1]) / 2);
      means.push(x.reduce((a, r) => a + Number(r.generatedVelocity), 0) / x.length);
    });
    traces.push(...line({ x: centres, y: means, name: 'bin mean', color: ROLE_COLOURS.highlight, width: 2 }));
    const widest = Math.max(...gapsOf(bands).map(([a, b]) => b - a));
    const title = bands.length === 2 ? `(${set}) gap ${round6(widest)} u/s` : `(${set}) ${bands.length} bands, gaps ≤ ${round6(widest)}`;
    const bottom = i + cols >= sets.length;
    return { title, traces, x: { title: bottom ? 'conditioning velocity (u/s)' : undefined, range: xr }, y: { title: i % cols === 0 ? 'generated velocity (u/s)' : undefined, range: yr } };
  });
  return subplots(panels, { cols, title: opts.title, panelWidth: 280, panelHeight: 250, hgap: 0.06, vgap: 0.16, legend: { position: 'bottom' }, fontSize: 11 });
}

export interface GapVerdict {
  stats: GapStats[];
  /** Set 1 (widest gap): share of mid-gap conditions that snap toward the bands. */
  wideSnapShare: number | null;
  /** Set 5 (narrowest gaps): the same. */
  narrowSnapShare: number | null;
  wideMidGapError: number | null;
  narrowMidGapError: number | null;
  wideSnaps: boolean | null;
  narrowInterpolates: boolean | null;
  reproduced: boolean | null;
}

/**
 * Reproduced when the widest gap (set 1) makes most mid-gap conditions snap toward the bands
 * (snap share ≥ 0.5) while the narrowest gaps (set 5) interpolate: snap share < 0.5 and a mid-gap
 * error at most half that of set 1. null when set 1 or set 5 has no mid-gap rows.
 */
export function gapVerdict(rows: Row[]): GapVerdict {
  const stats = gapStats(rows);
  const get = (k: number) => stats.find((s) => s.trainingSet === k && s.midGapN > 0);
  const w = get(1);
  const n = get(5);
  const wideSnaps = w ? w.snapShare >= 0.5 : null;
  const narrowInterpolates = n && w ? n.snapShare < 0.5 && n.midGapError <= 0.5 * w.midGapError : null;
  const parts = [wideSnaps, narrowInterpolates];
  const reproduced = parts.some((p) => p === false) ? false : parts.every((p) => p === true) ? true : null;
  return { stats, wideSnapShare: w?.snapShare ?? null, narrowSnapShare: n?.snapShare ?? null, wideMidGapError: w?.midGapError ?? null, narrowMidGapError: n?.midGapError ?? null, wideSnaps, narrowInterpolates, reproduced };
}

/**
 * How well the models hold the speeds they were trained on (in-band error, u/s): when it is as large
 * as the mid-gap errors, snapping and interpolation cannot be told apart from model error.
 */
export function inBandNote(stats: GapStats[]): string {
  const e = stats.map((x) => x.inBandError).filter((x) => Number.isFinite(x));
  const m = stats.map((x) => x.midGapError).filter((x) => Number.isFinite(x));
  if (!e.length || !m.length) return '';
  const lo = Math.min(...e);
  const hi = Math.max(...e);
  const weak = hi >= 0.5 * Math.max(...m);
  return `- Model error inside the training bands: ${fmt(lo)}–${fmt(hi)} u/s (mid-gap errors ${fmt(Math.min(...m))}–${fmt(Math.max(...m))})${weak ? ': as large as the effects measured, so snapping vs interpolation is not separable from model error at this scale (more training steps or seeds needed)' : ''}.`;
}

/**
 * The velocity-gap verdict in words. `expectedSeeds` (the experiment's planned seeds per set, e.g.
 * 3) makes a verdict drawn from fewer seeds say so in its headline: "incomplete", with the
 * direction so far, never a bare "not reproduced".
 */
export function gapVerdictMarkdown(rows: Row[], opts: { expectedSeeds?: number; expectedSets?: number } = {}): string {
  if (rows.length === 0) return '**velocity-gap: no evaluated models yet.** Run `npx phylab exp velocity-gap` (resumable) and reopen this notebook.';
  const v = gapVerdict(rows);
  const s = (k: number) => v.stats.find((x) => x.trainingSet === k);
  const models = new Set(rows.map((r) => `${r.trainingSet}/${r.seed}`)).size;
  const planned = (opts.expectedSeeds ?? 0) * (opts.expectedSets ?? 5);
  const partial = planned > 0 && models < planned;
  const so = v.reproduced === true ? 'reproduced' : v.reproduced === false ? 'not reproduced' : 'undecided';
  const headline = partial
    ? `**Velocity gaps (Fig 5): incomplete: ${models} of ${planned} models evaluated (${Math.min(...v.stats.map((x) => x.seeds))} of ${opts.expectedSeeds} seeds per set); so far ${so} at this scale.**`
    : `**Velocity gaps (Fig 5): ${v.reproduced === true ? 'reproduced' : v.reproduced === false ? 'not reproduced at this scale' : 'incomplete'}.**`;
  const line1 = (k: number) => {
    const x = s(k);
    return x ? `set ${k} (gap ${fmt(x.gapWidth, 3)} u/s): mid-gap error ${valueWithCi(x.midGapError, x.midGapCi, x.seeds, 'u/s')}, snap share ${pct(x.snapShare)}, in-band error ${fmt(x.inBandError)}${x.broken ? ` (${x.broken} broken generation${x.broken === 1 ? '' : 's'} left out)` : ''}` : `set ${k}: not run`;
  };
  return [
    headline,
    `- Do mid-range conditions snap to the bands when the gap is wide? ${v.wideSnaps === null ? 'cannot tell (set 1 not evaluated)' : v.wideSnaps ? 'yes' : 'no'}: ${line1(1)}.`,
    `- Do narrow gaps interpolate? ${v.narrowInterpolates === null ? 'cannot tell (needs sets 1 and 5)' : v.narrowInterpolates ? 'yes' : 'no'}: ${line1(5)}.`,
    `- In between: ${[2, 3, 4].map(line1).join('; ')}.`,
    `- Paper: sets 1–2 snap bimodally (switch near 2.2–2.8 u/s), set 3 mostly on the diagonal, sets 4–5 close to it.`,
    inBandNote(v.stats),
  ].filter(Boolean).join('\n');
}
