import { strict as assert } from 'node:assert';
import { BiasMode, biasMode, broadcastShapes, planMatMul } from '../../lib/engine/matmul-plan';

describe('engine/matmul-plan', () => {
  it('plans plain, transposed and rank < 2 products', () => {
    const p = planMatMul([5, 7], [7, 3], false, false)!;
    assert.deepEqual(p.outShape, [5, 3]);
    assert.deepEqual([p.m, p.n, p.k, p.batch, p.aStep, p.bStep], [5, 3, 7, 1, 1, 1]);
    const t = planMatMul([7, 5], [3, 7], true, true)!;
    assert.deepEqual([t.m, t.n, t.k], [5, 3, 7]);
    assert.equal(planMatMul([7], [7, 3], false, false), null);
    assert.throws(() => planMatMul([5, 7], [6, 3], false, false), /inner shapes \(7\) and \(6\)/);
  });

  it('maps batch broadcasting to steps or explicit indices', () => {
    const shared = planMatMul([4, 8, 16], [16, 32], false, false)!; // (B, T, D) x (D, N)
    assert.deepEqual(shared.outShape, [4, 8, 32]);
    assert.deepEqual([shared.batch, shared.aStep, shared.bStep, shared.aIdx, shared.bIdx], [4, 1, 0, null, null]);
    const left = planMatMul([1, 8, 16], [3, 16, 2], false, false)!;
    assert.deepEqual([left.batch, left.aStep, left.bStep], [3, 0, 1]);
    const same = planMatMul([4, 2, 3], [1, 4, 3, 5], false, false)!;
    assert.deepEqual(same.outShape, [1, 4, 2, 5]);
    assert.deepEqual([same.aStep, same.bStep, same.aIdx], [1, 1, null]);
    const cross = planMatMul([2, 1, 5, 6], [1, 3, 6, 7], false, false)!;
    assert.deepEqual(cross.outShape, [2, 3, 5, 7]);
    assert.deepEqual(Array.from(cross.aIdx!), [0, 0, 0, 1, 1, 1]);
    assert.deepEqual(Array.from(cross.bIdx!), [0, 1, 2, 0, 1, 2]);
    assert.throws(() => planMatMul([2, 5, 6], [3, 6, 7], false, false), /could not be broadcast/);
  });

  it('broadcasts shapes like numpy', () => {
    assert.deepEqual(broadcastShapes([2, 1], [3]), [2, 3]);
    assert.deepEqual(broadcastShapes([], [4, 1]), [4, 1]);
    assert.deepEqual(broadcastShapes([0], [1]), [0]);
  });

  it('classifies biases against the [batch, M, N] output', () => {
    const p = planMatMul([3, 4, 5], [3, 5, 6], false, false)!;
    assert.equal(biasMode([6], p), BiasMode.Row);
    assert.equal(biasMode([1, 6], p), BiasMode.Row);
    assert.equal(biasMode([1], p), BiasMode.Scalar);
    assert.equal(biasMode([], p), BiasMode.Scalar);
    assert.equal(biasMode([4, 6], p), BiasMode.Matrix);
    assert.equal(biasMode([3, 4, 6], p), BiasMode.Full);
    assert.equal(biasMode([4, 1], p), null);
    assert.equal(biasMode([3, 1, 6], p), null);
  });
});
