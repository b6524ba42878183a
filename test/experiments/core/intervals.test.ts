import { strict as assert } from 'node:assert';
import { ciOrNull, meanCi, pmText, valueWithCi, wilson } from '../../../lib/experiments/core/intervals';

describe('experiments/intervals', () => {
  it('meanCi: t-interval; one value has ci 0 internally', () => {
    assert.deepEqual(meanCi([2]), { mean: 2, ci: 0, n: 1 });
    const m = meanCi([1, 2, 3]);
    assert.equal(m.mean, 2);
    assert.ok(Math.abs(m.ci - (4.303 * 1) / Math.sqrt(3)) < 1e-9);
  });

  it('one seed shows no interval (not a misleading 0) in tables and verdicts', () => {
    assert.equal(ciOrNull(0, 1), null);
    assert.equal(ciOrNull(0.2, 3), 0.2);
    assert.equal(ciOrNull(NaN, 3), null);
    assert.equal(pmText(0, 1), '(1 seed: no interval)');
    assert.equal(pmText(0.123, 3), '± 0.12');
    assert.equal(valueWithCi(0.734, 0, 1, 'u/s'), '0.73 u/s (1 seed: no interval)');
    assert.equal(valueWithCi(0.734, 0.1, 3, 'u/s'), '0.73 ± 0.10 u/s');
  });

  it('wilson interval', () => {
    const [lo, hi] = wilson(0, 384);
    assert.equal(lo, 0);
    assert.ok(hi > 0.009 && hi < 0.011);
  });
});
