import { strict as assert } from 'node:assert';
import type { Row } from '../../../lib/experiments/core/experiment';
import { seedMeans, templateCoverageVerdict, VERDICT_CRITERION } from '../../../lib/experiments/template-coverage/verdict';

/** Rows of `n` clips per (templates, split, seed) with the given abnormal shares. */
function rows(share: Record<string, number[]>, n = 20): Row[] {
  const out: Row[] = [];
  for (const [k, perSeed] of Object.entries(share)) {
    const [templates, split] = k.split('/');
    perSeed.forEach((p, si) => {
      for (let i = 0; i < n; i++) out.push({ model: 'q64', templates: Number(templates), seed: si + 1, split, template: 0, ssim: 0.9 + Number(templates) / 1000, psnr: 20, lpipsSim: 0.1, abnormal: i < Math.round(p * n) });
    });
  }
  for (const split of ['in-template', 'out-of-template']) for (let i = 0; i < 10; i++) out.push({ model: 'vae', templates: null, seed: null, split, abnormal: i === 0 }, { model: 'gt', templates: null, seed: null, split, abnormal: false });
  return out;
}

describe('experiments/template-coverage verdict', () => {
  it('criterion as committed before the quick results: 10-point drop, in-template at most 15%, 3 seeds', () => {
    assert.deepEqual({ ...VERDICT_CRITERION }, { minDrop: 0.1, maxInTemplate: 0.15, monotoneSlack: 0.03, minSeeds: 3 });
  });

  it('seedMeans averages booleans per (templates/split, seed)', () => {
    const m = seedMeans(rows({ '6/out-of-template': [0.5, 0.25, 1] }), 'abnormal', 'q64');
    assert.deepEqual([...m.get('6/out-of-template')!.values()], [0.5, 0.25, 1]);
  });

  it('reproduced: out-of-template falls 70% → 20% → 10% with separated seeds, in-template 5%', () => {
    const v = templateCoverageVerdict(rows({
      '6/in-template': [0.05, 0.05, 0.05], '30/in-template': [0.05, 0.05, 0.05], '60/in-template': [0.05, 0.05, 0.05],
      '6/out-of-template': [0.7, 0.65, 0.75], '30/out-of-template': [0.2, 0.2, 0.2], '60/out-of-template': [0.1, 0.1, 0.15],
    }), [], 'q64');
    assert.equal(v.status, 'reproduced');
    assert.ok(v.falls && v.inTemplateLow && v.monotone);
    assert.equal(v.distancesAgree.ssim, true);
    assert.equal(v.distancesAgree.fvdSim, null);
    assert.equal(v.vaeFloor['in-template'], 0.1);
    assert.match(v.text, /^\*\*Reproduced\.\*\*/);
  });

  it('not reproduced when the seeds overlap, or in-template is high; incomplete with fewer than 3 seeds', () => {
    const overlap = templateCoverageVerdict(rows({
      '6/in-template': [0.05, 0.05, 0.05], '60/in-template': [0.05, 0.05, 0.05],
      '6/out-of-template': [0.7, 0.3, 0.7], '60/out-of-template': [0.35, 0.1, 0.1],
    }), [], 'q64');
    assert.equal(overlap.status, 'not reproduced');
    assert.equal(overlap.falls, false);
    const high = templateCoverageVerdict(rows({
      '6/in-template': [0.5, 0.5, 0.5], '60/in-template': [0.5, 0.5, 0.5],
      '6/out-of-template': [0.9, 0.9, 0.9], '60/out-of-template': [0.6, 0.6, 0.6],
    }), [], 'q64');
    assert.equal(high.status, 'not reproduced');
    assert.ok(high.falls && !high.inTemplateLow);
    assert.match(high.text, /What failed: in-template abnormal ratio above 15\.0%/);
    const few = templateCoverageVerdict(rows({ '6/in-template': [0], '60/in-template': [0], '6/out-of-template': [0.9], '60/out-of-template': [0.1] }), [], 'q64');
    assert.equal(few.status, 'incomplete');
  });
});
