import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectionFlipConfig, experiment } from '../../../lib/experiments/case-matching/direction-flip';
import { evalRecords, evalVideos } from '../../../lib/experiments/case-matching/units';
import type { Row } from '../../../lib/experiments/core/experiment';
import { loadSummary, runExperiment } from '../../../lib/experiments/core/runner';
import { generateLike, uniformConfigOf } from '../../../lib/experiments/models/ask-uniform';
import { exportDirectionFlipModels, flipModelName, flipModelNumbers } from '../../../lib/experiments/models/direction-flip-models';
import { defaultModelsRoot, listModels, loadModel, registryBytes } from '../../../lib/sample/model-registry';
import { initBackend } from '../../../lib/runtime/backend';

/** The first `n` evaluation videos of a model, sampled from its shipped weights as the experiment's eval unit did (same videos, seed, steps, batch), scored by the same parser. */
async function regenerate(name: string, evalSet: 'test' | 'baseline', n: number, root?: string) {
  const m = loadModel(name, { root });
  try {
    const c = uniformConfigOf(m) as DirectionFlipConfig;
    const videos = evalVideos(c, evalSet === 'test' ? c.testVelocity : c.trainVelocity).slice(0, n);
    return evalRecords(c, videos, await generateLike(m, videos));
  } finally {
    m.model.dispose();
    m.autoencoder.dispose();
  }
}

const rowsOf = (rows: Row[], set: string, seed: number, evalSet: string) => rows.filter((r) => r.set === set && r.seed === seed && r.evalSet === evalSet);

describe('experiments/models/direction-flip-models', function () {
  this.timeout(300_000);
  before(() => initBackend({ quiet: true }));

  it('the shipped quick models: seed 1 of Set-1, Set-2 and control, a few MB, cards whose numbers are the shipped summary\'s', () => {
    const names = listModels().filter((n) => n.startsWith('direction-flip/quick/'));
    assert.deepEqual(names, ['direction-flip/quick/control-s1', 'direction-flip/quick/set-1-s1', 'direction-flip/quick/set-2-s1']);
    assert.ok(registryBytes() < 30e6, `registry under 30 MB: ${registryBytes()}`);
    const s = loadSummary('direction-flip', 'quick')!;
    const units = s.run.units as Array<{ id: string; hash: string; commit: string }>;
    for (const set of ['Set-1', 'Set-2', 'control']) {
      const m = loadModel(flipModelName('quick', set, 1));
      try {
        const u = units.find((x) => x.id === `train/${set}/q64/s1`)!;
        assert.deepEqual([m.card.unit.id, m.card.unit.hash, m.card.unit.commit], [u.id, u.hash, u.commit]);
        assert.deepEqual(m.card.numbers, { ...flipModelNumbers(s.rows, set, 1, 0.5) }, `${set}: the card's numbers are the summary's`);
        assert.equal(m.card.steps, 6000);
        assert.equal(m.card.trainedOn.set, set);
      } finally {
        m.model.dispose();
        m.autoencoder.dispose();
      }
    }
  });

  it('load → sample reproduces the shipped summary\'s generated velocities exactly (first 16 held-out videos of each model, same seed)', async () => {
    const s = loadSummary('direction-flip', 'quick')!;
    const cases: Array<[string, 'test' | 'baseline']> = [['Set-1', 'test'], ['Set-2', 'test'], ['control', 'test'], ['Set-1', 'baseline']];
    for (const [set, evalSet] of cases) {
      const recs = await regenerate(flipModelName('quick', set, 1), evalSet, 16);
      const rows = rowsOf(s.rows, set, 1, evalSet);
      for (const r of recs) {
        const row = rows.find((x) => x.index === r.index)!;
        assert.equal(r.conditionVelocity, row.conditionVelocity, `${set} ${evalSet} video ${r.index}: same conditioning`);
        assert.equal(r.generatedVelocity, row.generatedVelocity, `${set} ${evalSet} video ${r.index}: generated velocity`);
        assert.equal(r.intact, row.intact);
      }
    }
  });

  it('a corrupted weights file of a shipped model (or of its VAE) fails naming the file', () => {
    const root = mkdtempSync(join(tmpdir(), 'phylab-models-bad-'));
    try {
      cpSync(defaultModelsRoot(), root, { recursive: true });
      const name = flipModelName('quick', 'Set-1', 1);
      const ema = join(root, name, 'ema.bin');
      const b = readFileSync(ema);
      b[12345] ^= 0x01;
      writeFileSync(ema, b);
      assert.throws(() => loadModel(name, { root }), (e: Error) => e.message.includes(ema) && /fails its checksum/.test(e.message));
      const card = JSON.parse(readFileSync(join(root, name, 'card.json'), 'utf8')) as { vae: { id: string } };
      const vaeWeights = join(root, 'vae', card.vae.id, 'weights.bin');
      writeFileSync(vaeWeights, readFileSync(vaeWeights).subarray(0, 100));
      assert.throws(() => loadModel(flipModelName('quick', 'Set-2', 1), { root }), (e: Error) => e.message.includes(vaeWeights) && /frame VAE/.test(e.message));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('smoke: a tiny model trained on the fly round-trips through export → load → sample (same velocities as its eval unit)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-flip-models-'));
    try {
      const c: DirectionFlipConfig = { ...experiment.defaultConfig('smoke'), sets: ['Set-1'] };
      const out = join(dir, 'out');
      const r = await runExperiment(experiment, c, { profile: 'smoke', cacheDir: join(dir, 'cache'), outDir: out, silent: true });
      assert.ok(r.complete);
      const root = join(dir, 'models');
      const [card] = exportDirectionFlipModels({ profile: 'smoke', cacheDir: join(dir, 'cache'), resultsDir: out, root });
      assert.equal(card.name, 'direction-flip/smoke/set-1-s1');
      assert.ok(card.vae, 'smoke diffuses VAE latents: the VAE is shipped');
      const recs = await regenerate(card.name, 'test', c.evalCount, root);
      const rows = rowsOf(r.rows, 'Set-1', 1, 'test');
      assert.equal(recs.length, rows.length);
      for (const x of recs) assert.equal(x.generatedVelocity, rows.find((y) => y.index === x.index)!.generatedVelocity, `video ${x.index}`);
      assert.throws(() => exportDirectionFlipModels({ profile: 'smoke', cacheDir: join(dir, 'nocache'), resultsDir: out, root }), /no checkpoint of train\/Set-1\/tiny\/s1 at .*nocache/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
