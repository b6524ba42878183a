import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultIdOodConfig, experiment, IdOodConfig, SET_SCORES } from '../../../lib/experiments/id-ood/experiment';
import { loadSummary, loadUnitResults, runExperiment } from '../../../lib/experiments/core/runner';
import { resultOf } from '../../../lib/experiments/core/unit-results';
import { askUniform, queryVideo } from '../../../lib/experiments/models/ask-uniform';
import { evaluateIdOodModel, exportIdOodModels, headlineCell, idOodModelName, idOodModelNumbers, reproduceIdOodModel, SetReproduction } from '../../../lib/experiments/models/id-ood-models';
import { defaultModelsRoot, loadModel } from '../../../lib/sample/model-registry';
import { readShippedUnit } from '../../../lib/experiments/core/shipped-units';
import { RECIPE_GRID_STEPS } from '../../../lib/experiments/id-ood/config';
import { defaultResultsDir } from '../../../lib/experiments/core/results-folder';
import { initBackend } from '../../../lib/runtime/backend';

/** The shipped headline model of notebook 01 (uniform, q128, 16384 videos, seed 1), from the recipe grid. */
const HEADLINE = idOodModelName('quick', { scenario: 'uniform', preset: 'q128', n: 16384, seed: 1 });

describe('experiments/models/id-ood-models', function () {
  this.timeout(600_000);
  before(() => initBackend({ quiet: true }));

  it('names and the headline cell of a config', () => {
    assert.equal(HEADLINE, 'id-ood/quick/uniform-q128-n16384-s1');
    assert.deepEqual(headlineCell(defaultIdOodConfig('quick')), { scenario: 'uniform', preset: 'q128', n: 16384, seed: 1 });
  });

  it('the shipped headline model is the recipe grid\'s (id-ood\'s quick default): its card names the unit of that run\'s run.json and its numbers are its summary\'s', () => {
    const s = loadSummary('id-ood', 'quick', defaultResultsDir('id-ood', 'quick'))!;
    const u = (s.run.units as Array<{ id: string; hash: string; commit: string }>).find((x) => x.id === 'train/uniform/q128/n16384/s1')!;
    const m = loadModel(HEADLINE);
    try {
      assert.equal(m.card.results, 'data/results/id-ood/quick');
      assert.deepEqual([m.card.unit.id, m.card.unit.hash, m.card.unit.commit], [u.id, u.hash, u.commit]);
      const numbers = idOodModelNumbers(s.rows, { scenario: 'uniform', preset: 'q128', n: 16384, seed: 1 });
      assert.deepEqual(m.card.numbers, { ...numbers });
      const idRow = s.rows.find((r) => r.scenario === 'uniform' && r.model === 'q128' && r.dataSize === 16384 && r.seed === 1 && r.set === 'id')!;
      assert.equal(numbers.id, idRow.velocityError);
      assert.deepEqual(m.card.trainedOn.velocity, [[1, 4]]);
      assert.equal(m.card.trainedOn.dataSeed, 1, 'the recipe grid draws each seed\'s training videos');
      assert.equal(m.card.steps, RECIPE_GRID_STEPS);
      const train = m.meta.config.train;
      assert.deepEqual([train.lr, train.lrSchedule, train.warmupSteps, train.minLrRatio], [0.002, 'cosine', 500, 0.05], 'the recipe, its peak scaled to width 128');
    } finally {
      m.model.dispose();
      m.autoencoder.dispose();
    }
  });

  it('the shipped checkpoint (a retrain of its unit, declared on its card) reproduces the shipped evaluation: live, the first 16 ID videos exactly; its record, every set within 0.001 u/s', async () => {
    // scripts/reproduce-id-ood-model.ts re-ran all four sets (416 videos) into data/models/<model>.reproduction.json;
    // bit-identity there depends on the machine's float rounding (the record names its BLAS core): 416 of 416 on
    // 2026-12-06, 414 of 416 (2 videos off by 0.0002 u/s, the same with that day's code) on 2026-12-07's machine
    const rep = JSON.parse(readFileSync(join(defaultModelsRoot(), `${HEADLINE}.reproduction.json`), 'utf8')) as { exact: boolean; what: string; sets: SetReproduction[] };
    assert.match(rep.what, /shipped in data\/results\/id-ood\/quick /, 'against the eval unit in the default results folder');
    assert.deepEqual(rep.sets.map((x) => x.videos), [128, 96, 96, 96]);
    for (const x of rep.sets) {
      assert.ok(x.maxVelocityChange <= 1e-3, `${x.set}: a video's velocity moved by ${x.maxVelocityChange} u/s`);
      assert.ok(Math.abs(x.reEvaluated.velocityError - x.summary.velocityError) < 1e-4, `${x.set}: set error moved`);
    }
    assert.equal(rep.exact, rep.sets.every((x) => x.videosIdentical === x.videos));
    const s = loadSummary('id-ood', 'quick', defaultResultsDir('id-ood', 'quick'))!;
    const evalRec = (s.run.units as Array<{ id: string; hash: string }>).find((x) => x.id === 'eval/uniform/q128/n16384/s1')!;
    const recorded = resultOf({ e: readShippedUnit(defaultResultsDir('id-ood', 'quick'), evalRec.hash)!.result }, 'e', SET_SCORES)!;
    const m = loadModel(HEADLINE);
    try {
      assert.ok(m.card.checkpoint && m.card.checkpoint.commit !== m.card.unit.commit, 'the card says which run wrote the checkpoint');
      const got = await evaluateIdOodModel(m, 'id', 16);
      assert.deepEqual(got.videos, recorded.id.videos.slice(0, 16), 'same seed, same numbers');
    } finally {
      m.model.dispose();
      m.autoencoder.dispose();
    }
  });

  it('smoke: a tiny id-ood run round-trips through export → load → evaluate (same numbers as its eval unit) and answers a query', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-idood-models-'));
    try {
      const c: IdOodConfig = { ...defaultIdOodConfig('smoke'), scenarios: ['uniform'], dataSizes: [16] };
      const out = join(dir, 'out');
      const opts = { profile: 'smoke' as const, seeds: [1], cacheDir: join(dir, 'cache'), outDir: out, silent: true };
      const r = await runExperiment(experiment, c, opts);
      assert.ok(r.complete);
      const root = join(dir, 'models');
      const [card] = exportIdOodModels({ profile: 'smoke', cacheDir: join(dir, 'cache'), resultsDir: out, root });
      assert.equal(card.name, 'id-ood/smoke/uniform-tiny-n16-s1');
      assert.equal(card.results, out, 'the run folder its numbers come from');
      assert.ok(card.vae, 'smoke diffuses VAE latents: the VAE is shipped');
      assert.equal(card.checkpoint?.commit, r.units.find((u) => u.id === card.unit.id)?.commit, 'the run that wrote the checkpoint');
      assert.deepEqual(card.numbers, { ...idOodModelNumbers(r.rows, { scenario: 'uniform', preset: 'tiny', n: 16, seed: 1 }) });
      const results = loadUnitResults(experiment, c, [1], opts);
      const ev = resultOf(results, 'eval/uniform/tiny/n16/s1', SET_SCORES)!;
      const m = loadModel(card.name, { root });
      try {
        for (const set of ['id', 'ood-r', 'ood-v']) {
          const got = await evaluateIdOodModel(m, set);
          assert.deepEqual([got.error, got.n, got.nDropped, got.nanCount], [ev[set].error, ev[set].n, ev[set].nDropped, ev[set].nanCount], set);
          assert.deepEqual(got.videos, ev[set].videos, `${set}: every video's record`);
        }
        const rep = await reproduceIdOodModel(m, ev);
        assert.deepEqual(rep.map((x) => x.set), ['id', 'ood-r', 'ood-v', 'ood-r+v']);
        for (const x of rep) {
          assert.deepEqual(x.reEvaluated, x.summary, x.set);
          assert.deepEqual([x.videosIdentical, x.maxErrorChange, x.maxVelocityChange], [x.videos, 0, 0], x.set);
        }
        const v = queryVideo(m, { velocity: 5.5, radius: 1.1 }, 1);
        assert.equal(v.states[2].toFixed(4), '5.5000');
        assert.equal(v.objects[0].radius.toFixed(4), '1.1000');
        assert.deepEqual(v.frameShape, [c.frames, c.size, c.size, 3]);
        const [a, b] = await askUniform(m, [{ velocity: 5.5 }, { velocity: 2 }]);
        assert.equal(a.velocityInTraining, false, '5.5 u/s is above id-ood\'s ID speeds (1–4)');
        assert.equal(b.velocityInTraining, true);
        assert.equal(a.intact, null, 'id-ood\'s parser has no integrity check');
        assert.ok(a.truthVelocity !== null && Math.abs(a.truthVelocity - 5.5) < 0.3, `the parser reads the true clip: ${a.truthVelocity}`);
        assert.ok(a.velocityError === null || a.velocityError >= 0);
        await assert.rejects(evaluateIdOodModel(m, 'ood-x'), /set must be one of id, ood-r, ood-v, ood-r\+v/);
      } finally {
        m.model.dispose();
        m.autoencoder.dispose();
      }
      assert.throws(() => exportIdOodModels({ profile: 'smoke', cacheDir: join(dir, 'nocache'), resultsDir: out, root }), /no checkpoint of train\/uniform\/tiny\/n16\/s1 at .*nocache/);
      const unitDir = join(dir, 'cache', 'id-ood', card.unit.hash);
      renameSync(join(unitDir, 'result.json'), join(unitDir, 'result.json.away'));
      assert.throws(() => exportIdOodModels({ profile: 'smoke', cacheDir: join(dir, 'cache'), resultsDir: out, root }), /train\/uniform\/tiny\/n16\/s1 at .* has not finished \(no result.json; its checkpoint is at step 30\)/);
      assert.throws(() => exportIdOodModels({ profile: 'smoke', cacheDir: join(dir, 'cache'), resultsDir: out, root, cells: [{ scenario: 'uniform', preset: 'tiny', n: 99, seed: 1 }] }), /the plan of the shipped config has no unit train\/uniform\/tiny\/n99\/s1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
