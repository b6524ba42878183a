/**
 * Conditioning dropout (train.condDropout) and classifier-free guidance on the conditioning frames
 * (diffusion.guidance): keys, validation, the trainer's draws, and the guided denoiser's algebra.
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { resolvedTrainConfig, validateTrainConfig, withoutRecipeDefaults, defaultTrainConfig } from '../../lib/train/train-config';
import { validateDiffusionConfig, defaultDiffusionConfig } from '../../lib/diffusion/schedule';
import { trainConfigKey } from '../../lib/experiments/dit/train-key';
import { configHash } from '../../lib/config/hash';
import { guidedDenoiser, sampleVideos } from '../../lib/sample/sample-videos';
import { DiTTrainer } from '../../lib/train/trainer';
import { useWasm } from '../model/helpers';
import { tinyRun, tinySource } from './helpers';

describe('train/cond-dropout and sampling guidance', function () {
  this.timeout(60000);
  before(useWasm);

  it('condDropout 0 and absent share a key (the keys of every earlier run stay); > 0 moves it', () => {
    const base = defaultTrainConfig();
    const k = (c: typeof base) => configHash(trainConfigKey(c));
    assert.equal(k({ ...base, condDropout: 0 }), k(base));
    assert.ok(!('condDropout' in resolvedTrainConfig({ ...base, condDropout: 0 })));
    assert.notEqual(k({ ...base, condDropout: 0.1 }), k(base));
    assert.equal(resolvedTrainConfig({ ...base, condDropout: 0.1 }).condDropout, 0.1);
    assert.ok(!('condDropout' in withoutRecipeDefaults({ ...base, condDropout: 0 })));
  });

  it('validation names the field and the range', () => {
    assert.throws(() => validateTrainConfig({ ...defaultTrainConfig(), condDropout: 1 }, 8), /condDropout: must be in \[0, 1\), got 1/);
    assert.throws(() => validateDiffusionConfig({ ...defaultDiffusionConfig(), guidance: -1 }), /diffusion\.guidance: must be in \[0, 20\], got -1/);
  });

  it('a run without dropout trains to the same bits as before the option existed; with it, another loss', async () => {
    const run = async (train: object) => {
      const tr = DiTTrainer.create({ config: tinyRun(3, { steps: 3, ...train }), source: tinySource() });
      const { losses } = await tr.train();
      tr.dispose();
      return losses;
    };
    const a = await run({});
    assert.deepEqual(await run({ condDropout: 0 }), a);
    assert.notDeepEqual(await run({ condDropout: 0.5 }), a);
  });

  it('guided denoiser: w = 1 is the conditional prediction, w = 0 the unconditional one, and guidance sampling leaks nothing', async () => {
    const tr = DiTTrainer.create({ config: tinyRun(5, { steps: 4, condDropout: 0.5 }), source: tinySource() });
    await tr.train();
    const [n, T, h, w, C] = [2, ...tr.model.config.latentShape] as [number, number, number, number, number];
    tf.tidy(() => {
      const xt = tf.randomNormal([n, T, h, w, C], 0, 1, 'float32', 1) as tf.Tensor5D;
      const cond = tf.randomNormal([n, T, h, w, C], 0, 1, 'float32', 2) as tf.Tensor5D;
      const mask = tf.ones([n, T, h, w, 1]) as tf.Tensor5D;
      const t = tf.fill([n], 500) as tf.Tensor1D;
      const vc = tr.model.apply(tr.ema, { xt, cond, mask, t });
      const vu = tr.model.apply(tr.ema, { xt, cond: tf.zerosLike(cond), mask: tf.zerosLike(mask), t });
      const close = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
      assert.ok(close(guidedDenoiser(tr.model, tr.ema, cond, mask, 1)(xt, 500), vc) < 1e-4);
      assert.ok(close(guidedDenoiser(tr.model, tr.ema, cond, mask, 0)(xt, 500), vu) < 1e-4);
      const g2 = guidedDenoiser(tr.model, tr.ema, cond, mask, 2)(xt, 500);
      assert.ok(close(g2, tf.sub(tf.mul(vc, 2), vu)) < 1e-4);
    });
    const src = tinySource(9);
    const fb = 8 * 8 * 3;
    const base = { model: tr.model, params: tr.ema, autoencoder: tr.autoencoder, diffusion: { ...tr.config.diffusion, sampleSteps: 3 }, conditioning: [src.frames(0).slice(0, 2 * fb)], frameShape: src.frameShape, seed: 4 };
    const before = tf.memory().numTensors;
    const one = await sampleVideos(base);
    assert.deepEqual(await sampleVideos({ ...base, guidance: 1 }), one, 'w = 1: the plain sampler');
    const g = await sampleVideos({ ...base, guidance: 3 });
    assert.notDeepEqual(g[0].subarray(2 * fb), one[0].subarray(2 * fb));
    assert.deepEqual(g[0].subarray(0, 2 * fb), base.conditioning[0], 'given frames kept');
    assert.equal(tf.memory().numTensors, before);
    tr.dispose();
  });
});
