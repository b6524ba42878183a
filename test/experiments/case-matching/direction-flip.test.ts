import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDirectionFlipConfig, experiment } from '../../../lib/experiments/case-matching/direction-flip';
import { runExperiment } from '../../../lib/experiments/core/runner';
import { getExperiment } from '../../../lib/experiments/core/registry';
import '../../../lib/experiments/all';
import { useWasm } from '../../model/helpers';

describe('experiments/direction-flip', function () {
  this.timeout(120_000);
  before(useWasm);

  it('is registered and plans the VAE, then train, eval and baseline per (set, seed): Set-1 right-only, Set-2 and control both ways', () => {
    assert.equal(getExperiment('direction-flip')?.name, 'direction-flip');
    const c = defaultDirectionFlipConfig('quick');
    assert.equal(c.preset, 'q64');
    assert.equal(c.train.steps, 6000);
    // the best measured recipe on frame-VAE latents
    assert.deepEqual([c.train.lr, c.train.warmupSteps, c.train.lrSchedule, c.train.minLrRatio, c.train.emaDecay, c.latent], [4e-3, 500, 'cosine', 0.05, 0.999, 'vae']);
    assert.deepEqual([c.frames, c.size, c.condFrames, c.dataSize, c.evalCount], [8, 16, 3, 4096, 128]);
    assert.deepEqual(c.sets, ['Set-1', 'Set-2', 'control']);
    const units = experiment.plan(c, [1, 2, 3]);
    assert.equal(units.length, 1 + 3 * 3 * 3);
    assert.deepEqual(units.slice(0, 5).map((u) => u.id), ['vae/uniform', 'train/Set-1/q64/s1', 'eval/Set-1/q64/s1', 'base/Set-1/q64/s1', 'train/Set-2/q64/s1']);
    for (const u of units.filter((x) => x.id.startsWith('eval/'))) assert.deepEqual(u.deps, [u.id.replace('eval/', 'train/')]);
    for (const u of units.filter((x) => x.id.startsWith('base/'))) assert.deepEqual(u.deps, [u.id.replace('base/', 'train/')]);
    for (const u of units.filter((x) => x.id.startsWith('train/'))) assert.deepEqual(u.deps, ['vae/uniform']);
    const data = (id: string) => (units.find((u) => u.id === id)!.key as { data: { direction: string; velocity: number[][] } }).data;
    assert.equal(data('train/Set-1/q64/s1').direction, 'right');
    assert.equal(data('train/Set-2/q64/s1').direction, 'both');
    assert.deepEqual(data('train/Set-2/q64/s1').velocity, [[2.5, 4.0]]);
    assert.equal(data('train/control/q64/s1').direction, 'both');
    assert.deepEqual(data('train/control/q64/s1').velocity, [[1.0, 4.0]]);
    const baseKey = units.find((u) => u.id === 'base/control/q64/s1')!.key as { velocity: number[][] };
    assert.deepEqual(baseKey.velocity, [[2.5, 4.0]], 'the baseline conditions on the Set-1/Set-2 training speeds');
    assert.throws(() => experiment.plan({ ...c, sets: ['Set-3'] }, [1]), /sets: unknown set 'Set-3'; allowed: Set-1, Set-2, control/);
  });

  it('smoke: runs end to end into a temp cache, rows carry the required columns, a rerun hits the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-flip-'));
    try {
      const c = experiment.defaultConfig('smoke');
      const opts = { profile: 'smoke' as const, cacheDir: join(dir, 'cache'), outDir: join(dir, 'out'), silent: true };
      const r1 = await runExperiment(experiment, c, opts);
      assert.ok(r1.complete);
      assert.equal(r1.rows.length, 2 * c.sets.length * c.evalCount, 'test and baseline rows per set');
      for (const r of r1.rows.filter((x) => x.evalSet === 'baseline')) {
        const v = r.conditionVelocity as number;
        assert.ok(v >= 2.5 && v <= 4.0, `baseline conditions at the training speeds: ${v}`);
      }
      for (const r of r1.rows.filter((x) => x.evalSet === 'test')) {
        for (const k of ['set', 'seed', 'conditionVelocity', 'generatedVelocity', 'radius', 'flipped']) assert.ok(k in r, `row has ${k}`);
        const v = r.conditionVelocity as number;
        assert.ok(v >= 1.0 && v <= 2.5, `conditioning moves right at a low speed: ${v}`);
        assert.ok(r.generatedVelocity === null || Number.isFinite(r.generatedVelocity as number));
        // the parser on the true clip recovers the conditioning velocity (16 px, coverage-weighted)
        assert.ok(Math.abs((r.truthVelocity as number) - v) < 0.25, `truth parse ${r.truthVelocity} vs ${v}`);
        assert.ok((r.radius as number) >= 0.7 && (r.radius as number) <= 1.4);
      }
      assert.deepEqual([...new Set(r1.rows.map((r) => r.set))], ['Set-1', 'Set-2', 'control']);
      const index = JSON.parse(readFileSync(join(dir, 'out', 'examples', 'index.json'), 'utf8')) as Array<{ file: string }>;
      assert.ok(index.length >= 2);
      for (const e of index) assert.ok(existsSync(join(dir, 'out', 'examples', e.file)));
      const r2 = await runExperiment(experiment, c, opts);
      assert.ok(r2.units.every((u) => u.cached), 'every unit cached on rerun');
      assert.deepEqual(r2.rows, r1.rows);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
