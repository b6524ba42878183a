import { strict as assert } from 'node:assert';
import { experiment, defaultIdOodConfig, dataConfig, trainDataSeed } from '../../../lib/experiments/id-ood/experiment';
import { constantLrQuickConfig, RECIPE_GRID_STEPS } from '../../../lib/experiments/id-ood/config';
import { applyExperimentOverrides } from '../../../lib/experiments/core/optional-settings';
import { CONSTANT_LR_GRID_COMMAND, constantLrGridDir, RECIPE_GRID_COMMAND, RECIPE_GRID_SEEDS, recipeGridMarkdown, recipeGridProgress } from '../../../lib/experiments/id-ood/recipe-grid';
import { defaultResultsDir, hashedResultsDir, runConfigHash } from '../../../lib/experiments/core/results-folder';
import { makeVideo } from '../../../lib/data/make-video';
import { ConfigError } from '../../../lib/config/profile';
import type { Row } from '../../../lib/experiments/core/experiment';

const pairsOf = (cmd: string) => Object.fromEntries([...cmd.matchAll(/--([\w.]+)=(\S+)/g)].filter((m) => m[1] !== 'seeds').map((m) => [m[1], m[2]]));

describe('experiments/id-ood/recipe-grid', () => {
  it('is id-ood\'s default quick run, in the folder it was computed in before (same config, seeds and unit keys)', () => {
    const c = defaultIdOodConfig('quick');
    assert.deepEqual(experiment.defaultSeeds('quick'), [...RECIPE_GRID_SEEDS]);
    assert.equal(RECIPE_GRID_COMMAND, 'npx phylab exp id-ood');
    assert.equal(c.train.steps, RECIPE_GRID_STEPS);
    assert.equal(c.train.lrSchedule, 'cosine');
    assert.deepEqual([c.dataPerSeed, c.seedCells, c.lrWidthRef], [true, 'all', 64]);
    // the hash that named the grid's folder while it ran as a non-default run
    assert.match(hashedResultsDir('id-ood', 'quick', c, RECIPE_GRID_SEEDS), /id-ood\/runs\/quick-45ac7611b8d2$/);
    assert.match(defaultResultsDir('id-ood', 'quick'), /id-ood\/quick$/);
  });

  it('the constant-lr grid (criterion v1\'s): its command line, applied to the quick default, builds exactly its config; its folder holds its shipped results', () => {
    const pairs = Object.fromEntries([...CONSTANT_LR_GRID_COMMAND.matchAll(/--([\w.]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    assert.deepEqual(applyExperimentOverrides(experiment, defaultIdOodConfig('quick'), pairs), constantLrQuickConfig());
    assert.match(constantLrGridDir(), /id-ood\/runs\/quick-8d2f31050458$/);
    assert.equal(constantLrQuickConfig().train.lrSchedule, 'constant');
  });

  it('optional settings: absent from the constant-lr config and its hash, dropped at their default (also where the profile sets them), typed and checked', () => {
    const base = constantLrQuickConfig();
    assert.ok(!('dataPerSeed' in base) && !('seedCells' in base));
    const same = applyExperimentOverrides(experiment, base, { dataPerSeed: 'false', seedCells: 'headline' });
    assert.deepEqual(same, base);
    assert.equal(runConfigHash(same, [1, 2, 3]), runConfigHash(base, [1, 2, 3]));
    const off = applyExperimentOverrides(experiment, defaultIdOodConfig('quick'), { dataPerSeed: 'false' });
    assert.ok(!('dataPerSeed' in off), 'at the value its absence means, the key is left out');
    assert.throws(() => applyExperimentOverrides(experiment, base, { seedCells: 'some' }), (e: Error) => e instanceof ConfigError && /seedCells.*allowed: headline, all/.test(e.message));
    assert.throws(() => applyExperimentOverrides(experiment, base, { dataPerSeed: 'yes' }), (e: Error) => e instanceof ConfigError && /dataPerSeed.*true or false/.test(e.message));
    assert.throws(() => applyExperimentOverrides(experiment, base, { dataPerSed: 'true' }), /unknown config key 'dataPerSed'/);
    assert.deepEqual(applyExperimentOverrides(experiment, base, { lrWidthRef: 'null' }), base);
    assert.equal(applyExperimentOverrides(experiment, base, { lrWidthRef: '64' }).lrWidthRef, 64);
    assert.throws(() => experiment.validate!({ ...base, lrWidthRef: 0 }, [1]), /lrWidthRef must be an integer ≥ 1, got 0/);
  });

  it('plans every cell on every seed, scenario by scenario and seed by seed, each seed on its own training videos', () => {
    const c = defaultIdOodConfig('quick');
    const trains = experiment.plan(c, [...RECIPE_GRID_SEEDS]).filter((u) => u.id.startsWith('train/'));
    assert.equal(trains.length, 3 * 2 * 4 * 3);
    assert.deepEqual(trains.slice(0, 8).map((u) => u.id), ['q64', 'q128'].flatMap((p) => [256, 1024, 4096, 16384].map((n) => `train/uniform/${p}/n${n}/s1`)));
    assert.ok(trains.slice(0, 24).every((u) => u.id.startsWith('train/uniform/')));
    for (const u of trains) assert.equal((u.key as { dataSeed: number }).dataSeed, Number(u.id.split('/s').pop()));
    // peak lr scaled by width: q64 at 4e-3, q128 at 2e-3 (lrWidthRef 64)
    const lrOf = (id: string) => ((trains.find((u) => u.id === id)!.key as { train: { lr: number } }).train.lr);
    assert.equal(lrOf('train/uniform/q64/n256/s1'), 0.004);
    assert.equal(lrOf('train/uniform/q128/n256/s1'), 0.002);
    // the constant-lr plan keeps the shared data seed and the headline seeds
    const def = experiment.plan(constantLrQuickConfig(), [1, 2, 3]).filter((u) => u.id.startsWith('train/'));
    assert.equal(def.length, 36);
    assert.ok(def.every((u) => (u.key as { dataSeed: number }).dataSeed === 0));
  });

  it('per-seed training videos differ between seeds and from the evaluation videos (leak check)', () => {
    const c = { ...defaultIdOodConfig('smoke'), dataPerSeed: true };
    const train = dataConfig(c, 'uniform', 'train', 8);
    const id = dataConfig(c, 'uniform', 'id', 8);
    const sig = (v: { frames: ArrayLike<number> }) => Array.from(v.frames).join(',');
    const s1 = new Set(Array.from({ length: 8 }, (_, i) => sig(makeVideo(train, trainDataSeed(c, 1), i))));
    const s2 = Array.from({ length: 8 }, (_, i) => sig(makeVideo(train, trainDataSeed(c, 2), i)));
    const ev = Array.from({ length: 8 }, (_, i) => sig(makeVideo(id, c.dataSeed, i)));
    assert.ok(s2.every((s) => !s1.has(s)));
    assert.ok(ev.every((s) => !s1.has(s)));
    assert.equal(trainDataSeed({ dataSeed: 0 }, 2), 0);
  });

  it('progress per scenario, and a verdict only for scenarios whose every cell has every seed', () => {
    const rows: Row[] = [];
    const gt = (scenario: string): Row => ({ scenario, model: 'gt', dataSize: null, seed: null, split: 'gt', set: 'id', velocityError: 0.01, n: 128, nanCount: 0 });
    rows.push(gt('uniform'), gt('collision'));
    for (const p of ['q64', 'q128']) for (const n of [256, 1024, 4096, 16384]) for (const seed of [1, 2, 3]) {
      const id = 0.1 * (p === 'q64' ? 1.2 : 1) * Math.pow(n / 256, -0.2) * (1 + 0.05 * seed);
      rows.push({ scenario: 'uniform', model: p, dataSize: n, seed, split: 'id', set: 'id', velocityError: id, n: 128, nanCount: 0 });
      rows.push({ scenario: 'uniform', model: p, dataSize: n, seed, split: 'ood', set: 'ood-v', velocityError: id * 12, n: 128, nanCount: 0 });
    }
    rows.push({ scenario: 'collision', model: 'q64', dataSize: 256, seed: 1, split: 'id', set: 'id', velocityError: 0.5, n: 128, nanCount: 0 });
    const pr = recipeGridProgress(rows);
    assert.deepEqual(pr.map((p) => [p.scenario, p.models, p.completeCells, p.complete]), [['uniform', 24, 8, true], ['collision', 1, 0, false], ['parabola', 0, 0, false]]);
    const md = recipeGridMarkdown(rows);
    assert.match(md, /collision: 1 of 24 models, 0 of 8 cells with all 3 seeds — no verdict/);
    assert.match(md, /\*\*uniform: /);
    assert.doesNotMatch(md, /\*\*collision: /);
    assert.match(md, /\| collision \| q64 \| 256 \| 1 \| 0\.500 \| n\/a \| n\/a \| n\/a \| n\/a \| 50\.0x \|/, 'one seed: n/a, never ±0');
    assert.match(md, /\| uniform \| q128 \| 256 \| 3 \| 0\.110 \| 0\.0\d\d \| 1\.320 \| 0\.\d+ \| 12\.0 \| 11\.0x \|/);
    assert.match(recipeGridMarkdown(null), /not run yet/);
  });
});
