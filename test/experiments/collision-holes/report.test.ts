import { strict as assert } from 'node:assert';
import { errorMap, holeRows, holesFigure, holesReportMarkdown } from '../../../lib/experiments/collision-holes/report';
import { regionOf, trainingHull } from '../../../lib/experiments/collision-holes/sets';
import type { Row } from '../../../lib/experiments/core/experiment';

/** Synthetic summary rows on a 3 × 2 grid: error 0.1 in training, 0.15 in the hole, 0.5 outside. */
function rows(seeds: number[]): Row[] {
  const out: Row[] = [];
  for (const set of ['square', 'half']) {
    const hull = trainingHull(set);
    for (const seed of seeds) for (const v1 of [0, 2.5, 3.5]) for (const v2 of [1.1, 2.5]) {
      const region = regionOf(set, hull, v1, v2);
      const error = region === 'train' ? 0.1 : region === 'hole' ? 0.15 : 0.5;
      out.push({ trainingSet: set, seed, v1, v2, r1: 1, r2: 1, region, error: v1 === 3.5 && v2 === 1.1 && seed === 1 ? null : error, truthError: 0.05, placementOk: true });
    }
  }
  return out;
}

describe('experiments/collision-holes/report', () => {
  it('error map: mean over seeds per cell, seed counts where a seed had no scored video', () => {
    const m = errorMap(holeRows(rows([1, 2, 3])), 'square');
    assert.deepEqual(m.v1, [0, 2.5, 3.5]);
    assert.deepEqual(m.v2, [1.1, 2.5]);
    assert.equal(m.z[1][1], 0.15); // (2.5, 2.5): the square hole
    assert.equal(m.z[0][0], 0.5); // v1 = 0: outside the hull
    assert.equal(m.minSeeds, 2);
    assert.equal(m.maxSeeds, 3);
  });

  it('markdown carries the verdict per set, the hull and the map; the figure has a heat map and hull per set', () => {
    const r = holeRows(rows([1, 2, 3]));
    const md = holesReportMarkdown(r);
    assert.match(md, /### square: \*\*holds\*\* \(3 seed\(s\)\)/);
    assert.match(md, /Convex hull of the training region: \(1, 1\), \(4, 1\), \(4, 4\), \(1, 4\)/);
    assert.match(md, /\| 2.5 \| 0.500 \| 0.150 \| 0.100 \|/);
    const fig = holesFigure(r);
    assert.equal(fig.data.filter((t) => t.type === 'heatmap').length, 2);
    assert.equal(fig.data.filter((t) => t.name === 'convex hull of training').length, 2);
    assert.match(holesReportMarkdown(holeRows(rows([1]))), /\*\*incomplete\*\* \(1 seed\(s\)\)/);
  });
});
