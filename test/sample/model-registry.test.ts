import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardInput, listModels, loadModel, readModelCard, registryBytes, writeModel } from '../../lib/sample/model-registry';
import { sampleFromTrainer } from '../../lib/sample/from-trainer';
import { sampleVideos } from '../../lib/sample/sample-videos';
import { DiTTrainer } from '../../lib/train/trainer';
import { useWasm } from '../model/helpers';
import { tinyRun, tinySource } from '../train/helpers';

const input: CardInput = {
  experiment: 'test-exp',
  profile: 'smoke',
  description: 'a tiny model made on the fly',
  unit: { id: 'train/tiny/s5', hash: '0000000000000000', commit: null, seconds: null },
  trainedOn: { set: 'synthetic squares' },
  numbers: {},
  numbersFrom: 'none',
  experimentConfig: {},
  sampling: { seed: 7, steps: 4, condFrames: 2, batchSize: 16 },
};

describe('sample/model-registry', function () {
  this.timeout(120_000);
  let dir: string;
  let trainer: DiTTrainer;
  before(async () => {
    await useWasm();
    dir = mkdtempSync(join(tmpdir(), 'phylab-models-'));
    trainer = DiTTrainer.create({ config: tinyRun(5, { steps: 6 }), source: tinySource() });
    await trainer.train();
    await trainer.save(join(dir, 'run', 'checkpoint'));
  });
  after(() => {
    trainer.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writeModel ships the EMA weights and config only, with checksums and a card; loadModel samples the same bytes as the trainer', async () => {
    const root = join(dir, 'models');
    const card = writeModel('test-exp/smoke/tiny-s5', join(dir, 'run'), input, { root });
    assert.deepEqual(listModels(root), ['test-exp/smoke/tiny-s5']);
    assert.ok(existsSync(join(root, 'test-exp/smoke/tiny-s5/ema.bin')));
    assert.ok(!existsSync(join(root, 'test-exp/smoke/tiny-s5/optimizer.bin')), 'no optimizer state');
    assert.ok(!existsSync(join(root, 'test-exp/smoke/tiny-s5/weights.bin')), 'no training weights');
    assert.deepEqual(Object.keys(card.files).sort(), ['config.json', 'ema.bin']);
    assert.equal(card.vae, null, 'a pixel model has no VAE');
    assert.equal(card.sizeBytes, card.files['config.json'].bytes + card.files['ema.bin'].bytes);
    assert.equal(registryBytes(root), card.sizeBytes + readFileSync(join(root, 'test-exp/smoke/tiny-s5/card.json')).byteLength);
    assert.equal(card.steps, 6);
    assert.equal(card.seed, 5);
    assert.equal(card.params, trainer.model.numParams());
    assert.deepEqual(readModelCard('test-exp/smoke/tiny-s5', root), card);
    const m = loadModel('test-exp/smoke/tiny-s5', { root });
    try {
      const src = tinySource(9);
      const cond = [0, 1, 2].map((i) => src.frames(i).slice(0, 2 * 8 * 8 * 3));
      const a = await sampleVideos({ model: m.model, autoencoder: m.autoencoder, diffusion: m.meta.config.diffusion, conditioning: cond, frameShape: src.frameShape, seed: 7, steps: 4 });
      const b = await sampleFromTrainer(trainer, cond, { seed: 7, steps: 4 });
      assert.deepEqual(a, b, 'the shipped EMA weights sample exactly as the trainer\'s EMA weights');
    } finally {
      m.model.dispose();
      m.autoencoder.dispose();
    }
  });

  it('a corrupted, truncated or missing file fails with a message naming it', () => {
    const root = join(dir, 'bad');
    writeModel('test-exp/smoke/tiny-s5', join(dir, 'run'), input, { root });
    const ema = join(root, 'test-exp/smoke/tiny-s5/ema.bin');
    const bytes = readFileSync(ema);
    const flipped = Buffer.from(bytes);
    flipped[100] ^= 0xff;
    writeFileSync(ema, flipped);
    assert.throws(() => loadModel('test-exp/smoke/tiny-s5', { root }), (e: Error) => e.message.includes(ema) && /fails its checksum/.test(e.message));
    writeFileSync(ema, bytes.subarray(0, 1000));
    assert.throws(() => loadModel('test-exp/smoke/tiny-s5', { root }), (e: Error) => e.message.includes(ema) && /has 1000 bytes/.test(e.message));
    unlinkSync(ema);
    assert.throws(() => loadModel('test-exp/smoke/tiny-s5', { root }), (e: Error) => e.message.includes(ema) && /is missing/.test(e.message));
    assert.throws(() => loadModel('test-exp/smoke/nope', { root }), /no model 'test-exp\/smoke\/nope'.*shipped models: test-exp\/smoke\/tiny-s5/);
    assert.throws(() => loadModel('Tiny', { root }), /is not <experiment>\/<profile>\/<model>/);
  });
});
