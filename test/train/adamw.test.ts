import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { AdamW } from '../../lib/train/adamw';
import { emaDecayAt, updateEma } from '../../lib/train/ema';
import { defaultTrainConfig, learningRate } from '../../lib/train/train-config';
import { useWasm } from '../model/helpers';

describe('train/adamw, ema, lr schedule', () => {
  before(useWasm);

  it('two AdamW updates match the formula (bias correction, decoupled decay only where asked)', () => {
    const s = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 };
    const p = { w: tf.tensor1d([1, -2]), b: tf.tensor1d([0.5, 0.5]) };
    const opt = new AdamW(p, s, new Set(['w']));
    const g = { w: tf.tensor1d([0.2, -0.4]), b: tf.tensor1d([1, 0]) };
    const p1 = opt.update(p, g, 0.01, 0.5);
    const p2 = opt.update(p1, g, 0.01, 0.5);
    // reference in float64
    const ref = (x: number, grad: number, decay: boolean) => {
      let m = 0, v = 0;
      for (let t = 1; t <= 2; t++) {
        const gg = grad * 0.5;
        m = 0.9 * m + 0.1 * gg;
        v = 0.99 * v + 0.01 * gg * gg;
        const mh = m / (1 - 0.9 ** t), vh = v / (1 - 0.99 ** t);
        x = x - 0.01 * (mh / (Math.sqrt(vh) + 1e-8) + (decay ? 0.1 * x : 0));
      }
      return x;
    };
    const w = p2.w.dataSync(), b = p2.b.dataSync();
    assert.ok(Math.abs(w[0] - ref(1, 0.2, true)) < 1e-6 && Math.abs(w[1] - ref(-2, -0.4, true)) < 1e-6, String(w));
    assert.ok(Math.abs(b[0] - ref(0.5, 1, false)) < 1e-6 && Math.abs(b[1] - 0.5) < 1e-7, String(b));
    assert.equal(opt.t, 2);
    tf.dispose([p.w, p.b, g.w, g.b, p1.w, p1.b, p2.w, p2.b]);
    opt.dispose();
  });

  it('EMA update and warm-up decay', () => {
    const e = { a: tf.tensor1d([0, 10]) };
    updateEma(e, { a: tf.tensor1d([10, 10]) }, 0.9);
    assert.deepEqual(Array.from(e.a.dataSync()).map((x) => Math.round(x * 1e5) / 1e5), [1, 10]);
    assert.equal(emaDecayAt(0.999, true, 0), 0.1);
    assert.equal(emaDecayAt(0.999, true, 1e6), 0.999);
    assert.equal(emaDecayAt(0.99, false, 0), 0.99);
    e.a.dispose();
  });

  it('learning rate: linear warm-up then constant or cosine to minLrRatio', () => {
    const c = { ...defaultTrainConfig(), lr: 1, warmupSteps: 4, steps: 104 };
    assert.deepEqual([0, 1, 3, 4, 50].map((s) => learningRate(c, s)), [0.25, 0.5, 1, 1, 1]);
    const cos = { ...c, lrSchedule: 'cosine' as const, minLrRatio: 0.1 };
    assert.equal(learningRate(cos, 4), 1);
    assert.ok(Math.abs(learningRate(cos, 54) - 0.55) < 1e-12);
    assert.ok(Math.abs(learningRate(cos, 104) - 0.1) < 1e-12);
  });
});
