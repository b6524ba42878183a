import { strict as assert } from 'node:assert';
import type { Row } from '../../../lib/experiments/core/experiment';
import { bandDistance, flipStats, shareText, snapStats } from '../../../lib/experiments/case-matching/stats';

const flipRow = (set: string, seed: number, cond: number, gen: number | null, flipped: boolean, intact = true): Row => ({ set, seed, conditionVelocity: cond, generatedVelocity: gen, intact, flipped });

describe('experiments/case-matching-stats', () => {
  it('counts flips with Wilson and seed intervals, their conditioning speeds and where they land', () => {
    const rows = [
      flipRow('Set-2', 1, 1.1, -3.0, true), flipRow('Set-2', 1, 2.0, 2.2, false), flipRow('Set-2', 1, 1.5, -1.0, true),
      flipRow('Set-2', 2, 1.2, 1.9, false), flipRow('Set-2', 2, 1.3, null, false), flipRow('Set-2', 2, 1.4, -5.0, true, false),
      flipRow('Set-1', 1, 1.0, 2.0, false),
    ];
    const [s2, s1] = flipStats(rows, [2.5, 4]);
    assert.equal(s2.set, 'Set-2');
    assert.deepEqual([s2.n, s2.flips], [4, 2], 'unparsed and broken generations are not scored');
    assert.deepEqual(s2.flipConditions, [1.1, 1.5]);
    assert.deepEqual([s2.inMirroredBand, s2.slowerThanBand, s2.fasterThanBand], [1, 1, 0]);
    assert.deepEqual(s2.perSeed.map((p) => p.share), [2 / 3, 0]);
    assert.ok(s2.wilson[0] > 0 && s2.wilson[1] < 1);
    assert.ok(s2.seedMean.lo! >= 0, 'a share interval stays within [0, 1]');
    assert.equal(s1.flips, 0);
    assert.match(shareText(s1.share, s1.seedMean), /1 seed: interval n\/a/);
  });

  it('measures snapping of gap conditions into training bands and the in-band error over the floor', () => {
    const bands: Array<[number, number]> = [[1, 1.25], [3.75, 4]];
    const r = (cond: number, gen: number, truth = cond + 0.02, seed = 1): Row => ({ trainingSet: 1, seed, conditionVelocity: cond, generatedVelocity: gen, truthVelocity: truth, intact: true });
    const rows = [r(2.0, 1.2), r(2.5, 2.5), r(3.0, 3.8), r(1.1, 1.2), r(3.9, 3.8), r(0.5, 1.0)];
    const [s] = snapStats(rows, () => bands);
    assert.equal(s.gapN, 3, 'inside the hull, outside the bands');
    assert.ok(Math.abs(s.snapShare - 2 / 3) < 1e-12);
    assert.ok(Math.abs(s.diagonalShare - 1 / 3) < 1e-12);
    assert.ok(Math.abs(s.inBandError! - 0.1) < 1e-12);
    assert.ok(Math.abs(s.inBandOverFloor! - 5) < 1e-9);
    assert.equal(bandDistance(2, [1, 1.25]), 0.75);
  });
});
