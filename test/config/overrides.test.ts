import { strict as assert } from 'node:assert';
import { applyDotted, deepMerge, getPath } from '../../lib/config/overrides';
import { ConfigError, parseProfile } from '../../lib/config/profile';
import { configHash, stableStringify } from '../../lib/config/hash';

const base = {
  seed: 1,
  profile: 'quick',
  train: { steps: 1000, lr: 1e-3, ema: true, bands: [1, 2] },
  model: { preset: 'q64', heads: null as number | null },
};

describe('config/overrides', () => {
  it('applies dotted overrides with the type of the default', () => {
    const c = applyDotted(base, { 'train.steps': '500', 'train.ema': 'false', 'model.preset': 'q128', 'train.bands': '3,4.5' });
    assert.equal(c.train.steps, 500);
    assert.equal(c.train.ema, false);
    assert.equal(c.model.preset, 'q128');
    assert.deepEqual(c.train.bands, [3, 4.5]);
    assert.equal(base.train.steps, 1000, 'the input is not mutated');
  });

  it('a list of strings keeps its items text, one item or several', () => {
    const withSets = { sets: ['1', '2', '3'] };
    assert.deepEqual(applyDotted(withSets, { sets: '1' }).sets, ['1']);
    assert.deepEqual(applyDotted(withSets, { sets: '1,2' }).sets, ['1', '2']);
    assert.deepEqual(applyDotted(withSets, { sets: '[1, "2"]' }).sets, ['1', '2']);
    assert.deepEqual(applyDotted(withSets, { sets: 'true' }).sets, ['true']);
    assert.deepEqual(applyDotted(withSets, { sets: '"a,b"' }).sets, ['a,b'], 'a quoted item stays one item, without its quotes');
    assert.deepEqual(applyDotted(base, { 'train.bands': '3' }).train.bands, [3], 'a list of numbers still parses numbers');
  });

  it('names an unknown key and the allowed keys', () => {
    assert.throws(() => applyDotted(base, { 'train.stepz': '5' }), (e: Error) => e instanceof ConfigError && /train\.stepz/.test(e.message) && /steps, lr, ema, bands/.test(e.message));
    assert.throws(() => applyDotted(base, { 'nope.x': '5' }), /allowed at the top level: seed, profile, train, model/);
  });

  it('names a wrong type', () => {
    assert.throws(() => applyDotted(base, { 'train.steps': 'many' }), /'train\.steps' must be a number, got 'many'/);
    assert.throws(() => applyDotted(base, { 'train.ema': 'maybe' }), /must be true or false/);
    assert.throws(() => applyDotted(base, { train: '3' }), /is a section/);
  });

  it('checks choice lists', () => {
    assert.throws(() => applyDotted(base, { 'model.preset': 'huge' }, { 'model.preset': ['q64', 'q128'] }), /allowed: q64, q128/);
  });

  it('deepMerge is strict on keys and types', () => {
    assert.equal(deepMerge(base, { train: { lr: 5e-4 } }).train.lr, 5e-4);
    assert.throws(() => deepMerge(base, { train: { lr: '1' } }), /must be a number/);
    assert.throws(() => deepMerge(base, { extra: 1 }), /unknown config key 'extra'/);
    assert.equal(deepMerge(base, { model: { heads: 4 } }).model.heads, 4, 'null defaults accept values');
  });

  it('getPath reads nested values', () => {
    assert.equal(getPath(base, 'train.lr'), 1e-3);
  });

  it('parseProfile accepts the three profiles and names them on error', () => {
    assert.equal(parseProfile(undefined), 'quick');
    assert.equal(parseProfile('smoke'), 'smoke');
    assert.throws(() => parseProfile('fast'), /allowed: smoke, quick, paper/);
  });

  it('hashes configs independently of key order', () => {
    assert.equal(configHash({ a: 1, b: { c: 2, d: 3 } }), configHash({ b: { d: 3, c: 2 }, a: 1 }));
    assert.notEqual(configHash({ a: 1 }), configHash({ a: 2 }));
    assert.equal(stableStringify({ b: 1, a: [2, { d: 1, c: 0 }] }), '{"a":[2,{"c":0,"d":1}],"b":1}');
  });
});

describe('config/overrides strict numbers (issue 15, item 11)', () => {
  const cfg = { steps: 500, lr: 0.001, weightDecay: 0 };
  it('rejects hex, binary and blank numbers; an integer setting written with an exponent', () => {
    for (const bad of ['0x10', '0b1', ' ', 'Infinity']) assert.throws(() => applyDotted(cfg, { steps: bad }), (e: Error) => e instanceof ConfigError && /'steps' must be a number, got '.*' \(decimal notation/.test(e.message), bad);
    assert.throws(() => applyDotted(cfg, { steps: '1e1' }), /'steps' is an integer setting: write it in digits \(10\)/);
  });
  it('still takes decimals and exponents where they are meant', () => {
    assert.equal(applyDotted(cfg, { lr: '1e-4' }).lr, 1e-4);
    assert.equal(applyDotted(cfg, { weightDecay: '1e-2' }).weightDecay, 0.01);
    assert.equal(applyDotted(cfg, { steps: '2000' }).steps, 2000);
  });
});
