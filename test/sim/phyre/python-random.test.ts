import { strict as assert } from 'node:assert';
import { PythonRandom } from '../../../lib/sim/phyre/python-random';

// Golden values from CPython 3.11 (`/usr/bin/python3`):
//   r = random.Random(4); [r.getrandbits(32) for _ in range(5)]
//   random.Random(4).random(); random.Random(2**40 + 7).getrandbits(32)
describe('sim/phyre/python-random (CPython random.Random)', () => {
  it('reproduces MT19937 seeded like random.Random(4)', () => {
    const r = new PythonRandom(4);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => r.getrandbits(32)), [1013818839, 1302657532, 443094727, 3097603021, 1701057193]);
  });
  it('random() and multi-word seeds match CPython', () => {
    assert.equal(new PythonRandom(4).random(), 0.23604808973743452);
    assert.equal(new PythonRandom(2 ** 40 + 7).getrandbits(32), 2635837658);
  });
  it('shuffle matches random.Random(4).shuffle(list(range(10)))', () => {
    // python3 -c "import random; x=list(range(10)); random.Random(4).shuffle(x); print(x)"
    assert.deepEqual(new PythonRandom(4).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), GOLDEN_SHUFFLE_10);
  });
  it('rejects bad arguments with a clear error', () => {
    assert.throws(() => new PythonRandom(-1), /seed must be an integer/);
    assert.throws(() => new PythonRandom(4).getrandbits(33), /k must be an integer in \[1, 32\]/);
  });
});

const GOLDEN_SHUFFLE_10 = [8, 2, 0, 7, 6, 9, 5, 1, 4, 3];
