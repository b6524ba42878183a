/**
 * Report of `collision-holes`, computed from its summary rows (never typed in): the error map per
 * training set (per (v1, v2) cell the mean over seeds of the per-seed mean over radii, with the
 * seed count), the convex hull of the set's training region, the verdict of verdict.ts, and a
 * plotly heat map per set with the hull outlined and the hole(s) dashed (paper Fig 6).
 */
import { heatmap, subplots, Trace, Figure, PanelSpec } from '../../plot/figure';
import { ROLE_COLOURS } from '../../plot/roles';
import type { Row } from '../core/experiment';
import { axis, Point, TRAINING_SETS, trainingHull } from './sets';
import { cellMeans, HOLE_CRITERION, HoleRow, setVerdict, SetVerdict } from './verdict';

const fmt = (v: number | null, d = 3) => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(d));
const uniqSorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

/** The summary rows as typed rows. */
export function holeRows(rows: ReadonlyArray<Row>): HoleRow[] {
  return rows.map((r) => ({
    trainingSet: String(r.trainingSet), seed: Number(r.seed), v1: Number(r.v1), v2: Number(r.v2), r1: Number(r.r1), r2: Number(r.r2),
    region: r.region as HoleRow['region'], error: typeof r.error === 'number' ? r.error : null, truthError: typeof r.truthError === 'number' ? r.truthError : null,
  }));
}

/** Training sets present in the rows, in TRAINING_SETS order. */
export function setsOf(rows: ReadonlyArray<HoleRow>): string[] {
  const present = new Set(rows.map((r) => r.trainingSet));
  return Object.keys(TRAINING_SETS).filter((s) => present.has(s));
}

/** The error map of a set as z[v2 index][v1 index] (null: no scored video), with its axes and the fewest seeds of a cell. */
export function errorMap(rows: ReadonlyArray<HoleRow>, set: string): { v1: number[]; v2: number[]; z: Array<Array<number | null>>; minSeeds: number; maxSeeds: number } {
  const cells = cellMeans(rows, set);
  const v1 = uniqSorted(cells.map((c) => c.v1));
  const v2 = uniqSorted(cells.map((c) => c.v2));
  const z = v2.map((b) => v1.map((a) => cells.find((c) => c.v1 === a && c.v2 === b)?.error ?? null));
  const seeds = cells.map((c) => c.seeds);
  return { v1, v2, z, minSeeds: seeds.length ? Math.min(...seeds) : 0, maxSeeds: seeds.length ? Math.max(...seeds) : 0 };
}

const closed = (pts: ReadonlyArray<Point>) => [...pts, pts[0]];

/** The paper's Fig 6 at this scale: one heat map per set, hull outline (solid) and holes (dashed). */
export function holesFigure(rows: ReadonlyArray<HoleRow>, opts: { title?: string } = {}): Figure {
  const sets = setsOf(rows);
  const all = rows.filter((r) => r.error !== null).map((r) => r.error as number);
  const zmax = all.length ? Math.max(...all) : 1;
  const panels: PanelSpec[] = sets.map((set) => {
    const m = errorMap(rows, set);
    const hull = closed(trainingHull(set));
    const traces: Trace[] = [
      ...heatmap({ z: m.z, x: m.v1, y: m.v2, zmin: 0, zmax, colorscale: 'Viridis', textFormat: '.2f', colorbarTitle: 'post-collision velocity error (u/s)' }),
      { type: 'scatter', mode: 'lines', x: hull.map((p) => p[0]), y: hull.map((p) => p[1]), line: { color: '#ffffff', width: 3 }, name: 'convex hull of training', showlegend: false },
      ...TRAINING_SETS[set].map((h): Trace => {
        const box = closed([[h.v1[0], h.v2[0]], [h.v1[1], h.v2[0]], [h.v1[1], h.v2[1]], [h.v1[0], h.v2[1]]] as Point[]);
        return { type: 'scatter', mode: 'lines', x: box.map((p) => p[0]), y: box.map((p) => p[1]), line: { color: ROLE_COLOURS.highlight, width: 2, dash: 'dash' }, name: 'hole', showlegend: false };
      }),
    ];
    const seeds = m.minSeeds === m.maxSeeds ? `${m.minSeeds}` : `${m.minSeeds}–${m.maxSeeds}`;
    return { traces, title: `${set}: mean of ${seeds} seed(s)`, x: { title: 'v1 (u/s)' }, y: { title: 'v2 (u/s)' } };
  });
  return subplots(panels, { title: opts.title ?? 'Collision with holes in (v1, v2) (paper Fig 6): white = convex hull of training, dashed = hole' });
}

/** Markdown: per set the verdict line, region means and hull; then the error maps. */
export function holesReportMarkdown(rows: ReadonlyArray<HoleRow>): string {
  const C = HOLE_CRITERION;
  const lines = [
    `**Criterion** (verdict.ts, fixed before any result): hole cells inside the convex hull keep errors near the in-training error (E_hole/E_train ≤ ${C.nearRatio}) while cells outside the hull do not (E_outside/E_train ≥ ${C.farRatio}); needs ${C.minSeeds} seeds per set and E_train ≤ ${C.floorFactor}× the parse floor.`,
    '',
  ];
  for (const set of setsOf(rows)) {
    const v: SetVerdict = setVerdict(rows, set);
    const hull = trainingHull(set).map((p) => `(${p[0]}, ${p[1]})`).join(', ');
    lines.push(`### ${set}: **${v.verdict}** (${v.seeds} seed(s)): ${v.reason}`, '');
    lines.push(`Convex hull of the training region: ${hull}. Cells: ${v.cells.train} train, ${v.cells.hole} hole, ${v.cells.outside} outside.`, '');
    lines.push(`E_train ${fmt(v.eTrain)}, E_hole ${fmt(v.eHole)}, E_outside ${fmt(v.eOutside)}, parse floor on training cells ${fmt(v.floorTrain)}; ratios hole/train ${fmt(v.holeRatio, 2)}, outside/train ${fmt(v.outsideRatio, 2)}.`, '');
    const m = errorMap(rows, set);
    lines.push(`| v2 \\ v1 | ${m.v1.map((x) => x.toString()).join(' | ')} |`, `|---|${m.v1.map(() => '---').join('|')}|`);
    for (let j = m.v2.length - 1; j >= 0; j--) lines.push(`| ${m.v2[j]} | ${m.z[j].map((x) => fmt(x)).join(' | ')} |`);
    lines.push('', `(mean over ${m.minSeeds === m.maxSeeds ? m.minSeeds : `${m.minSeeds}–${m.maxSeeds}`} seed(s) of the per-seed mean over radii; n/a = no post-collision step in view)`, '');
  }
  return lines.join('\n');
}

/** The grid's axis values of a config (for a caption). */
export function gridCaption(c: { evalV1: [number, number, number]; evalV2: [number, number, number]; evalRadius: [number, number, number] }): string {
  return `${c.evalV1[2]} v1 in [${c.evalV1[0]}, ${c.evalV1[1]}] × ${c.evalV2[2]} v2 in [${c.evalV2[0]}, ${c.evalV2[1]}] × ${axis(c.evalRadius).length}² radii in [${c.evalRadius[0]}, ${c.evalRadius[1]}]`;
}
