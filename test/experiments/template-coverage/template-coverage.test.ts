import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cells, experiment, markFrames, TEMPLATE_SETS } from '../../../lib/experiments/template-coverage/index';
import { inTemplateVideos, outOfTemplateVideos, trainAddress, trainVideos, TRAIN_TRIALS } from '../../../lib/experiments/template-coverage/data';
import { runExperiment } from '../../../lib/experiments/core/runner';
import { getExperiment } from '../../../lib/experiments/core/registry';
import '../../../lib/experiments/all';
import { useWasm } from '../../model/helpers';

describe('experiments/template-coverage', function () {
  this.timeout(300_000);
  before(useWasm);

  it('is registered and plans features, floor, vae, then train/eval with the first seed of every set first', () => {
    assert.equal(getExperiment('template-coverage')?.name, 'template-coverage');
    const c = experiment.defaultConfig('quick');
    const units = experiment.plan(c, [1, 2, 3]);
    assert.equal(units.length, 3 + 2 * 9);
    assert.deepEqual(units.slice(0, 5).map((u) => u.id), ['features', 'floor', 'vae', 'train/t6/s1', 'eval/t6/s1']);
    assert.deepEqual(cells(c, [1, 2]).map((x) => `${x.templates}/${x.seed}`), ['6/1', '30/1', '60/1', '6/2', '30/2', '60/2']);
    assert.equal(c.condFrames, 1);
    assert.deepEqual(c.train.condFrames, [1]);
    // the e2e recipe
    assert.equal(c.train.lr, 4e-3);
    assert.equal(c.train.lrSchedule, 'cosine');
    assert.equal(c.train.minLrRatio, 0.05);
    assert.equal(c.train.warmupSteps, 500);
    assert.equal(c.train.batchSize, 32);
  });

  it('rejects bad settings naming the key and what is allowed', () => {
    const c = experiment.defaultConfig('smoke');
    assert.throws(() => experiment.validate!({ ...c, templateSets: [7] }, [1]), /templateSets: '7' is not allowed; allowed: 6, 30, 60/);
    assert.throws(() => experiment.validate!({ ...c, condFrames: 4 }, [1]), /condFrames must be an integer in \[1, 3\]/);
    assert.throws(() => experiment.validate!({ ...c, preset: 'huge' }, [1]), /preset: 'huge' is not allowed/);
  });

  it('seeds draw the training clips; evaluation clips are held out and the same for every seed', () => {
    const c = { ...experiment.defaultConfig('smoke'), perTemplate: 3 };
    const a = trainVideos(c, 6, 1);
    const b = trainVideos(c, 6, 2);
    assert.equal(a.length, 18);
    assert.deepEqual([...new Set(a.map((v) => v.template))], [...TEMPLATE_SETS[6]]);
    assert.notDeepEqual(a.map((v) => `${v.taskSeed}:${v.trial}`), b.map((v) => `${v.taskSeed}:${v.trial}`));
    assert.ok(a.every((v) => v.trial < TRAIN_TRIALS && v.taskSeed < 100));
    assert.deepEqual(trainAddress(1, 3, 0), trainAddress(1, 3, 0));
    const inT = inTemplateVideos({ ...c, inCount: 12 }, 6);
    assert.ok(inT.every((v) => v.trial >= TRAIN_TRIALS && TEMPLATE_SETS[6].includes(v.template)));
    const out = outOfTemplateVideos({ ...c, outCount: 20 });
    assert.deepEqual([...new Set(out.map((v) => v.template))], [60, 61, 62, 63, 64, 65, 66, 67, 68, 69]);
  });

  it('markFrames frames only the flagged frames', () => {
    const v = new Uint8Array(2 * 4 * 4 * 3).fill(255);
    const m = markFrames(v, 2, 4, 4, [1]);
    assert.equal(m[0], 255);
    assert.deepEqual([...m.subarray(48, 51)], [230, 0, 230]);
    assert.deepEqual([...m.subarray(48 + (1 * 4 + 1) * 3, 48 + (1 * 4 + 1) * 3 + 3)], [255, 255, 255]);
  });

  it('smoke: runs end to end, one row per scored video with the issue\'s columns, the Fréchet table, a rerun hits the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-tc-'));
    try {
      const c = { ...experiment.defaultConfig('smoke'), templateSets: [6, 60] };
      const opts = { profile: 'smoke' as const, cacheDir: join(dir, 'cache'), outDir: join(dir, 'out'), silent: true };
      const r1 = await runExperiment(experiment, c, opts);
      assert.ok(r1.complete);
      const gen = r1.rows.filter((r) => r.model === c.preset);
      assert.equal(gen.length, 2 * (c.inCount + c.outCount));
      for (const r of gen) {
        for (const k of ['templates', 'seed', 'split', 'template', 'ssim', 'psnr', 'lpipsSim', 'spatialIou', 'spatiotemporalIou', 'weightedSpatialIou', 'abnormal', 'abnormalKinds']) assert.ok(k in r, `row has ${k}`);
        assert.ok(Array.isArray(r.abnormalKinds));
        assert.equal(typeof r.abnormal, 'boolean');
        assert.ok(r.split === 'in-template' ? TEMPLATE_SETS[r.templates as number].includes(r.template as number) : (r.template as number) >= 60);
      }
      // ground truth scored against itself
      for (const r of r1.rows.filter((x) => x.model === 'gt')) assert.equal(r.ssim, 1);
      assert.ok(r1.rows.some((r) => r.model === 'vae'));
      const fr = JSON.parse(readFileSync(join(dir, 'out', 'frechet.json'), 'utf8')) as Array<Record<string, unknown>>;
      assert.equal(fr.filter((r) => r.model === c.preset).length, 4);
      assert.ok(existsSync(join(dir, 'out', 'examples')));
      const r2 = await runExperiment(experiment, c, opts);
      assert.ok(r2.units.every((u) => u.cached));
      assert.deepEqual(r2.rows, r1.rows);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
