import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { buildConditioning, frameMask, spreadFrameMask } from '../../lib/diffusion/conditioning';
import { randn, useWasm } from '../model/helpers';

describe('diffusion/conditioning', () => {
  before(useWasm);

  it('spreadFrameMask (rank-4 tile, runs on webgpu) equals the rank-5 tile', () => {
    const fm = frameMask([1, 3, 0], 5);
    const a = spreadFrameMask(fm, 4, 6);
    const b = tf.tile(fm, [1, 1, 4, 6, 1]);
    assert.deepEqual(a.shape, [3, 5, 4, 6, 1]);
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
    tf.dispose([fm, a, b]);
  });

  it('buildConditioning masks the frames after c and counts the loss elements', () => {
    const x0 = randn([2, 4, 3, 3, 2], 1) as tf.Tensor5D;
    const c = buildConditioning(x0, [1, 2]);
    assert.deepEqual(c.mask.shape, [2, 4, 3, 3, 1]);
    assert.equal(c.count, (3 + 2) * 3 * 3 * 2);
    const m = c.mask.arraySync() as number[][][][][];
    assert.equal(m[0][0][2][2][0], 1);
    assert.equal(m[0][1][0][0][0], 0);
    assert.equal(m[1][1][1][1][0], 1);
    tf.dispose([x0, c.cond, c.mask, c.lossWeight]);
  });
});
