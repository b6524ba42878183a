import { strict as assert } from 'node:assert';
import { ConfigError } from '../../lib/config/profile';
import { evalSteps } from '../../lib/bench/e2e-bench';
import { defaultE2eRecipe, recipeChanges, resolveE2eRecipe } from '../../lib/bench/e2e-recipe';
import { constantLrQuickConfig } from '../../lib/experiments/id-ood/config';

describe('bench/e2e-recipe', () => {
  // the trials' base: id-ood's quick settings before the recipe became their default
  const c = constantLrQuickConfig();

  it('the default recipe is id-ood quick training with the cap as train.steps and no changes', () => {
    const r = resolveE2eRecipe(c, {});
    assert.deepEqual(r.train, { ...c.train, steps: 30000 });
    assert.equal(r.diffusion.sampleSteps, c.sampleSteps);
    assert.deepEqual(recipeChanges(c, r), []);
    assert.equal(defaultE2eRecipe(c, 1000).train.steps, 1000);
  });

  it('applies dotted train.* and diffusion.* overrides, typed, and lists the changes', () => {
    const r = resolveE2eRecipe(c, { 'train.lr': '2e-3', 'train.lrSchedule': 'cosine', 'train.steps': '20000', 'train.timestepSampling': 'logit-normal', 'train.logitNormalMean': '0.5', 'train.lossWeighting': 'min-snr', 'diffusion.sampleSteps': '30' });
    assert.equal(r.train.lr, 0.002);
    assert.equal(r.train.steps, 20000);
    assert.equal(r.train.timestepSampling, 'logit-normal');
    assert.equal(r.train.logitNormalMean, 0.5);
    assert.equal(r.train.minSnrGamma, undefined, 'γ at its default is dropped');
    assert.equal(r.diffusion.sampleSteps, 30);
    assert.deepEqual(recipeChanges(c, r), [
      'train.steps: 30000 → 20000', 'train.lr: 0.001 → 0.002', 'train.lrSchedule: "constant" → "cosine"',
      'train.timestepSampling: "uniform" → "logit-normal"', 'train.logitNormalMean: 0 → 0.5', 'train.lossWeighting: "none" → "min-snr"', 'diffusion.sampleSteps: 20 → 30',
    ]);
  });

  it('rejects unknown keys, other sections, bad choices and invalid values with the key named', () => {
    assert.throws(() => resolveE2eRecipe(c, { 'train.lrr': '1' }), (e: Error) => e instanceof ConfigError && /train\.lrr/.test(e.message));
    assert.throws(() => resolveE2eRecipe(c, { 'data.count': '2' }), /not a recipe key; allowed: --train/);
    assert.throws(() => resolveE2eRecipe(c, { 'model.heads': '3' }), /--model\.hidden \(64\) must be a multiple of --model\.heads \(3\)/);
    assert.throws(() => resolveE2eRecipe(c, { 'model.patch': '1,0,2' }), /--model\.patch must be three integers/);
    assert.throws(() => resolveE2eRecipe(c, { 'model.width': '2' }), /model\.width/);
    assert.throws(() => resolveE2eRecipe(c, { 'train.lossWeighting': 'p2' }), /allowed: none, min-snr/);
    assert.throws(() => resolveE2eRecipe(c, { 'train.emaDecay': '1.5' }), /train\.emaDecay/);
    assert.throws(() => resolveE2eRecipe(c, { 'diffusion.latentScale': '0' }), /diffusion\.latentScale: must be in \[0\.05, 20\], got 0/);
  });

  it('diffusion.latentScale: absent at 1 (the default), listed when changed', () => {
    assert.equal(resolveE2eRecipe(c, {}).diffusion.latentScale, undefined);
    assert.equal(resolveE2eRecipe(c, { 'diffusion.latentScale': '1' }).diffusion.latentScale, undefined);
    const r = resolveE2eRecipe(c, { 'diffusion.latentScale': '2' });
    assert.equal(r.diffusion.latentScale, 2);
    assert.deepEqual(recipeChanges(c, r), ['diffusion.latentScale: 1 → 2']);
  });

  it('model.* overrides change the architecture over q64 with id-ood\'s latent patch, and are listed', () => {
    const d = resolveE2eRecipe(c, {});
    assert.deepEqual(d.model, { hidden: 64, depth: 4, heads: 2, mlpRatio: 4, patch: [1, 2, 2] });
    const r = resolveE2eRecipe(c, { 'model.depth': '8', 'model.patch': '1,1,1' });
    assert.equal(r.model.depth, 8);
    assert.deepEqual(r.model.patch, [1, 1, 1]);
    assert.deepEqual(recipeChanges(c, r), ['model.depth: 4 → 8', 'model.patch: [1,2,2] → [1,1,1]']);
    // a record written before model.* existed: no model section, no change listed
    assert.deepEqual(recipeChanges(c, { train: d.train, diffusion: d.diffusion }), []);
  });

  it('evaluates every N steps and at the cap', () => {
    assert.deepEqual(evalSteps(1000, 3000), [1000, 2000, 3000]);
    assert.deepEqual(evalSteps(1000, 2500), [1000, 2000, 2500]);
    assert.deepEqual(evalSteps(5000, 3000), [3000]);
  });
});
