/**
 * Report helpers of notebook 04 (attribute priority, paper §5.3, Fig 8–9): keep shares per pair and
 * attribute with intervals over seeds, the pairwise winner of each pair, the ranking the wins imply,
 * the ring variant's outcome shares and the verdict.
 *
 * **Verdict criterion** (fixed before any `quick` result existed; see the notebook):
 * - keep share of attribute X in a pair = share of the pair's test videos (swapped combinations)
 *   whose generation keeps the conditioning value of X (summary column `kept.X`), per seed;
 * - a pair (A, B) has winner A when the mean over seeds of keep(A) − keep(B) is ≥ WIN_MARGIN (0.10)
 *   and the lower end of its 95% t-interval over seeds is > 0 (so ≥ 2 seeds); likewise B; else no
 *   clear winner;
 * - a pair is *inconclusive* when the model does not keep one of its two attributes on held-out
 *   videos of its own training combinations (split 'train' keep share < LEARNED_MIN = 0.5): it
 *   did not learn to reproduce that attribute at all, so losing it on the test says nothing;
 * - a pair matches the paper when its winner is the paper's (velocity–size: size, or no clear winner,
 *   since the paper saw both mostly kept with a slight drift toward size);
 * - the implied ranking orders the four attributes by wins − losses over the conclusive pairs (ties:
 *   by the mean test keep share);
 * - reproduced: ≥ 3 seeds for every pair, every pair conclusive and matching, ranking colour > size >
 *   velocity > shape; otherwise the verdict names which pairwise orders match and which do not.
 * - ring variant: the paper saw a red ring become either a red ball (colour kept) or a blue ring
 *   (shape kept); it matches when each of the two outcomes occurs in ≥ RING_MIN_SHARE (5%) of the
 *   red-ring test videos.
 */
import type { Row } from '../core/experiment';
import { meanCi, wilson } from '../core/intervals';
import type { Figure } from '../../plot/figure';
import { bar, heatmap, subplots, figure } from '../../plot/figure';
import { ATTRIBUTES, Attribute, PAIRS, PAPER_RANKING, pairSpec } from './pairs';

export const WIN_MARGIN = 0.1;
export const LEARNED_MIN = 0.5;
export const RING_MIN_SHARE = 0.05;

/** The six pairs (the ring variant is reported apart). */
export const SIX_PAIRS = PAIRS.filter((p) => p.name !== 'ring').map((p) => p.name);

export interface KeepShare {
  pair: string;
  split: string;
  attribute: Attribute;
  /** Videos over all seeds. */
  n: number;
  /** Pooled share and its Wilson 95% interval. */
  share: number;
  wilsonLo: number;
  wilsonHi: number;
  /** Mean of the per-seed shares and its 95% t half-width (0 with one seed). */
  seedMean: number;
  seedCi: number;
  seeds: number;
}

const seedsOf = (rows: ReadonlyArray<Row>) => [...new Set(rows.map((r) => r.seed as number))].sort((a, b) => a - b);

/** Keep share of each attribute of each pair, per split. */
export function keepShares(rows: ReadonlyArray<Row>): KeepShare[] {
  const out: KeepShare[] = [];
  for (const p of PAIRS) {
    for (const split of ['test', 'train']) {
      const rs = rows.filter((r) => r.pair === p.name && r.split === split);
      if (!rs.length) continue;
      const seeds = seedsOf(rs);
      for (const a of p.attributes) {
        const k = rs.filter((r) => r[`kept.${a}`] === true).length;
        const per = seeds.map((s) => {
          const q = rs.filter((r) => r.seed === s);
          return q.filter((r) => r[`kept.${a}`] === true).length / q.length;
        });
        const m = meanCi(per);
        const [lo, hi] = wilson(k, rs.length);
        out.push({ pair: p.name, split, attribute: a, n: rs.length, share: k / rs.length, wilsonLo: lo, wilsonHi: hi, seedMean: m.mean, seedCi: m.ci, seeds: seeds.length });
      }
    }
  }
  return out;
}

export interface PairOutcome {
  pair: string;
  a: Attribute;
  b: Attribute;
  seeds: number;
  /** Mean test keep shares over seeds. */
  keepA: number;
  keepB: number;
  /** Held-out training-combination keep shares (pooled). */
  trainKeepA: number | null;
  trainKeepB: number | null;
  /** Mean over seeds of keep(A) − keep(B) on the test split, and its 95% t half-width. */
  diff: number;
  diffCi: number;
  winner: Attribute | null;
  conclusive: boolean;
  paperWinner: Attribute | null;
  /** null when inconclusive. */
  matchesPaper: boolean | null;
}

/** The winner of each of the six pairs (criterion in the module doc). */
export function pairOutcomes(rows: ReadonlyArray<Row>): PairOutcome[] {
  const out: PairOutcome[] = [];
  for (const name of SIX_PAIRS) {
    const p = pairSpec(name);
    const [a, b] = p.attributes;
    const test = rows.filter((r) => r.pair === name && r.split === 'test');
    if (!test.length) continue;
    const seeds = seedsOf(test);
    const share = (rs: ReadonlyArray<Row>, x: Attribute) => (rs.length ? rs.filter((r) => r[`kept.${x}`] === true).length / rs.length : NaN);
    const per = seeds.map((s) => test.filter((r) => r.seed === s));
    const d = meanCi(per.map((q) => share(q, a) - share(q, b)));
    const train = rows.filter((r) => r.pair === name && r.split === 'train');
    const trainKeepA = train.length ? share(train, a) : null;
    const trainKeepB = train.length ? share(train, b) : null;
    const lower = d.mean - d.ci;
    const upper = d.mean + d.ci;
    const winner: Attribute | null = seeds.length >= 2 && d.mean >= WIN_MARGIN && lower > 0 ? a : seeds.length >= 2 && -d.mean >= WIN_MARGIN && upper < 0 ? b : null;
    const conclusive = trainKeepA !== null && trainKeepB !== null && trainKeepA >= LEARNED_MIN && trainKeepB >= LEARNED_MIN;
    const paperOk = winner === p.paperWinner || (name === 'velocity-size' && winner === null);
    out.push({
      pair: name, a, b, seeds: seeds.length,
      keepA: meanCi(per.map((q) => share(q, a))).mean, keepB: meanCi(per.map((q) => share(q, b))).mean,
      trainKeepA, trainKeepB, diff: d.mean, diffCi: d.ci, winner, conclusive, paperWinner: p.paperWinner, matchesPaper: conclusive ? paperOk : null,
    });
  }
  return out;
}

/** The ranking the conclusive pairs imply: wins − losses, ties broken by the mean test keep share. */
export function impliedRanking(outcomes: ReadonlyArray<PairOutcome>): { order: Attribute[]; score: Record<Attribute, number>; meanKeep: Record<Attribute, number> } {
  const score = Object.fromEntries(ATTRIBUTES.map((a) => [a, 0])) as Record<Attribute, number>;
  const keeps = Object.fromEntries(ATTRIBUTES.map((a) => [a, [] as number[]])) as Record<Attribute, number[]>;
  for (const o of outcomes) {
    keeps[o.a].push(o.keepA);
    keeps[o.b].push(o.keepB);
    if (!o.conclusive || o.winner === null) continue;
    const loser = o.winner === o.a ? o.b : o.a;
    score[o.winner]++;
    score[loser]--;
  }
  const meanKeep = Object.fromEntries(ATTRIBUTES.map((a) => [a, keeps[a].length ? keeps[a].reduce((x, y) => x + y, 0) / keeps[a].length : NaN])) as Record<Attribute, number>;
  const order = [...ATTRIBUTES].sort((x, y) => score[y] - score[x] || (meanKeep[y] || 0) - (meanKeep[x] || 0));
  return { order, score, meanKeep };
}

/** Wins matrix: z[i][j] = mean test keep(i) − keep(j) over seeds for the pair of attributes i and j (null: no such pair). */
export function winsMatrix(outcomes: ReadonlyArray<PairOutcome>): { attributes: Attribute[]; z: Array<Array<number | null>> } {
  const attrs = [...PAPER_RANKING];
  const z = attrs.map((i) => attrs.map((j) => {
    const o = outcomes.find((q) => (q.a === i && q.b === j) || (q.a === j && q.b === i));
    if (!o || i === j) return null;
    return o.a === i ? o.diff : -o.diff;
  }));
  return { attributes: attrs, z };
}

export const RING_OUTCOMES = ['red ring (both kept)', 'red disc (colour kept)', 'blue ring (shape kept)', 'blue disc (neither)', 'unread'] as const;

/** Outcome shares of the red-ring test videos (test combination 0 of the ring variant), per seed and pooled. */
export function ringOutcomes(rows: ReadonlyArray<Row>): Array<{ outcome: string; n: number; share: number; seedMean: number; seedCi: number; seeds: number }> {
  const rs = rows.filter((r) => r.pair === 'ring' && r.split === 'test' && r['condition.shape'] === 'ring' && r['condition.color'] === 'red');
  const seeds = seedsOf(rs);
  const cat = (r: Row): string => {
    const c = r['generated.color'];
    const s = r['generated.shape'];
    if (c === null || s === null) return 'unread';
    if (c === 'red') return s === 'ring' ? RING_OUTCOMES[0] : RING_OUTCOMES[1];
    return s === 'ring' ? RING_OUTCOMES[2] : RING_OUTCOMES[3];
  };
  return RING_OUTCOMES.map((o) => {
    const per = seeds.map((s) => {
      const q = rs.filter((r) => r.seed === s);
      return q.filter((r) => cat(r) === o).length / q.length;
    });
    const m = meanCi(per);
    const k = rs.filter((r) => cat(r) === o).length;
    return { outcome: o, n: rs.length, share: rs.length ? k / rs.length : NaN, seedMean: m.mean, seedCi: m.ci, seeds: seeds.length };
  });
}

const NAMES: Record<Attribute, string> = { color: 'colour', size: 'size', velocity: 'velocity', shape: 'shape' };
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : 'n/a');

/** The verdict, computed from the rows (criterion in the module doc). */
export function verdictMarkdown(rows: ReadonlyArray<Row>, expectedSeeds: number): string {
  const outcomes = pairOutcomes(rows);
  const lines: string[] = [];
  const missing = SIX_PAIRS.filter((n) => !outcomes.some((o) => o.pair === n));
  const fewSeeds = outcomes.filter((o) => o.seeds < expectedSeeds);
  if (!outcomes.length) return '**Verdict: no results yet.** Run `npx phylab exp attribute-priority --profile quick`.';
  for (const o of outcomes) {
    const w = o.winner ? `**${NAMES[o.winner]}** kept more (${NAMES[o.a]} − ${NAMES[o.b]} = ${o.diff.toFixed(2)}${o.seeds >= 2 ? ` ± ${o.diffCi.toFixed(2)}` : ', 1 seed: no interval'})` : `no clear winner (${NAMES[o.a]} − ${NAMES[o.b]} = ${o.diff.toFixed(2)}${o.seeds >= 2 ? ` ± ${o.diffCi.toFixed(2)}` : ', 1 seed: no interval'})`;
    const learned = `held-out training combinations keep ${NAMES[o.a]} ${pct(o.trainKeepA ?? NaN)}, ${NAMES[o.b]} ${pct(o.trainKeepB ?? NaN)}`;
    const match = o.matchesPaper === null ? 'inconclusive: the model did not learn to keep both attributes on its own training combinations' : o.matchesPaper ? 'matches the paper' : `does not match the paper (${o.paperWinner ? NAMES[o.paperWinner] : '—'} > ${o.paperWinner === o.a ? NAMES[o.b] : NAMES[o.a]})`;
    lines.push(`- **${o.pair}** (${o.seeds} seed${o.seeds === 1 ? '' : 's'}): test keep ${NAMES[o.a]} ${pct(o.keepA)}, ${NAMES[o.b]} ${pct(o.keepB)}; ${w}; ${learned}; ${match}.`);
  }
  const rank = impliedRanking(outcomes);
  const rankText = rank.order.map((a) => `${NAMES[a]} (${rank.score[a] >= 0 ? '+' : ''}${rank.score[a]})`).join(' > ');
  const ring = ringOutcomes(rows);
  const both = ring.length && ring[0].n > 0 ? ring[1].share >= RING_MIN_SHARE && ring[2].share >= RING_MIN_SHARE : null;
  const ringText = ring.length && ring[0].n > 0 ? `Ring variant: red rings became red discs in ${pct(ring[1].share)}, blue rings in ${pct(ring[2].share)}, stayed red rings in ${pct(ring[0].share)} (n = ${ring[0].n}); ${both ? 'both of the paper\'s outcomes occur (≥ 5%): matches the paper' : 'the paper\'s two outcomes do not both occur in ≥ 5%: does not match the paper'}.` : 'Ring variant: no results yet.';
  const matching = outcomes.filter((o) => o.matchesPaper === true).map((o) => o.pair);
  const notMatching = outcomes.filter((o) => o.matchesPaper === false).map((o) => o.pair);
  const inconclusive = outcomes.filter((o) => o.matchesPaper === null).map((o) => o.pair);
  const complete = missing.length === 0 && fewSeeds.length === 0;
  const rankOk = rank.order.join(',') === PAPER_RANKING.join(',');
  const head = !complete
    ? `**Verdict: incomplete** (${missing.length ? `pairs without results: ${missing.join(', ')}; ` : ''}${fewSeeds.length ? `fewer than ${expectedSeeds} seeds: ${fewSeeds.map((o) => `${o.pair} (${o.seeds})`).join(', ')}` : ''}). What the finished units show:`
    : matching.length === SIX_PAIRS.length && rankOk
      ? '**Verdict: reproduced.** Every pair is conclusive and matches the paper, and the implied ranking is colour > size > velocity > shape.'
      : matching.length === 0
        ? '**Verdict: not reproduced.** No pair matches the paper conclusively.'
        : `**Verdict: partly reproduced.** ${matching.length} of ${SIX_PAIRS.length} pairs match the paper conclusively.`;
  return [
    head,
    '',
    ...lines,
    '',
    `Pairwise orders that match the paper: ${matching.join(', ') || 'none'}; that do not: ${notMatching.join(', ') || 'none'}; inconclusive: ${inconclusive.join(', ') || 'none'}.`,
    '',
    `Implied ranking (wins − losses over conclusive pairs): ${rankText}; the paper's: colour > size > velocity > shape (${rankOk ? 'same order' : 'a different order'}).`,
    '',
    ringText,
  ].join('\n');
}

/** Keep shares per pair (panels) and attribute (bars), test and held-out training combinations, mean over seeds ± 95% interval. */
export function keepFigure(shares: ReadonlyArray<KeepShare>): Figure {
  const pairs = PAIRS.map((p) => p.name).filter((n) => shares.some((s) => s.pair === n));
  const panels = pairs.map((n) => {
    const traces = ['test', 'train'].map((split) => {
      const ss = pairSpec(n).attributes.map((a) => shares.find((s) => s.pair === n && s.split === split && s.attribute === a));
      return bar({ x: pairSpec(n).attributes.map((a) => NAMES[a]), y: ss.map((s) => (s ? s.seedMean : NaN)), error: ss.map((s) => (s && s.seeds >= 2 ? s.seedCi : 0)), name: split === 'test' ? 'test (swapped combinations)' : 'held-out training combinations', showLegend: n === pairs[0] });
    });
    return { traces, title: n, y: { range: [0, 1] as [number, number], tickformat: '.0%' } };
  });
  return subplots(panels.length ? panels : [{ traces: [] }], { cols: 4, panelWidth: 220, panelHeight: 220, legend: { position: 'bottom' } });
}

/** Heatmap of the wins matrix (row attribute kept − column attribute kept, test split). */
export function winsFigure(outcomes: ReadonlyArray<PairOutcome>): Figure {
  const m = winsMatrix(outcomes);
  const labels = m.attributes.map((a) => NAMES[a]);
  return figure(heatmap({ z: m.z.map((r) => r.map((v) => (v === null ? NaN : v))), x: labels, y: labels, colorscale: 'RdBu', zmin: -1, zmax: 1, textFormat: '.2f', colorbarTitle: 'keep(row) − keep(col)' }), { width: 460, height: 360, x: { title: 'column attribute', category: true }, y: { title: 'row attribute', category: true } });
}
