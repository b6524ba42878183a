import { strict as assert } from 'node:assert';
import { normalizeAxes, planBinary, planReduce, planSlice, planTile, planTranspose } from '../../lib/engine/kernel-plans';

describe('engine/kernel-plans', () => {
  it('normalizes axes (negative, duplicates, null = all) and rejects out-of-range ones', () => {
    assert.deepEqual(normalizeAxes([-1, 0, 2], 3), [0, 2]);
    assert.deepEqual(normalizeAxes(1, 3), [1]);
    assert.deepEqual(normalizeAxes(null, 3), [0, 1, 2]);
    assert.deepEqual(normalizeAxes(undefined, 0), []);
    assert.throws(() => normalizeAxes([3], 3), /axis 3 is out of range for rank 3/);
    assert.throws(() => normalizeAxes([-4], 3), /out of range/);
  });

  it('plans reductions as alternating reduced/kept groups, dropping size-1 axes', () => {
    assert.deepEqual(planReduce([2048, 512], [0]), { groups: [2048, 512], firstReduced: true, outShape: [512], reduceCount: 2048 });
    assert.deepEqual(planReduce([2048, 512], [1]), { groups: [2048, 512], firstReduced: false, outShape: [2048], reduceCount: 512 });
    assert.deepEqual(planReduce([2, 3, 4, 5], [0, 1]), { groups: [6, 20], firstReduced: true, outShape: [4, 5], reduceCount: 6 });
    assert.deepEqual(planReduce([32, 64, 3, 4, 32], [1, 3]), { groups: [32, 64, 3, 4, 32], firstReduced: false, outShape: [32, 3, 32], reduceCount: 256 });
    assert.deepEqual(planReduce([1, 5, 1, 6], [0, 3]), { groups: [5, 6], firstReduced: false, outShape: [5, 1], reduceCount: 6 });
    assert.deepEqual(planReduce([4, 5], [0, 1]), { groups: [20], firstReduced: true, outShape: [], reduceCount: 20 });
    assert.deepEqual(planReduce([4, 5], []), { groups: [20], firstReduced: false, outShape: [4, 5], reduceCount: 1 });
    assert.deepEqual(planReduce([1, 1], [0]), { groups: [1], firstReduced: false, outShape: [1], reduceCount: 1 });
    assert.equal(planReduce([3, 0], [1]), null);
  });

  it('plans transposes: size-1 axes dropped, axes that stay adjacent merged', () => {
    assert.deepEqual(planTranspose([32, 64, 3, 4, 32], [2, 0, 3, 1, 4]), { dims: [32, 64, 3, 4, 32], perm: [2, 0, 3, 1, 4] });
    assert.deepEqual(planTranspose([2, 3, 4], [1, 2, 0]), { dims: [2, 12], perm: [1, 0] });
    assert.deepEqual(planTranspose([2, 3, 4, 5], [2, 3, 0, 1]), { dims: [6, 20], perm: [1, 0] });
    assert.deepEqual(planTranspose([1, 5, 1, 6], [3, 2, 1, 0]), { dims: [5, 6], perm: [1, 0] });
    assert.deepEqual(planTranspose([2, 3, 4], [0, 1, 2]), { dims: [24], perm: [0] });
    assert.deepEqual(planTranspose([32, 4, 64, 32], [0, 2, 1, 3]), { dims: [32, 4, 64, 32], perm: [0, 2, 1, 3] });
    assert.deepEqual(planTranspose([1, 1], [1, 0]), { dims: [1], perm: [0] });
    assert.throws(() => planTranspose([2, 3], [0, 0]), /not a permutation/);
  });

  it('plans slices: trailing whole axes merge into contiguous runs', () => {
    assert.deepEqual(planSlice([4, 5, 6], [1, 0, 0], [2, 5, 6]), { dims: [120], begin: [30], size: [60] });
    assert.deepEqual(planSlice([4, 5, 6], [1, 2, 0], [2, 3, 6]), { dims: [4, 30], begin: [1, 12], size: [2, 18] });
    assert.deepEqual(planSlice([4, 1, 6], [0, 0, 1], [4, 1, 2]), { dims: [4, 6], begin: [0, 1], size: [4, 2] });
    assert.equal(planSlice([4, 5], [0, 0], [0, 5]), null);
  });

  it('plans tiles: trivial axes dropped, whole blocks and unit axes merged', () => {
    assert.deepEqual(planTile([32, 8, 1, 1, 1], [1, 1, 16, 16, 1]), { dims: [256, 1], reps: [1, 256] });
    assert.deepEqual(planTile([2, 1, 3], [1, 4, 1]), { dims: [2, 3], reps: [1, 4] });
    assert.deepEqual(planTile([2, 3], [2, 1]), { dims: [2, 3], reps: [2, 1] });
    assert.deepEqual(planTile([1, 5], [3, 1]), { dims: [5], reps: [3] });
    assert.deepEqual(planTile([1, 1], [1, 1]), { dims: [1], reps: [1] });
    assert.equal(planTile([2, 3], [0, 1]), null);
  });

  it('plans broadcasting binary ops: size-1 axes dropped, axes with matching strides merged', () => {
    const p = (a: number[], b: number[]) => { const r = planBinary(a, b)!; return [r.dims, r.aStrides, r.bStrides]; };
    assert.deepEqual(p([32, 128, 64], [32, 128, 64]), [[262144], [1], [1]]);
    assert.deepEqual(p([32, 128, 64], [32, 128, 1]), [[4096, 64], [64, 1], [1, 0]]);
    assert.deepEqual(p([32, 128, 64], [128, 64]), [[32, 8192], [8192, 1], [0, 1]]);
    assert.deepEqual(p([32, 128, 64], [32, 1, 64]), [[32, 128, 64], [8192, 64, 1], [64, 0, 1]]);
    assert.deepEqual(p([4096, 256], []), [[1048576], [1], [0]]);
    assert.deepEqual(p([32, 1, 1, 1, 1], [32, 8, 16, 16, 3]), [[32, 6144], [1, 0], [6144, 1]]);
    assert.deepEqual(p([2, 1, 3], [1, 4, 1]), [[2, 4, 3], [3, 0, 1], [0, 1, 0]]);
    assert.deepEqual(p([], [1, 1]), [[1], [0], [0]]);
    assert.deepEqual(planBinary([2, 3], [1, 3])!.outShape, [2, 3]);
    assert.equal(planBinary([0, 3], [3]), null);
    assert.throws(() => planBinary([2, 3], [4, 3]), /could not be broadcast/);
  });
});
