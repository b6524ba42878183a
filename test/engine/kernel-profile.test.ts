import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { formatKernelTable, profileKernels } from '../../lib/engine/kernel-profile';

describe('engine/kernel-profile', () => {
  let previous = '';
  before(async () => {
    previous = tf.getBackend();
    await tf.setBackend('wasm');
  });
  after(async () => {
    if (previous) await tf.setBackend(previous);
  });

  it('sums kernel time by name, counts calls, and disposes the results', async () => {
    const a = tf.ones([64, 64]);
    const n0 = tf.memory().numTensors;
    const p = await profileKernels(() => tf.tidy(() => tf.add(tf.matMul(a, a), tf.matMul(a, a))), 2);
    assert.equal(tf.memory().numTensors, n0);
    const byName = new Map(p.kernels.map((k) => [k.name, k]));
    assert.equal(byName.get('BatchMatMul')?.calls, 2);
    assert.equal(byName.get('Add')?.calls, 1);
    const shares = p.kernels.reduce((s, k) => s + k.share, 0);
    assert.ok(Math.abs(shares - 1) < 1e-9 || p.kernelMs === 0);
    assert.ok(p.kernels.every((k, i) => i === 0 || p.kernels[i - 1].ms >= k.ms), 'sorted by time');
    const table = formatKernelTable(p, 1);
    assert.match(table, /BatchMatMul|Add/);
    assert.match(table, /\(1 others\)/);
    assert.match(table, /total kernel time/);
    a.dispose();
  });
});
