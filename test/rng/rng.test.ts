import { strict as assert } from 'node:assert';
import { hashKey, Rng, rngFor, splitmix32 } from '../../lib/rng/rng';

describe('rng/rng', () => {
  it('pins the first values of seed 1 (golden numbers)', () => {
    const r = new Rng(1);
    const got = [r.nextUint32(), r.nextUint32(), r.nextUint32()];
    assert.deepEqual(got, GOLDEN_SEED1);
  });

  it('matches the xoshiro128** reference vector for state (1, 2, 3, 4)', () => {
    const r = new Rng(1);
    Object.assign(r, { s0: 1, s1: 2, s2: 3, s3: 4 });
    assert.deepEqual([r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextUint32()], [11520, 0, 5927040, 70819200]);
  });

  it('same seed gives the same stream; different seeds differ', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 100 }, () => a.uniform());
    const ys = Array.from({ length: 100 }, () => b.uniform());
    const zs = Array.from({ length: 100 }, () => c.uniform());
    assert.deepEqual(xs, ys);
    assert.notDeepEqual(xs, zs);
  });

  it('uniform() lies in [0,1) with mean ≈ 0.5 and variance ≈ 1/12', () => {
    const r = new Rng(7);
    const n = 20000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      assert.ok(u >= 0 && u < 1);
      s += u;
      s2 += u * u;
    }
    const mean = s / n;
    assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(s2 / n - mean * mean - 1 / 12) < 0.003);
  });

  it('normal() has mean ≈ 0 and std ≈ 1', () => {
    const r = new Rng(3);
    const n = 20000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    assert.ok(Math.abs(s / n) < 0.03);
    assert.ok(Math.abs(Math.sqrt(s2 / n) - 1) < 0.03);
  });

  it('int(n) is unbiased over small ranges and rejects bad n', () => {
    const r = new Rng(5);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) counts[r.int(3)]++;
    for (const c of counts) assert.ok(Math.abs(c - 10000) < 400, String(counts));
    assert.throws(() => r.int(0), /n must be an integer/);
    assert.throws(() => r.int(2.5), /n must be an integer/);
  });

  it('fork() depends only on the key and the name, not on draws made before', () => {
    const a = new Rng(9);
    const b = new Rng(9);
    for (let i = 0; i < 17; i++) b.uniform();
    assert.equal(a.fork('noise').uniform(), b.fork('noise').uniform());
    assert.notEqual(a.fork('noise').uniform(), a.fork('init').uniform());
    assert.notEqual(a.fork('video', 1).uniform(), a.fork('video', 2).uniform());
  });

  it('rngFor(seed, ...path) addresses streams directly (video i is a pure function of seed and i)', () => {
    const v3 = rngFor(11, 'video', 3).uniform();
    assert.equal(rngFor(11, 'video', 3).uniform(), v3);
    assert.notEqual(rngFor(12, 'video', 3).uniform(), v3);
    assert.notEqual(hashKey('ab', 'c'), hashKey('a', 'bc'));
    assert.notEqual(hashKey(1, 2), hashKey(2, 1));
  });

  it('shuffle is a permutation; seedInt is a positive 31-bit integer', () => {
    const r = new Rng(2);
    const xs = r.shuffle(Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual([...xs].sort((p, q) => p - q), Array.from({ length: 50 }, (_, i) => i));
    for (let i = 0; i < 100; i++) {
      const s = r.seedInt();
      assert.ok(Number.isInteger(s) && s > 0 && s < 2 ** 31);
    }
  });

  it('rejects non-integer seeds and splitmix32 is a 32-bit unsigned map', () => {
    assert.throws(() => new Rng(1.5), /seed must be an integer/);
    assert.equal(splitmix32(0), splitmix32(0));
    assert.ok(splitmix32(123) >= 0 && splitmix32(123) < 2 ** 32);
  });
});

const GOLDEN_SEED1 = [1291178965, 1711978570, 2019277389];
