import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { experiment, PAIRS, defaultAttributePriorityConfig, keptOf } from '../../../lib/experiments/attribute-priority/experiment';
import { runExperiment } from '../../../lib/experiments/core/runner';
import { getExperiment } from '../../../lib/experiments/core/registry';
import '../../../lib/experiments/all';
import { useWasm } from '../../model/helpers';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

describe('experiments/attribute-priority', function () {
  this.timeout(180_000);
  before(useWasm);

  it('six pairs + ring: each test combination swaps the two attributes and was never trained on', () => {
    assert.equal(PAIRS.length, 7);
    for (const p of PAIRS) {
      for (const t of p.test) assert.ok(!p.train.some((k) => same(k, t)), `${p.name}: test ${JSON.stringify(t)} is not a training combination`);
      // the test combinations take each attribute value from a training combination
      const key = (k: (typeof p.train)[number], a: string) => JSON.stringify(a === 'size' ? k.radius : a === 'velocity' ? k.velocity : (k as unknown as Record<string, unknown>)[a]);
      for (const t of p.test) for (const a of p.attributes) assert.ok(p.train.some((k) => key(k, a) === key(t, a)), `${p.name}: ${a} of the test combo seen in training`);
    }
    const ring = PAIRS.find((p) => p.name === 'ring')!;
    assert.deepEqual(ring.test.map((k) => `${k.color} ${k.shape}`), ['red ring', 'blue circle']);
  });

  it('is registered; plans vae, readers, then seed 1 of every pair before seed 2; quick uses the best recipe', () => {
    assert.equal(getExperiment('attribute-priority')?.name, 'attribute-priority');
    const c = defaultAttributePriorityConfig('quick');
    assert.deepEqual([c.train.lr, c.train.warmupSteps, c.train.lrSchedule, c.train.minLrRatio, c.train.batchSize, c.train.emaDecay], [4e-3, 500, 'cosine', 0.05, 32, 0.999]);
    const ids = experiment.plan(c, [1, 2, 3]).map((u) => u.id);
    assert.equal(ids.length, 2 + 7 * 3 * 2);
    assert.deepEqual(ids.slice(0, 4), ['vae', 'readers', 'train/color-shape/s1', 'eval/color-shape/s1']);
    const lastS1 = Math.max(...ids.map((id, i) => (id.endsWith('/s1') ? i : -1)));
    const firstS2 = ids.findIndex((id) => id.endsWith('/s2'));
    assert.ok(lastS1 < firstS2);
    const keys = experiment.plan(c, [1, 2]).filter((u) => u.id.startsWith('train/color-shape/')).map((u) => (u.key as { dataSeed: number }).dataSeed);
    assert.deepEqual(keys, [1, 2], 'each seed draws its own training videos');
    assert.throws(() => experiment.validate!({ ...c, pairs: ['colour-shape'] }, [1]), /pairs/);
  });

  it('kept: classes must match, continuous values within the tolerance', () => {
    const r = { split: 'test' as const, combo: 0, index: 0, condition: { color: 'red', shape: 'circle', size: 1, velocity: 2 }, generated: { color: 'red', shape: 'square', size: 1.04, velocity: 2.3 } };
    const tol = { size: 0.05, velocity: 0.2 };
    assert.deepEqual(['color', 'shape', 'size', 'velocity'].map((a) => keptOf(a as 'color', r, tol)), [true, false, true, false]);
  });

  it('smoke: runs end to end into a temp cache; one row per generated video with condition/generated/kept columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-attr-'));
    try {
      const c = { ...experiment.defaultConfig('smoke'), pairs: ['color-shape', 'ring'] };
      const opts = { profile: 'smoke' as const, cacheDir: join(dir, 'cache'), outDir: join(dir, 'out'), silent: true };
      const r1 = await runExperiment(experiment, c, opts);
      assert.ok(r1.complete);
      assert.equal(r1.rows.length, 2 * (2 * c.testPerCombo + 2 * c.heldOutPerCombo));
      for (const r of r1.rows) {
        for (const k of ['pair', 'seed', 'split', 'condition.color', 'condition.size', 'condition.velocity', 'condition.shape', 'generated.color', 'generated.shape', 'kept.color', 'kept.shape']) assert.ok(k in r, `row has ${k}`);
        assert.equal(typeof r['kept.color'], 'boolean');
        assert.equal(r['kept.size'], null, 'size is not an attribute of these pairs');
      }
      const r2 = await runExperiment(experiment, c, opts);
      assert.ok(r2.units.every((u) => u.cached));
      assert.deepEqual(r2.rows, r1.rows);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
