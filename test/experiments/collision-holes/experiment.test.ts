import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { experiment } from '../../../lib/experiments/collision-holes/experiment';
import { defaultCollisionHolesConfig } from '../../../lib/experiments/collision-holes/config';
import { evalGrid } from '../../../lib/experiments/collision-holes/eval';
import { runExperiment } from '../../../lib/experiments/core/runner';
import { getExperiment } from '../../../lib/experiments/core/registry';
import '../../../lib/experiments/all';
import { useWasm } from '../../model/helpers';

describe('experiments/collision-holes', function () {
  this.timeout(300_000);
  before(useWasm);

  it('is registered', () => {
    assert.equal(getExperiment('collision-holes')?.name, 'collision-holes');
  });

  it('plans both sets × 3 seeds with the best measured recipe, the data drawn by the model seed', () => {
    const c = defaultCollisionHolesConfig('quick');
    const units = experiment.plan(c, [1, 2, 3]);
    assert.equal(units.length, 12);
    assert.deepEqual(units.slice(0, 4).map((u) => u.id), ['train/square/q64/s1', 'eval/square/q64/s1', 'train/half/q64/s1', 'eval/half/q64/s1']);
    const key = (id: string) => units.find((u) => u.id === id)!.key as { dataSeed: number; data: { holes: unknown; frameStride: number; sampling: string }; train: Record<string, unknown> };
    assert.equal(key('train/square/q64/s2').dataSeed, 2);
    assert.deepEqual(key('train/square/q64/s1').data.holes, [{ v1: [2, 3], v2: [2, 3] }]);
    assert.deepEqual(key('train/half/q64/s1').data.holes, [{ v1: [1.25, 4], v2: [1.25, 4] }]);
    assert.equal(key('train/half/q64/s1').data.frameStride, 15);
    const t = key('train/half/q64/s1').train;
    assert.deepEqual([t.lr, t.warmupSteps, t.lrSchedule, t.minLrRatio, t.batchSize, t.emaDecay], [4e-3, 500, 'cosine', 0.05, 32, 0.999]);
    assert.equal(evalGrid(c).length, 10 * 7 * 2 * 2);
    assert.equal(evalGrid(defaultCollisionHolesConfig('paper')).length, 6825);
  });

  it('validate names the parameter and the allowed values', () => {
    const c = defaultCollisionHolesConfig('quick');
    assert.throws(() => experiment.validate!({ ...c, trainingSets: ['round'] }, [1]), /trainingSets: unknown set 'round'; allowed: square, half/);
    assert.throws(() => experiment.validate!({ ...c, evalV1: [3, 1, 5] }, [1]), /evalV1 must be \[lo, hi, points\]/);
    assert.doesNotThrow(() => experiment.validate!(c, [1, 2, 3]));
  });

  it('smoke: runs end to end, rows carry regions and errors, a rerun hits the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-holes-'));
    try {
      const c = experiment.defaultConfig('smoke');
      const opts = { profile: 'smoke' as const, cacheDir: join(dir, 'cache'), outDir: join(dir, 'out'), silent: true };
      const r1 = await runExperiment(experiment, c, opts);
      assert.ok(r1.complete);
      assert.equal(r1.rows.length, 2 * evalGrid(c).length);
      for (const r of r1.rows) {
        for (const k of ['trainingSet', 'seed', 'v1', 'v2', 'r1', 'r2', 'region', 'error', 'truthError']) assert.ok(k in r, `row has ${k}`);
        assert.ok(['train', 'hole', 'outside'].includes(r.region as string));
      }
      const r2 = await runExperiment(experiment, c, opts);
      assert.ok(r2.units.every((u) => u.cached));
      assert.deepEqual(r2.rows, r1.rows);
      assert.match(readFileSync(join(dir, 'out', 'report.md'), 'utf8'), /### square: \*\*incomplete\*\* \(1 seed\(s\)\)/);
      assert.ok(existsSync(join(dir, 'out', 'fig6.plotly.json')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("latent 'vae' (the paper route): a frame VAE unit first, trained outside every set's holes; the pixel keys stay those of the shipped results", () => {
    const pixel = defaultCollisionHolesConfig('quick');
    const vae = { ...pixel, latent: 'vae' as const };
    const pu = experiment.plan(pixel, [1]);
    const vu = experiment.plan(vae, [1]);
    assert.equal(vu[0].id, 'vae/collision');
    assert.deepEqual((vu[0].key as { data: { holes: unknown } }).data.holes, [{ v1: [2, 3], v2: [2, 3] }, { v1: [1.25, 4], v2: [1.25, 4] }]);
    const train = vu.find((u) => u.id === 'train/square/q64/s1')!;
    assert.deepEqual(train.deps, ['vae/collision']);
    assert.deepEqual((train.key as { patch: number[] }).patch, [1, 2, 2]);
    const ptrain = pu.find((u) => u.id === 'train/square/q64/s1')!;
    assert.ok(!('patch' in (ptrain.key as object)) && !('vae' in (ptrain.key as object)), 'pixel key unchanged');
    assert.match(train.describe!(), /^32 tokens, /);
    assert.throws(() => experiment.validate!({ ...vae, patch: [3, 2, 2] }, [1]), /patch\[0\] must divide frames \(8\), got 3/);
  });

  it("smoke with latent 'vae': trains the VAE, diffuses its latents and scores the grid", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-holes-vae-'));
    try {
      const c = { ...experiment.defaultConfig('smoke'), latent: 'vae' as const };
      const r = await runExperiment(experiment, c, { profile: 'smoke' as const, cacheDir: join(dir, 'cache'), outDir: join(dir, 'out'), silent: true });
      assert.ok(r.complete);
      assert.equal(r.rows.length, 2 * evalGrid(c).length);
      assert.ok(r.rows.some((row) => typeof row.error === 'number'), 'some grid video scored');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
