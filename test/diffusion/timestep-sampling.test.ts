import { strict as assert } from 'node:assert';
import { ConfigError } from '../../lib/config/profile';
import { sampleTimesteps, validateTimestepSampling } from '../../lib/diffusion/timestep-sampling';
import { rngFor } from '../../lib/rng/rng';

describe('diffusion/timestep-sampling', () => {
  it('uniform (and an absent option) draws exactly rng.int(T) per sample, as before the option existed', () => {
    const before = ((r) => Array.from({ length: 32 }, () => r.int(1000)))(rngFor(1, 'timestep', 5));
    assert.deepEqual(sampleTimesteps({}, 1000, 32, rngFor(1, 'timestep', 5)), before);
    assert.deepEqual(sampleTimesteps({ timestepSampling: 'uniform', logitNormalMean: 3 }, 1000, 32, rngFor(1, 'timestep', 5)), before);
  });

  it('logit-normal: golden numbers, t = min(T−1, ⌊T·sigmoid(m + s·n)⌋) with n from rng.normal()', () => {
    const ts = sampleTimesteps({ timestepSampling: 'logit-normal' }, 1000, 6, rngFor(1, 'timestep', 0));
    const r = rngFor(1, 'timestep', 0);
    const want = Array.from({ length: 6 }, () => Math.min(999, Math.floor(1000 / (1 + Math.exp(-r.normal())))));
    assert.deepEqual(ts, want);
    assert.deepEqual(ts, [722, 366, 420, 489, 625, 775]);
  });

  it('logit-normal: shape, range and the mean follows m', () => {
    const lo = sampleTimesteps({ timestepSampling: 'logit-normal', logitNormalMean: -1 }, 1000, 4000, rngFor(2, 't'));
    const mid = sampleTimesteps({ timestepSampling: 'logit-normal' }, 1000, 4000, rngFor(2, 't'));
    const hi = sampleTimesteps({ timestepSampling: 'logit-normal', logitNormalMean: 1, logitNormalStd: 0.5 }, 1000, 4000, rngFor(2, 't'));
    for (const ts of [lo, mid, hi]) {
      assert.equal(ts.length, 4000);
      assert.ok(ts.every((t) => Number.isInteger(t) && t >= 0 && t < 1000));
    }
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    assert.ok(Math.abs(mean(mid) - 500) < 15, `mean ${mean(mid)}`);
    assert.ok(mean(lo) < 330 && mean(hi) > 670, `means ${mean(lo)} ${mean(hi)}`);
  });

  it('rejects unknown kinds and bad parameters, naming the key', () => {
    assert.throws(() => validateTimestepSampling({ timestepSampling: 'lognorm' as never }), (e: Error) => e instanceof ConfigError && /train\.timestepSampling: allowed: uniform, logit-normal/.test(e.message));
    assert.throws(() => validateTimestepSampling({ logitNormalStd: 0 }), /train\.logitNormalStd/);
    assert.throws(() => validateTimestepSampling({ logitNormalMean: NaN }), /train\.logitNormalMean/);
    validateTimestepSampling({});
  });
});
