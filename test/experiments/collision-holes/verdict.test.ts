import { strict as assert } from 'node:assert';
import { cellMeans, HOLE_CRITERION, HoleRow, setVerdict } from '../../../lib/experiments/collision-holes/verdict';
import type { Region } from '../../../lib/experiments/collision-holes/sets';

/** Synthetic rows: one cell per region, two radii, errors by region × a per-seed factor. */
function rows(err: Record<Region, number>, seeds = [1, 2, 3], floor = 0.1): HoleRow[] {
  const cells: Array<[number, number, Region]> = [[1.5, 1.5, 'train'], [2.5, 2.5, 'hole'], [0, 2.5, 'outside']];
  const out: HoleRow[] = [];
  for (const seed of seeds) for (const [v1, v2, region] of cells) for (const r1 of [0.5, 1.5]) out.push({ trainingSet: 'square', seed, v1, v2, r1, r2: 1, region, error: err[region] * (1 + 0.1 * (seed - 2)) * (r1 === 0.5 ? 0.9 : 1.1), truthError: floor });
  return out;
}

describe('experiments/collision-holes/verdict', () => {
  it('cell means average radii per seed, then seeds', () => {
    const m = cellMeans(rows({ train: 0.2, hole: 0.3, outside: 1 }), 'square');
    assert.equal(m.length, 3);
    const hole = m.find((c) => c.region === 'hole')!;
    assert.equal(hole.seeds, 3);
    assert.ok(Math.abs(hole.error! - 0.3) < 1e-12);
    assert.ok(Math.abs(hole.floor! - 0.1) < 1e-12);
  });

  it('holds when the hole stays near training and outside does not', () => {
    const v = setVerdict(rows({ train: 0.2, hole: 0.3, outside: 1 }), 'square');
    assert.equal(v.verdict, 'holds', v.reason);
    assert.ok(Math.abs(v.holeRatio! - 1.5) < 1e-9);
    assert.ok(Math.abs(v.outsideRatio! - 5) < 1e-9);
  });

  it('fails when the hole is as bad as outside, or outside as good as training', () => {
    assert.equal(setVerdict(rows({ train: 0.2, hole: 0.5, outside: 1 }), 'square').verdict, 'fails');
    assert.equal(setVerdict(rows({ train: 0.2, hole: 0.2, outside: 0.3 }), 'square').verdict, 'fails');
  });

  it('incomplete with fewer than 3 seeds or a training error over 3x the parse floor', () => {
    const few = setVerdict(rows({ train: 0.2, hole: 0.3, outside: 1 }, [1, 2]), 'square');
    assert.equal(few.verdict, 'incomplete');
    assert.match(few.reason, /2 seed\(s\), the verdict needs 3/);
    const far = setVerdict(rows({ train: 0.5, hole: 0.6, outside: 2 }, [1, 2, 3], 0.1), 'square');
    assert.equal(far.verdict, 'incomplete');
    assert.match(far.reason, /parse floor/);
    assert.equal(HOLE_CRITERION.nearRatio, 2);
  });

  it('names every unmet precondition: one seed far from the floor says both', () => {
    const v = setVerdict(rows({ train: 3, hole: 2, outside: 4 }, [1], 0.1), 'square');
    assert.equal(v.verdict, 'incomplete');
    assert.match(v.reason, /^1 seed\(s\), the verdict needs 3; in-training error [0-9.]+ is [0-9.]+x the parse floor 0\.100 \(needs ≤ 3x\)/);
  });
});
