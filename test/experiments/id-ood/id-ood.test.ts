/** The id-ood experiment end to end in the smoke profile, into a temp cache: rows, then cache hits on rerun. */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constantLrQuickConfig, dataConfig, defaultIdOodConfig, evalSets, experiment, resolvedPatch, SetScore } from '../../../lib/experiments/id-ood/experiment';
import { speedResponseFigure, speedResponses } from '../../../lib/experiments/id-ood/report';
import { loadUnitResults, runExperiment } from '../../../lib/experiments/core/runner';
import { initBackend } from '../../../lib/runtime/backend';

describe('experiments/id-ood (smoke)', function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phylab-idood-'));
    await initBackend({ quiet: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('trains, evaluates on ID and every OOD level, reports the floor, then hits the cache', async () => {
    const config = { ...defaultIdOodConfig('smoke'), scenarios: ['uniform' as const], dataSizes: [16, 32] };
    const opts = { profile: 'smoke' as const, seeds: [1], cacheDir: join(dir, 'cache'), outDir: join(dir, 'out'), silent: true };
    const r1 = await runExperiment(experiment, config, opts);
    assert.ok(r1.complete);
    const vaeRows = r1.rows.filter((r) => r.split === 'vae');
    assert.deepEqual(vaeRows.map((r) => r.set), ['id', 'ood-r', 'ood-v', 'ood-r+v'], 'the VAE reconstruction floor per evaluation set');
    assert.ok(vaeRows.every((r) => Number.isFinite(r.velocityError as number)));
    const sets = evalSets('uniform').map((s) => s.name);
    assert.deepEqual(sets, ['id', 'ood-r', 'ood-v', 'ood-r+v']);
    for (const n of [16, 32]) for (const set of sets) {
      const row = r1.rows.find((r) => r.model === 'tiny' && r.dataSize === n && r.set === set);
      assert.ok(row, `row for n=${n} ${set}`);
      for (const k of ['scenario', 'model', 'dataSize', 'seed', 'split', 'velocityError', 'n']) assert.ok(k in row!, `column ${k}`);
      assert.ok(Number.isFinite(row!.velocityError as number));
      assert.equal(Number(row!.n) + Number(row!.nDropped), set === 'id' ? config.idCount : config.oodCount, 'scored + left out (small balls) = drawn');
    }
    const floor = r1.rows.filter((r) => r.split === 'gt');
    assert.equal(floor.length, sets.length);
    for (const f of floor) assert.ok((f.velocityError as number) < 0.5, 'the parse floor is small');
    assert.ok(existsSync(join(dir, 'out', 'summary.csv')) && existsSync(join(dir, 'out', 'examples')));

    for (const r of r1.rows) assert.ok('velocityErrorAll' in r && 'nDropped' in r, 'rows carry the all-videos error and the small-ball count');

    const r2 = await runExperiment(experiment, config, opts);
    assert.ok(r2.units.every((u) => u.cached), 'every unit comes from the cache on rerun');
    assert.deepEqual(r2.rows, r1.rows);

    // per-video records, read back without running (cache, then the shipped copies in the summary folder)
    const results = loadUnitResults(experiment, config, [1], { profile: 'smoke', cacheDir: join(dir, 'cache'), outDir: join(dir, 'out') });
    assert.equal(Object.keys(results).length, r1.units.length);
    const fromShipped = loadUnitResults(experiment, config, [1], { profile: 'smoke', cacheDir: join(dir, 'empty-cache'), outDir: join(dir, 'out') });
    assert.deepEqual(fromShipped, results);
    const ev = results['eval/uniform/tiny/n32/s1'] as unknown as Record<string, SetScore>;
    assert.equal(ev.id.videos.length, config.idCount);
    for (const set of sets) assert.equal(ev[set].n + ev[set].nDropped, set === 'id' ? config.idCount : config.oodCount);
    const resp = speedResponses(config, [1], results);
    assert.equal(resp.length, 1);
    assert.deepEqual([resp[0].model, resp[0].dataSize, resp[0].seeds], ['tiny', 32, [1]], 'the largest cell, every seed');
    assert.ok(resp[0].points.every((p) => p.set === 'id' || p.set === 'ood-v'));
    assert.ok(speedResponseFigure(resp).data.length > 2);
  });

  it('quick plan (the constant-lr grid: headline seeds): priority order, per-scenario strides in the keys and datasets, 15000 steps', () => {
    const c = constantLrQuickConfig();
    assert.equal(c.train.steps, 15000);
    assert.deepEqual(c.frameStride, { uniform: 30, collision: 15, parabola: 30 });
    const units = experiment.plan(c, [1, 2, 3]);
    const trains = units.filter((u) => u.id.startsWith('train/')).map((u) => u.id);
    assert.deepEqual(c.dataSizes, [256, 1024, 4096, 16384]);
    assert.deepEqual(trains.slice(0, 6), ['train/uniform/q64/n256/s1', 'train/uniform/q64/n1024/s1', 'train/uniform/q64/n4096/s1', 'train/uniform/q64/n16384/s1', 'train/uniform/q128/n256/s1', 'train/uniform/q128/n16384/s1']);
    assert.equal(trains[6], 'train/collision/q64/n256/s1');
    assert.ok(trains.indexOf('train/uniform/q128/n256/s2') > trains.indexOf('train/parabola/q128/n16384/s1'), 'other seeds after every scenario\'s first seed');
    assert.equal(trains.length, 36, '3 scenarios × (4 sizes × 2 models + 2 headline sizes × 2 more seeds)');
    assert.equal(new Set(trains).size, 36);
    const key = (id: string) => units.find((u) => u.id === id)!.key as { frameStride: number };
    assert.equal(key('train/uniform/q64/n1024/s1').frameStride, 30);
    assert.equal(key('train/collision/q64/n1024/s1').frameStride, 15);
    assert.equal(dataConfig(c, 'collision', 'train', 1024).frameStride, 15);
    assert.equal(dataConfig(defaultIdOodConfig('paper'), 'uniform', 'train', 1024).frameStride, 10, 'the paper stride is written out (no field kept absent to preserve hashes)');
    // quick diffuses VAE latents: one VAE unit per scenario that every model of the scenario depends on
    assert.equal(c.latent, 'vae');
    assert.equal(c.patch, null);
    assert.deepEqual(resolvedPatch(c), [1, 2, 2]);
    const vaes = units.filter((u) => u.id.startsWith('vae/')).map((u) => u.id);
    assert.deepEqual(vaes, ['vae/uniform', 'vae/collision', 'vae/parabola']);
    const t1 = units.find((u) => u.id === 'train/collision/q64/n1024/s1')!;
    assert.deepEqual(t1.deps, ['vae/collision']);
    assert.deepEqual((t1.key as { vae: { version: string } }).vae.version, 'id-ood-vae-v1');
    // keys hold what the units use: the train key its resolved training set and the patch; floor, VAE and eval keys their resolved evaluation sets
    const tk = t1.key as { trainData: { count: number; frameStride: number; velocity: unknown }; patch: unknown };
    assert.deepEqual([tk.trainData.count, tk.trainData.frameStride, tk.trainData.velocity, tk.patch], [1024, 15, [[1, 4]], [1, 2, 2]]);
    const evalData = (id: string) => (units.find((u) => u.id === id)!.key as { evalData: Array<{ split: string; oodLevel: number; count: number }> }).evalData;
    for (const id of ['floor/collision', 'vae/collision', 'eval/collision/q64/n1024/s1']) assert.deepEqual(evalData(id).map((d) => [d.split, d.oodLevel, d.count]), [['id', 0, 128], ...[1, 2, 3, 4, 5, 6].map((l) => ['ood', l, 96])], id);
    assert.equal('evalData' in ((t1.key as { vae: { key: object } }).vae.key), false, 'a model names its VAE without the evaluation sets');
    // pixels: the preset's patch in the key, no VAE
    const pixel = { ...c, latent: 'pixel' as const };
    assert.equal(resolvedPatch(pixel), null);
    const pk = experiment.plan(pixel, [1]).find((u) => u.id === 'train/uniform/q64/n1024/s1')!;
    assert.deepEqual((pk.key as { patch: unknown }).patch, [1, 4, 4]);
    assert.equal('vae' in (pk.key as object), false);
    assert.equal(pk.deps, undefined);
    assert.equal(experiment.plan(pixel, [1]).some((u) => u.id.startsWith('vae/')), false);
  });
});
