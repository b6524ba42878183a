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

  it('is registered and plans train then eval per (set, seed), Set-1 right-only and Set-2 both ways', () => {
    assert.equal(getExperiment('direction-flip')?.name, 'direction-flip');
    const c = defaultDirectionFlipConfig('quick');
    assert.equal(c.preset, 'q64');
    assert.equal(c.train.steps, 6000);
    assert.deepEqual([c.frames, c.size, c.condFrames, c.dataSize, c.evalCount], [8, 16, 3, 4096, 128]);
    const units = experiment.plan(c, [1, 2, 3]);
    assert.equal(units.length, 12);
    assert.deepEqual(units.slice(0, 4).map((u) => u.id), ['train/Set-1/q64/s1', 'eval/Set-1/q64/s1', 'train/Set-2/q64/s1', 'eval/Set-2/q64/s1']);
    for (const u of units.filter((x) => x.id.startsWith('eval/'))) assert.deepEqual(u.deps, [u.id.replace('eval/', 'train/')]);
    const data = (id: string) => (units.find((u) => u.id === id)!.key as { data: { direction: string; velocity: number[][] } }).data;
    assert.equal(data('train/Set-1/q64/s1').direction, 'right');
    assert.equal(data('train/Set-2/q64/s1').direction, 'both');
    assert.deepEqual(data('train/Set-2/q64/s1').velocity, [[2.5, 4.0]]);
    assert.throws(() => experiment.plan({ ...c, sets: ['Set-3'] }, [1]), /sets: unknown set 'Set-3'; allowed: Set-1, Set-2/);
  });

  it('smoke: runs end to end into a temp cache, rows carry the required columns, a rerun hits the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-flip-'));
    try {
      const c = experiment.defaultConfig('smoke');
      const opts = { profile: 'smoke' as const, cacheDir: join(dir, 'cache'), outDir: join(dir, 'out'), silent: true };
      const r1 = await runExperiment(experiment, c, opts);
      assert.ok(r1.complete);
      assert.equal(r1.rows.length, c.sets.length * c.evalCount);
      for (const r of r1.rows) {
        for (const k of ['set', 'seed', 'conditionVelocity', 'generatedVelocity', 'radius', 'flipped']) assert.ok(k in r, `row has ${k}`);
        const v = r.conditionVelocity as number;
        assert.ok(v >= 1.0 && v <= 2.5, `conditioning moves right at a low speed: ${v}`);
        assert.ok(r.generatedVelocity === null || Number.isFinite(r.generatedVelocity as number));
        // the parser on the true clip recovers the conditioning velocity (16 px, coverage-weighted)
        assert.ok(Math.abs((r.truthVelocity as number) - v) < 0.25, `truth parse ${r.truthVelocity} vs ${v}`);
        assert.ok((r.radius as number) >= 0.7 && (r.radius as number) <= 1.4);
      }
      assert.deepEqual([...new Set(r1.rows.map((r) => r.set))], ['Set-1', 'Set-2']);
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
