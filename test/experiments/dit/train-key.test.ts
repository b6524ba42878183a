import { strict as assert } from 'node:assert';
import { configHash } from '../../../lib/config/hash';
import { defaultTrainConfig, resolvedTrainConfig, withRecipeDefaults } from '../../../lib/train/train-config';
import { trainConfigKey } from '../../../lib/experiments/dit/train-key';
import '../../../lib/experiments/all';
import { getExperiment } from '../../../lib/experiments/core/registry';

const hash = (v: unknown) => configHash(v as never);

describe('experiments/dit/train-key: unit keys hold the resolved train config', () => {
  it('writes the optional recipe options out and nulls the fields the trainer does not read', () => {
    const r = resolvedTrainConfig(defaultTrainConfig());
    assert.deepEqual([r.timestepSampling, r.lossWeighting, r.minLrRatio, r.logitNormalMean, r.logitNormalStd, r.minSnrGamma], ['uniform', 'none', null, null, null, null]);
    const cosine = resolvedTrainConfig({ ...defaultTrainConfig(), lrSchedule: 'cosine', timestepSampling: 'logit-normal', lossWeighting: 'min-snr' });
    assert.deepEqual([cosine.minLrRatio, cosine.logitNormalMean, cosine.logitNormalStd, cosine.minSnrGamma], [0.1, 0, 1, 5]);
    assert.deepEqual(resolvedTrainConfig(r as never), r, 'idempotent');
  });

  it('two spellings of one recipe share the key; a value the trainer reads changes it', () => {
    const base = defaultTrainConfig();
    assert.equal(hash(trainConfigKey(base)), hash(trainConfigKey(withRecipeDefaults(base))));
    assert.equal(hash(trainConfigKey(base)), hash(trainConfigKey({ ...base, minLrRatio: 0.5, logitNormalStd: 3 })), 'unread under constant LR and uniform timesteps');
    assert.notEqual(hash(trainConfigKey({ ...base, lrSchedule: 'linear' })), hash(trainConfigKey(base)));
    assert.notEqual(hash(trainConfigKey({ ...base, lrSchedule: 'linear', minLrRatio: 0.5 })), hash(trainConfigKey({ ...base, lrSchedule: 'linear' })));
    assert.notEqual(hash(trainConfigKey({ ...base, lossWeighting: 'min-snr' })), hash(trainConfigKey(base)));
  });

  it('every train unit of the quick plans holds its train config resolved, and no patch is left out of id-ood keys', () => {
    for (const name of ['id-ood', 'direction-flip', 'velocity-gap', 'attribute-priority', 'collision-holes', 'template-coverage']) {
      const e = getExperiment(name)!;
      const trains = e.plan(e.defaultConfig('quick'), e.defaultSeeds('quick')).filter((u) => u.id.startsWith('train/'));
      assert.ok(trains.length > 0, name);
      for (const u of trains) {
        const t = (u.key as { train: Record<string, unknown> }).train;
        assert.equal(t.timestepSampling, 'uniform', `${name} ${u.id}`);
        assert.equal(t.lossWeighting, 'none', `${name} ${u.id}`);
        if (name === 'id-ood') assert.deepEqual((u.key as { patch: unknown }).patch, [1, 2, 2], u.id);
      }
    }
  });
});
