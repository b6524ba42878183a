import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { Denoiser, sample } from '../../lib/diffusion/sampler';
import { NoiseSchedule, defaultDiffusionConfig } from '../../lib/diffusion/schedule';
import { assertClose, randn, useWasm } from '../model/helpers';

/** The ideal denoiser for a single known clean sample x0: v = α ε − σ x0 with ε = (x_t − α x0)/σ. */
function oracle(x0: tf.Tensor, s: NoiseSchedule): Denoiser {
  return (xt, t) => tf.tidy(() => {
    const a = s.signal[t];
    const sg = s.noise[t];
    const eps = tf.div(tf.sub(xt, tf.mul(x0, a)), sg);
    return tf.sub(tf.mul(eps, a), tf.mul(x0, sg)) as tf.Tensor5D;
  });
}

describe('diffusion/sampler', () => {
  before(useWasm);
  const shape: [number, number, number, number, number] = [3, 2, 4, 4, 3];

  for (const sampler of ['ddim', 'ancestral'] as const) {
    it(`${sampler}: an oracle denoiser leads back to its clean sample`, () => {
      tf.tidy(() => {
        const s = new NoiseSchedule(defaultDiffusionConfig());
        const x0 = randn(shape, 5);
        const out = sample(oracle(x0, s), shape, s, { sampler, steps: 8, seed: 1 });
        assertClose(out, x0, 1e-3, sampler);
      });
    });
  }

  it('seeded: same seed same output twice; results do not depend on batching; golden sum with a dummy model', () => {
    tf.tidy(() => {
      const s = new NoiseSchedule(defaultDiffusionConfig());
      const dummy: Denoiser = (xt) => tf.mul(xt, 0.5) as tf.Tensor5D;
      for (const sampler of ['ddim', 'ancestral'] as const) {
        const a = sample(dummy, shape, s, { sampler, steps: 5, seed: 42 });
        const b = sample(dummy, shape, s, { sampler, steps: 5, seed: 42 });
        assert.deepEqual(a.dataSync(), b.dataSync(), `${sampler} twice`);
        const c = sample(dummy, shape, s, { sampler, steps: 5, seed: 43 });
        assert.notDeepEqual(a.dataSync(), c.dataSync());
        // video 2 alone (id 2) equals row 2 of the batch
        const single = sample(dummy, [1, ...shape.slice(1)] as typeof shape, s, { sampler, steps: 5, seed: 42, ids: [2] });
        assert.deepEqual(single.dataSync(), tf.slice(a, [2, 0, 0, 0, 0], [1, ...shape.slice(1)]).dataSync());
        const sum = tf.sum(a).dataSync()[0];
        const mean = tf.mean(tf.abs(a)).dataSync()[0];
        const golden = { ddim: [5.2512, 0.2460], ancestral: [3.4484, 0.2992] }[sampler];
        assert.ok(Math.abs(sum - golden[0]) < 1e-3 && Math.abs(mean - golden[1]) < 1e-4, `${sampler} golden: sum ${sum} mean|x| ${mean}`);
      }
    });
  });

  it('does not leak tensors', () => {
    const s = new NoiseSchedule(defaultDiffusionConfig());
    const before = tf.memory().numTensors;
    const out = sample((xt) => tf.mul(xt, 0.1) as tf.Tensor5D, shape, s, { sampler: 'ancestral', steps: 4, seed: 1 });
    out.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
