import { strict as assert } from 'node:assert';
import { axis, convexHull, datasetHoles, inHull, inTraining, regionOf, trainingHull } from '../../../lib/experiments/collision-holes/sets';
import { defaultCollisionHolesConfig } from '../../../lib/experiments/collision-holes/config';
import { trainingData } from '../../../lib/experiments/collision-holes/experiment';
import { createVideoMaker } from '../../../lib/data/make-video';

describe('experiments/collision-holes/sets', () => {
  it('square: the hull is the whole ID box, the hole [2, 3]² lies inside it', () => {
    const hull = trainingHull('square');
    assert.deepEqual(hull, [[1, 1], [4, 1], [4, 4], [1, 4]]);
    assert.equal(regionOf('square', hull, 2.5, 2.5), 'hole');
    assert.equal(regionOf('square', hull, 1.5, 2.5), 'train');
    assert.equal(regionOf('square', hull, 0, 2.5), 'outside');
    assert.equal(regionOf('square', hull, 4.5, 2.5), 'outside');
  });

  it('half: the hull of the L-shaped region cuts the corner (1.25, 4)–(4, 1.25)', () => {
    const hull = trainingHull('half');
    assert.deepEqual(hull, [[1, 1], [4, 1], [4, 1.25], [1.25, 4], [1, 4]]);
    assert.equal(regionOf('half', hull, 1.1, 3), 'train');
    assert.equal(regionOf('half', hull, 2, 2), 'hole'); // 2 + 2 ≤ 5.25: below the diagonal edge
    assert.equal(regionOf('half', hull, 3, 3), 'outside');
    assert.equal(inTraining('half', 1.25, 3), false); // hole edges count as hole, as in the sampler
  });

  it('convexHull drops collinear and interior points; inHull includes edges', () => {
    const h = convexHull([[0, 0], [1, 0], [2, 0], [2, 2], [0, 2], [1, 1]]);
    assert.deepEqual(h, [[0, 0], [2, 0], [2, 2], [0, 2]]);
    assert.ok(inHull(h, [2, 1]));
    assert.ok(!inHull(h, [2.01, 1]));
  });

  it('axis spaces points evenly (the paper: 21 v1 in [0, 4.5], 13 v2 in [1, 4])', () => {
    assert.equal(axis([0, 4.5, 21])[1], 0.225);
    assert.deepEqual(axis([1, 4, 13]).slice(0, 3), [1, 1.25, 1.5]);
    assert.deepEqual(axis([1, 1, 1]), [1]);
  });

  it('training videos of a set never fall in its hole', () => {
    const c = { ...defaultCollisionHolesConfig('smoke'), dataSize: 200 };
    for (const set of ['square', 'half']) {
      assert.deepEqual(trainingData(c, set).holes, datasetHoles(set));
      const m = createVideoMaker(trainingData(c, set), 7);
      for (let i = 0; i < 200; i++) {
        const [a, b] = m.params(i).scene.objects;
        assert.ok(inTraining(set, a.speed, b.speed), `${set} video ${i}: v1 ${a.speed}, v2 ${b.speed}`);
      }
    }
  });

  it('the quick grid has training, hole and outside cells for both sets (else every verdict would be incomplete)', () => {
    const c = defaultCollisionHolesConfig('quick');
    const count = (set: string) => {
      const hull = trainingHull(set);
      const n = { train: 0, hole: 0, outside: 0 };
      for (const v1 of axis(c.evalV1)) for (const v2 of axis(c.evalV2)) n[regionOf(set, hull, v1, v2)]++;
      return n;
    };
    assert.deepEqual(count('square'), { train: 40, hole: 9, outside: 21 });
    assert.deepEqual(count('half'), { train: 13, hole: 15, outside: 42 });
  });
});
