import { strict as assert } from 'node:assert';
import { estimateSeconds, secondsPerCost, unitKind, withFallbackRates } from '../../../lib/experiments/core/estimate';

describe('experiments/estimate', () => {
  const plan = [
    { id: 'train/a/s1', cost: 100 },
    { id: 'train/a/s2', cost: 100 },
    { id: 'train/b/s1', cost: 200 },
    { id: 'eval/a/s1', cost: 1 },
    { id: 'eval/b/s1', cost: 1 },
    { id: 'vae/a', cost: 10 },
  ];

  it('unit kind is the id up to the first slash', () => {
    assert.equal(unitKind('train/uniform/q64/n1024/s1'), 'train');
    assert.equal(unitKind('floor'), 'floor');
  });

  it('rates are seconds per cost per kind, from finished units with a recorded time only', () => {
    const rates = secondsPerCost(plan, [
      { id: 'train/a/s1', seconds: 50 },
      { id: 'eval/a/s1', seconds: 4 },
      { id: 'vae/a', seconds: null },
      { id: 'train/gone', seconds: 999 }, // not in the plan: ignored
    ]);
    assert.deepEqual([...rates.entries()].sort(), [
      ['eval', 4],
      ['train', 0.5],
    ]);
  });

  it('estimates the units to run by their cost and lists the ones of a kind never timed', () => {
    const rates = new Map([
      ['train', 0.5],
      ['eval', 4],
    ]);
    const e = estimateSeconds(plan.slice(1), rates);
    assert.equal(e.seconds, 0.5 * 100 + 0.5 * 200 + 4 + 4);
    assert.deepEqual(e.unknown, ['vae/a']);
    assert.deepEqual(estimateSeconds([{ id: 'vae/a', cost: 10 }], rates), { seconds: null, unknown: ['vae/a'] });
    assert.deepEqual(estimateSeconds([], rates), { seconds: null, unknown: [] });
  });
});

describe('experiments/estimate withFallbackRates', () => {
  it("keeps an experiment's own rates and borrows the missing kinds", () => {
    const r = withFallbackRates(new Map([['eval', 2]]), new Map([['train', 0.5], ['eval', 9]]));
    assert.deepEqual([...r].sort(), [['eval', 2], ['train', 0.5]]);
  });
});
