import { strict as assert } from 'node:assert';
import { ConfigError } from '../../lib/config/profile';
import { defaultTrainConfig, learningRate, recipeOptionDefaults, trainConfigFor, validateTrainConfig, withRecipeDefaults, withoutRecipeDefaults } from '../../lib/train/train-config';

describe('train/train-config recipe options (issue #17)', () => {
  it('the default and profile configs carry none of the optional recipe fields (unit hashes unchanged)', () => {
    for (const c of [defaultTrainConfig(), trainConfigFor('quick'), trainConfigFor('smoke'), trainConfigFor('paper')]) {
      for (const k of Object.keys(recipeOptionDefaults())) assert.ok(!(k in c), `${k} present`);
    }
  });

  it('withRecipeDefaults fills them in; withoutRecipeDefaults drops defaults and unused parameters again', () => {
    const base = defaultTrainConfig();
    const full = withRecipeDefaults(base);
    assert.equal(full.timestepSampling, 'uniform');
    assert.equal(full.lossWeighting, 'none');
    assert.equal(full.minSnrGamma, 5);
    assert.deepEqual(withoutRecipeDefaults(full), base);
    assert.deepEqual(withoutRecipeDefaults({ ...full, logitNormalMean: 1 }), base, 'a logit-normal mean without logit-normal sampling means nothing');
    assert.deepEqual(withoutRecipeDefaults({ ...full, timestepSampling: 'logit-normal', logitNormalMean: 0.5 }), { ...base, timestepSampling: 'logit-normal', logitNormalMean: 0.5 });
    assert.deepEqual(withoutRecipeDefaults({ ...full, lossWeighting: 'min-snr' }), { ...base, lossWeighting: 'min-snr' });
  });

  it('validateTrainConfig checks the optional fields and the schedules by name', () => {
    validateTrainConfig(withRecipeDefaults(defaultTrainConfig()), 8);
    assert.throws(() => validateTrainConfig({ ...defaultTrainConfig(), timestepSampling: 'x' as never }, 8), (e: Error) => e instanceof ConfigError && /train\.timestepSampling/.test(e.message));
    assert.throws(() => validateTrainConfig({ ...defaultTrainConfig(), minSnrGamma: 0 }, 8), /train\.minSnrGamma/);
    assert.throws(() => validateTrainConfig({ ...defaultTrainConfig(), lrSchedule: 'step' as never }, 8), /allowed: constant, cosine, linear/);
  });

  it("'linear' decays from lr after warm-up to minLrRatio·lr at the last step", () => {
    const c = { ...defaultTrainConfig(), lr: 1, warmupSteps: 4, steps: 104, lrSchedule: 'linear' as const, minLrRatio: 0.1 };
    assert.equal(learningRate(c, 0), 0.25);
    assert.equal(learningRate(c, 4), 1);
    assert.ok(Math.abs(learningRate(c, 54) - 0.55) < 1e-12);
    assert.ok(Math.abs(learningRate(c, 104) - 0.1) < 1e-12);
    assert.ok(Math.abs(learningRate(c, 500) - 0.1) < 1e-12);
  });
});
