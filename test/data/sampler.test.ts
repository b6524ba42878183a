import { strict as assert } from 'node:assert';
import { deepMerge } from '../../lib/config/overrides';
import { DatasetConfig, defaultDatasetConfig, validateDatasetConfig } from '../../lib/data/dataset-config';
import { sampleParams, samplerPlan } from '../../lib/data/sampler';
import { bandsContain } from '../../lib/data/bands';
import { OOD_BANDS, OOD_LEVELS, trainSizes } from '../../lib/data/ranges';
import { ConfigError } from '../../lib/config/profile';

const cfgOf = (patch: Partial<DatasetConfig>, base = defaultDatasetConfig('quick')): DatasetConfig => deepMerge(base, patch);
const all = (cfg: DatasetConfig, seed = 1) => {
  const plan = samplerPlan(validateDatasetConfig(cfg), seed);
  return Array.from({ length: cfg.count }, (_, i) => sampleParams(plan, i));
};

describe('data/sampler', () => {
  it('profiles: paper 128 px × 32 frames and 30K/300K/3M grids; quick 16 px × 8 frames and 1K/4K/16K', () => {
    const p = defaultDatasetConfig('paper', 'uniform', 'train');
    assert.deepEqual([p.size, p.frames, p.count], [128, 32, 30000]);
    assert.deepEqual(trainSizes('paper', 'uniform'), [30000, 300000, 3000000]);
    assert.deepEqual(trainSizes('paper', 'collision'), [28224, 329476, 3407716]);
    const q = defaultDatasetConfig('quick', 'collision', 'id');
    assert.deepEqual([q.size, q.frames, q.colors], [16, 8, ['red', 'blue']]);
    assert.deepEqual(trainSizes('quick', 'parabola'), [1024, 4096, 16384]);
  });

  it('paper grid sizes use the paper dims (uniform 30K = 100 r × 300 v linspace over [0.7, 1.4] × [1, 4])', () => {
    const plan = samplerPlan(defaultDatasetConfig('paper', 'uniform', 'train'), 1);
    const g = plan.grids![0];
    assert.deepEqual(g.dims, [100, 300]);
    assert.equal(g.axes[0][0], 0.7);
    assert.equal(g.axes[0][99], 1.4);
    assert.equal(g.axes[1][0], 1);
    assert.equal(g.axes[1][299], 4);
    assert.equal(g.valid, null);
    const p = sampleParams(plan, 301);
    assert.deepEqual([p.scene.objects[0].radius, p.scene.objects[0].speed, p.gridIndex], [g.axes[0][1], g.axes[1][1], 301]);
  });

  it('collision grids drop unplaceable points and still give `count` distinct videos', () => {
    const cfg = cfgOf({ count: 500 }, defaultDatasetConfig('quick', 'collision', 'train'));
    const ps = all(cfg);
    assert.equal(new Set(ps.map((p) => p.gridIndex)).size, 500);
    for (const p of ps) {
      const [a, b] = p.scene.objects;
      assert.ok(a.radius >= 0.5 && a.radius <= 1.5 && b.speed >= 1 && b.speed <= 4);
      assert.deepEqual([a.color, b.color], ['red', 'blue']);
    }
  });

  it('parabola grids are sorted uniform draws (the code), not linspace', () => {
    const plan = samplerPlan(defaultDatasetConfig('quick', 'parabola', 'train'), 1);
    const v = plan.grids![0].axes[1];
    const steps = Array.from({ length: v.length - 1 }, (_, k) => v[k + 1] - v[k]);
    assert.ok(steps.every((d) => d >= 0));
    assert.ok(Math.max(...steps) > 3 * Math.min(...steps), 'irregular spacing');
  });

  it('ID sets are uniform random within the ID ranges; a smaller set is a prefix of a larger one', () => {
    const small = all(cfgOf({ count: 50 }, defaultDatasetConfig('quick', 'uniform', 'id')));
    const big = all(cfgOf({ count: 200 }, defaultDatasetConfig('quick', 'uniform', 'id')));
    assert.deepEqual(small, big.slice(0, 50));
    for (const p of big) {
      const o = p.scene.objects[0];
      assert.ok(o.radius >= 0.7 && o.radius <= 1.4 && o.speed >= 1 && o.speed <= 4 && p.level === 0 && p.gridIndex === -1);
    }
  });

  for (const scenario of ['uniform', 'collision'] as const) {
    it(`OOD levels (${scenario}): the level's parameters come from the OOD bands, the rest from the ID ranges`, () => {
      const cfg = cfgOf({ count: 120 }, defaultDatasetConfig('quick', scenario, 'ood'));
      const ps = all(cfg);
      const levels = OOD_LEVELS[scenario];
      const ood = OOD_BANDS[scenario];
      const sides = new Set<string>();
      for (const p of ps) {
        const lv = levels[p.level - 1];
        assert.equal(p.level, 1 + (p.index % levels.length));
        p.scene.objects.forEach((o, j) => {
          const rOod = lv.ood.includes(`r${j + 1}` as 'r1');
          const vOod = lv.ood.includes(`v${j + 1}` as 'v1');
          const rBands = rOod ? [ood.radius.low, ood.radius.high] : cfg.scenario === 'collision' ? [[0.5, 1.5] as [number, number]] : [[0.7, 1.4] as [number, number]];
          const vBands = vOod ? [ood.velocity.low, ood.velocity.high] : [[1, 4] as [number, number]];
          assert.ok(bandsContain(rBands, o.radius), `level ${p.level} r${j + 1} = ${o.radius}`);
          assert.ok(bandsContain(vBands, o.speed), `level ${p.level} v${j + 1} = ${o.speed}`);
          if (rOod) sides.add(o.radius < 1 ? 'low' : 'high');
        });
      }
      assert.deepEqual([...sides].sort(), ['high', 'low']);
      const one = all(cfgOf({ count: 20, oodLevel: 2, oodSide: 'high' }, defaultDatasetConfig('quick', scenario, 'ood')));
      assert.ok(one.every((p) => p.level === 2 && p.scene.objects[0].speed >= 4.5));
    });
  }

  it('velocity bands with gaps (§5.1): no training speed falls in the gap', () => {
    const ps = all(cfgOf({ count: 600, velocity: [[1, 1.25], [3.75, 4]] }));
    const speeds = ps.map((p) => p.scene.objects[0].speed);
    assert.ok(speeds.every((v) => (v >= 1 && v <= 1.25) || (v >= 3.75 && v <= 4)));
    assert.ok(speeds.some((v) => v < 1.25) && speeds.some((v) => v > 3.75));
  });

  it('direction "both" mirrors about half the videos (§5.3 Set-2); "right" none', () => {
    const both = all(cfgOf({ count: 400, direction: 'both', velocity: [[2.5, 4]] }));
    const mirrored = both.filter((p) => p.scene.direction === -1).length;
    assert.ok(mirrored > 150 && mirrored < 250, `${mirrored} of 400 mirrored`);
    assert.ok(all(cfgOf({ count: 100 })).every((p) => p.scene.direction === 1));
  });

  it('classes (§6): video i uses class i mod K with its own shape, colour and ranges', () => {
    const cfg = cfgOf({
      count: 200,
      classes: [
        { shape: 'circle', color: 'red', radius: [[0.7, 1.05]], velocity: [[1, 2.5]] },
        { shape: 'square', color: 'blue', radius: [[1.05, 1.4]], velocity: [[2.5, 4]] },
      ],
    });
    for (const p of all(cfg)) {
      const o = p.scene.objects[0];
      assert.equal(p.classIndex, p.index % 2);
      if (p.classIndex === 0) assert.ok(o.shape === 'circle' && o.color === 'red' && o.radius <= 1.05 && o.speed <= 2.5);
      else assert.ok(o.shape === 'square' && o.color === 'blue' && o.radius >= 1.05 && o.speed >= 2.5);
    }
  });

  it('holes (§5.2): no collision training point inside the (v1, v2) hole', () => {
    const ps = all(cfgOf({ count: 800, holes: [{ v1: [2, 3], v2: [2, 3] }] }, defaultDatasetConfig('quick', 'collision', 'train')));
    const inHole = ps.filter((p) => p.scene.objects[0].speed >= 2 && p.scene.objects[0].speed <= 3 && p.scene.objects[1].speed >= 2 && p.scene.objects[1].speed <= 3);
    assert.equal(inHole.length, 0);
    const rnd = all(cfgOf({ count: 300, holes: [{ v1: [2, 3], v2: [2, 3] }] }, defaultDatasetConfig('quick', 'collision', 'id')));
    assert.ok(rnd.every((p) => !(p.scene.objects[0].speed >= 2 && p.scene.objects[0].speed <= 3 && p.scene.objects[1].speed >= 2 && p.scene.objects[1].speed <= 3)));
  });

  it('bad parameters are ConfigErrors naming the parameter and the allowed range', () => {
    const bad = (patch: Record<string, unknown>, re: RegExp, base = defaultDatasetConfig('quick')) =>
      assert.throws(() => validateDatasetConfig({ ...base, ...patch } as DatasetConfig), (e: Error) => e instanceof ConfigError && re.test(e.message), `expected ${re}`);
    bad({ radius: [[-1, 1]] }, /radius\[0\] = \[-1, 1\] is outside the allowed range \(0, 4\]/);
    bad({ scenario: 'pendulum' }, /scenario: unknown scenario 'pendulum'; allowed: uniform, collision, parabola/);
    bad({ frames: 0 }, /frames must be an integer in \[2, 512\], got 0/);
    bad({ count: 0 }, /count must be an integer in \[1, 100000000\]/);
    bad({ size: 1000 }, /size must be an integer in \[8, 256\], got 1000/);
    bad({ velocity: [[3, 1]] }, /velocity\[0\] = \[3, 1\] has lo > hi/);
    bad({ split: 'ood', oodLevel: 7 }, /oodLevel must be an integer in \[0, 3\], got 7/);
    bad({ colors: ['red', 'blue'] }, /colors must list 1 colour name/);
    bad({ holes: [{ v9: [1, 2] }] }, /holes\[0\]\.v9: unknown parameter for scenario 'uniform'; allowed: r1, v1/);
    bad({ grid: [3] }, /grid must list 2 point counts \(r1, v1\)/);
  });
});
