import { strict as assert } from 'node:assert';
import { experiment as idOod } from '../../../lib/experiments/id-ood/experiment';
import { chooseResultsFolder, configDiff, defaultResultsDir } from '../../../lib/experiments/core/results-folder';
import { forcedUnits, forcePatternRegExp } from '../../../lib/experiments/core/force-pattern';

describe('experiments/results-folder', () => {
  it('the default config and seeds get the default folder; anything else a config-hash folder that names the difference', () => {
    const def = idOod.defaultConfig('quick');
    const seeds = idOod.defaultSeeds('quick');
    const a = chooseResultsFolder(idOod, def, seeds, 'quick');
    assert.equal(a.dir, defaultResultsDir('id-ood', 'quick'));
    assert.ok(a.isDefault);
    const sub = chooseResultsFolder(idOod, { ...def, scenarios: ['uniform'] }, seeds, 'quick');
    assert.ok(!sub.isDefault);
    assert.deepEqual(sub.differs, ['scenarios']);
    assert.match(sub.dir, /data\/results\/id-ood\/runs\/quick-[0-9a-f]{12}$/);
    assert.deepEqual(sub.shippedDirs, [sub.dir, a.dir], 'reads the shipped units of the default folder');
    const steps = chooseResultsFolder(idOod, { ...def, train: { ...def.train, steps: 100 } }, seeds, 'quick');
    assert.deepEqual(steps.differs, ['train.steps']);
    assert.notEqual(steps.dir, sub.dir);
    assert.deepEqual(chooseResultsFolder(idOod, def, [1], 'quick').differs, ['seeds']);
    assert.throws(() => chooseResultsFolder(idOod, { ...def, idCount: 5 }, seeds, 'quick', a.dir), /only the default config and seeds write; this run differs in idCount/);
    assert.equal(chooseResultsFolder(idOod, def, seeds, 'quick', '/tmp/x').dir, '/tmp/x');
  });

  it('configDiff lists dotted keys', () => {
    assert.deepEqual(configDiff({ a: 1, b: { c: [1, 2], d: 2 } }, { a: 1, b: { c: [1], d: 3 } }), ['b.c', 'b.d']);
    assert.deepEqual(configDiff({ a: 1 }, { a: 1 }), []);
  });
});

describe('experiments/force-pattern', () => {
  const units = ['vae/uniform', 'train/uniform/q64/n256/s1', 'eval/uniform/q64/n256/s1', 'train/uniform/q128/n256/s1', 'eval/uniform/q128/n256/s1'].map((id) => ({
    id,
    key: null,
    version: 'v',
    cost: 1,
    deps: id.startsWith('eval/') ? [id.replace('eval/', 'train/')] : id.startsWith('train/') ? ['vae/uniform'] : undefined,
    run: async () => null,
  }));
  it('matches whole ids with * wildcards and adds the dependents', () => {
    assert.ok(forcePatternRegExp('eval/*').test('eval/a/b'));
    assert.ok(!forcePatternRegExp('eval').test('eval/a'));
    assert.deepEqual([...forcedUnits(units, 'eval/*q64*')], ['eval/uniform/q64/n256/s1']);
    assert.deepEqual([...forcedUnits(units, 'train/uniform/q128/*')].sort(), ['eval/uniform/q128/n256/s1', 'train/uniform/q128/n256/s1']);
    assert.equal(forcedUnits(units, 'vae/*').size, 5, 'the VAE and everything trained on it');
    assert.equal(forcedUnits(units, true).size, 5);
    assert.equal(forcedUnits(units, undefined).size, 0);
    assert.throws(() => forcedUnits(units, 'train/x'), /matches no unit of this plan; unit ids look like: vae\/uniform/);
  });
});
