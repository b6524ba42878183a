import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { addMany } from '../../lib/model/fast-ops';
import { assertClose, randn, useWasm } from './helpers';

describe('model/fast-ops addMany', () => {
  before(useWasm);

  it('is tf.addN off webgpu, bit for bit', () => {
    const ts = Array.from({ length: 20 }, (_, i) => randn([3, 4], i));
    const a = addMany(ts);
    const b = tf.addN(ts);
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
    tf.dispose([a, b, ...ts]);
  });

  it('grouped (as on webgpu, where one AddN may bind at most 8 buffers) gives the same sum', () => {
    const ts = Array.from({ length: 168 }, (_, i) => randn([5], 100 + i));
    const before = tf.memory().numTensors;
    for (const g of [2, 3, 7]) {
      const a = addMany(ts, g);
      const b = tf.addN(ts);
      assertClose(a, b, 1e-5, `group ${g}`);
      tf.dispose([a, b]);
    }
    assert.equal(tf.memory().numTensors, before, 'no intermediate tensors leak');
    assert.throws(() => addMany(ts, 1), /group must be ≥ 2/);
    tf.dispose(ts);
  });
});
