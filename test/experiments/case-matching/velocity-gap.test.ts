import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultVelocityGapConfig, experiment, VELOCITY_GAP_SETS, velocityGapBands } from '../../../lib/experiments/case-matching/velocity-gap';
import { runExperiment } from '../../../lib/experiments/core/runner';
import { useWasm } from '../../model/helpers';

describe('experiments/velocity-gap', function () {
  this.timeout(180_000);
  before(useWasm);

  it("plans the five training sets of paper-spec §5.1, each trained on its own bands", () => {
    const c = defaultVelocityGapConfig('quick');
    const units = experiment.plan(c, [1, 2, 3]);
    assert.equal(units.length, 31);
    assert.deepEqual(units.slice(0, 3).map((u) => u.id), ['vae/uniform', 'train/set1/q64/s1', 'eval/set1/q64/s1']);
    const vel = (id: string) => (units.find((u) => u.id === id)!.key as { data: { velocity: number[][] } }).data.velocity;
    assert.deepEqual(vel('train/set1/q64/s1'), [[1.0, 1.25], [3.75, 4.0]]);
    assert.deepEqual(vel('train/set5/q64/s2'), [[1.0, 1.25], [1.875, 2.125], [2.875, 3.125], [3.75, 4.0]]);
    assert.equal(Object.keys(VELOCITY_GAP_SETS).length, 5);
    assert.throws(() => experiment.plan({ ...c, trainingSets: ['6'] }, [1]), /trainingSets: unknown set '6'/);
  });

  it('velocityGapBands gives a set\'s bands as a fresh copy and refuses an unknown set by name', () => {
    const b = velocityGapBands('4');
    assert.deepEqual(b, [[1.0, 1.25], [2.375, 2.625], [3.75, 4.0]]);
    b[0][0] = 9;
    assert.equal(VELOCITY_GAP_SETS['4'][0][0], 1.0);
    assert.throws(() => velocityGapBands('6'), /unknown training set '6'; allowed: 1, 2, 3, 4, 5/);
  });

  it('paper: DiT-B on the VAE route with 4×2×2 patches (512 tokens); a patch that does not divide the frames is refused by name', () => {
    const c = defaultVelocityGapConfig('paper');
    assert.equal(c.latent, 'vae');
    assert.deepEqual(c.patch, [4, 2, 2]);
    const train = experiment.plan(c, [1]).find((u) => u.id === 'train/set1/DiT-B/s1')!;
    assert.match(train.describe!(), /^512 tokens, 89\.57M params/);
    assert.deepEqual((train.key as { patch: number[] }).patch, [4, 2, 2]);
    assert.throws(() => experiment.validate!({ ...defaultVelocityGapConfig('quick'), patch: [3, 2, 2] }, [1]), /patch\[0\] must divide frames \(8\), got 3/);
  });

  it('smoke: runs end to end, rows carry the required columns, a rerun hits the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-gap-'));
    try {
      const c = { ...experiment.defaultConfig('smoke'), trainingSets: ['1', '5'] };
      const opts = { profile: 'smoke' as const, cacheDir: join(dir, 'cache'), outDir: join(dir, 'out'), silent: true };
      const r1 = await runExperiment(experiment, c, opts);
      assert.ok(r1.complete);
      assert.equal(r1.rows.length, 2 * c.evalCount);
      for (const r of r1.rows) {
        for (const k of ['trainingSet', 'seed', 'conditionVelocity', 'generatedVelocity', 'inTraining']) assert.ok(k in r, `row has ${k}`);
        const v = r.conditionVelocity as number;
        assert.ok(v >= 0.5 && v <= 4.5, String(v));
        const bands = VELOCITY_GAP_SETS[String(r.trainingSet)];
        assert.equal(r.inTraining, bands.some(([lo, hi]) => v >= lo && v <= hi));
      }
      assert.deepEqual([...new Set(r1.rows.map((r) => r.trainingSet))], [1, 5]);
      const r2 = await runExperiment(experiment, c, opts);
      assert.ok(r2.units.every((u) => u.cached));
      assert.deepEqual(r2.rows, r1.rows);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
