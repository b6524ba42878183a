import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { buildConditioning } from '../../lib/diffusion/conditioning';
import { NoiseSchedule, defaultDiffusionConfig } from '../../lib/diffusion/schedule';
import { coefficients, epsFromV, maskedMse, qSample, vTarget, x0FromV } from '../../lib/diffusion/v-prediction';
import { assertClose, randn, useWasm } from '../model/helpers';

describe('diffusion/v-prediction and conditioning', () => {
  before(useWasm);

  it('x_0 and ε are recovered from (x_t, v) at every noise level, including zero SNR', () => {
    tf.tidy(() => {
      const s = new NoiseSchedule(defaultDiffusionConfig());
      const ts = [0, 10, 500, 998, 999];
      const x0 = randn([5, 2, 2, 2, 3], 1) as tf.Tensor5D;
      const eps = randn([5, 2, 2, 2, 3], 2) as tf.Tensor5D;
      const { alpha, sigma } = coefficients(s, ts);
      const xt = qSample(x0, eps, alpha, sigma);
      const v = vTarget(x0, eps, alpha, sigma);
      assertClose(x0FromV(xt, v, alpha, sigma), x0, 1e-5, 'x0');
      assertClose(epsFromV(xt, v, alpha, sigma), eps, 1e-5, 'eps');
      // at t = T−1 the input is pure noise and v = −x_0
      const last = tf.slice(v, [4, 0, 0, 0, 0], [1, 2, 2, 2, 3]);
      assertClose(last, tf.neg(tf.slice(x0, [4, 0, 0, 0, 0], [1, 2, 2, 2, 3])), 1e-6, 'v at zero SNR');
    });
  });

  it('conditioning: first c frames kept, rest zero; mask and loss weight per sample; loss ignores conditioning frames', () => {
    tf.tidy(() => {
      const x0 = tf.add(randn([2, 4, 2, 2, 3], 3), 5) as tf.Tensor5D;
      const c = buildConditioning(x0, [1, 3]);
      assert.deepEqual(c.mask.shape, [2, 4, 2, 2, 1]);
      assert.equal(c.count, (3 + 1) * 2 * 2 * 3);
      const cond = c.cond.arraySync() as number[][][][][];
      assert.notEqual(cond[0][0][0][0][0], 0);
      assert.equal(cond[0][1][0][0][0], 0);
      assert.notEqual(cond[1][2][0][0][0], 0);
      assert.equal(cond[1][3][1][1][2], 0);
      assert.deepEqual(Array.from(c.lossWeight.dataSync()), [0, 1, 1, 1, 0, 0, 0, 1]);
      // a prediction that is wrong only on conditioning frames has zero loss
      const target = randn([2, 4, 2, 2, 3], 4) as tf.Tensor5D;
      const wrongOnCond = tf.add(target, tf.mul(c.mask, 7)) as tf.Tensor5D;
      assert.equal(maskedMse(wrongOnCond, target, c.lossWeight, c.count).dataSync()[0], 0);
      const off = tf.add(target, 2) as tf.Tensor5D;
      assert.ok(Math.abs(maskedMse(off, target, c.lossWeight, c.count).dataSync()[0] - 4) < 1e-5);
    });
  });
});
