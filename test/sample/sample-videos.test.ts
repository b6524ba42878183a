import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readVideoPngs, sampleVideos, writeVideoPngs } from '../../lib/sample/sample-videos';
import { DiTTrainer } from '../../lib/train/trainer';
import { useWasm } from '../model/helpers';
import { tinyRun, tinySource } from '../train/helpers';

describe('sample/sample-videos', function () {
  this.timeout(60000);
  before(useWasm);

  it('K videos from conditioning frames: shape, given frames kept, seeded and batch-independent, no leaks', async () => {
    const tr = DiTTrainer.create({ config: tinyRun(5, { steps: 4 }), source: tinySource() });
    await tr.train();
    const src = tinySource(9);
    const fb = 8 * 8 * 3;
    const conditioning = [src.frames(0).slice(0, 2 * fb), src.frames(1).slice(0, fb), src.frames(2).slice(0, 3 * fb)];
    const base = { model: tr.model, params: tr.ema, autoencoder: tr.autoencoder, diffusion: { ...tr.config.diffusion, sampleSteps: 4 }, conditioning, frameShape: src.frameShape, seed: 11 };
    const before = tf.memory().numTensors;
    const a = await sampleVideos({ ...base, batchSize: 3 });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(a.length, 3);
    for (const v of a) assert.equal(v.length, 4 * fb);
    conditioning.forEach((c, i) => assert.deepEqual(a[i].subarray(0, c.length), c, `video ${i} keeps its conditioning frames`));
    const b = await sampleVideos({ ...base, batchSize: 1 });
    assert.deepEqual(b, a, 'same seed, other batching: same bytes');
    const c = await sampleVideos({ ...base, batchSize: 3, seed: 12, sampler: 'ancestral' });
    assert.notDeepEqual(c[0].subarray(2 * fb), a[0].subarray(2 * fb));
    tr.dispose();
  });

  it('diffusion.latentScale: the model sees latents × scale (another loss), sampling keeps the given frames and leaks nothing; 1 is the default', async () => {
    const run = (latentScale?: number) => {
      const cfg = tinyRun(5, { steps: 3 });
      return DiTTrainer.create({ config: { ...cfg, diffusion: { ...cfg.diffusion, ...(latentScale === undefined ? {} : { latentScale }) } }, source: tinySource() });
    };
    const [plain, one, two] = [run(), run(1), run(2)];
    const lp = (await plain.train()).losses;
    assert.deepEqual((await one.train()).losses, lp, 'latentScale 1 is the default');
    assert.notDeepEqual((await two.train()).losses, lp);
    const src = tinySource(9);
    const fb = 8 * 8 * 3;
    const conditioning = [src.frames(0).slice(0, 2 * fb), src.frames(1).slice(0, 3 * fb)];
    const before = tf.memory().numTensors;
    const out = await sampleVideos({ model: two.model, params: two.ema, autoencoder: two.autoencoder, diffusion: { ...two.config.diffusion, sampleSteps: 3 }, conditioning, frameShape: src.frameShape, seed: 3 });
    assert.equal(tf.memory().numTensors, before);
    conditioning.forEach((c, i) => assert.deepEqual(out[i].subarray(0, c.length), c, `video ${i} keeps its conditioning frames`));
    for (const t of [plain, one, two]) t.dispose();
  });

  it('PNG frames round trip (frame-000.png …)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-png-'));
    const clip = tinySource().frames(0);
    writeVideoPngs(join(dir, 'video-000'), clip, [4, 8, 8, 3]);
    assert.deepEqual(readdirSync(join(dir, 'video-000')), ['frame-000.png', 'frame-001.png', 'frame-002.png', 'frame-003.png']);
    const r = readVideoPngs(join(dir, 'video-000'), 2);
    assert.equal(r.count, 2);
    assert.deepEqual(r.frames, clip.subarray(0, 2 * 8 * 8 * 3));
    rmSync(dir, { recursive: true, force: true });
  });
});
