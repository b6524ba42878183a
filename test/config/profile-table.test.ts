import { strict as assert } from 'node:assert';
import { applyPatch, ProfileTable, resolveProfile } from '../../lib/config/profile-table';

interface S {
  steps: number;
  sizes: number[];
  train: { lr: number; ema: boolean };
  patch: [number, number, number] | null;
}

const TABLE: ProfileTable<S> = {
  default: { steps: 100, sizes: [1, 2, 3], train: { lr: 1e-3, ema: true }, patch: null },
  smoke: { steps: 3, sizes: [1] },
  paper: { train: { lr: 1e-4 }, patch: [1, 2, 2] },
};

describe('config/profile-table', () => {
  it('resolves a profile as its patch over the default', () => {
    assert.deepEqual(resolveProfile(TABLE, 'smoke'), { steps: 3, sizes: [1], train: { lr: 1e-3, ema: true }, patch: null });
    assert.deepEqual(resolveProfile(TABLE, 'paper'), { steps: 100, sizes: [1, 2, 3], train: { lr: 1e-4, ema: true }, patch: [1, 2, 2] });
  });

  it('gives the default for a profile without a patch', () => {
    assert.deepEqual(resolveProfile(TABLE, 'quick'), TABLE.default);
  });

  it('merges objects deeply, replaces arrays and null whole, skips undefined', () => {
    const r = applyPatch({ a: { b: 1, c: [1, 2] }, d: null as number[] | null }, { a: { c: [9] }, d: [4] });
    assert.deepEqual(r, { a: { b: 1, c: [9] }, d: [4] });
    assert.deepEqual(applyPatch({ a: 1, b: 2 }, { a: undefined, b: 3 }), { a: 1, b: 3 });
    assert.deepEqual(applyPatch({ a: [1, 2] as number[] | null }, { a: null }), { a: null });
  });

  it('keeps the default key order (printed configs keep their layout) and returns a fresh copy', () => {
    const r = resolveProfile(TABLE, 'paper');
    assert.deepEqual(Object.keys(r), ['steps', 'sizes', 'train', 'patch']);
    r.sizes.push(4);
    r.train.lr = 5;
    assert.deepEqual(TABLE.default.sizes, [1, 2, 3]);
    assert.equal(TABLE.default.train.lr, 1e-3);
    assert.deepEqual((TABLE.paper as { patch: number[] }).patch, [1, 2, 2]);
  });
});
