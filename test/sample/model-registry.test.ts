import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardInput, convertModel, listModels, loadModel, modelWeights, readModelCard, registryBytes, writeModel } from '../../lib/sample/model-registry';
import { fromFloat16, toFloat16 } from '../../lib/runtime/float16';
import { packTensors } from '../../lib/model/params';
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

  it('float16: half the weight bytes, the card records the dtype, loadModel widens back to exactly the rounded float32 values', async () => {
    const root = join(dir, 'half');
    const name = 'test-exp/smoke/tiny-s5';
    const full = writeModel(name, join(dir, 'run'), input, { root: join(dir, 'full') });
    const card = writeModel(name, join(dir, 'run'), input, { root, dtype: 'float16' });
    assert.equal(card.dtype, 'float16');
    assert.deepEqual(Object.keys(card.files).sort(), ['config.json', 'ema.f16.bin']);
    assert.equal(card.files['ema.f16.bin'].bytes * 2, full.files['ema.bin'].bytes);
    assert.ok(!existsSync(join(root, name, 'ema.bin')));
    const f32 = modelWeights(name, { root: join(dir, 'full') });
    const rounded = fromFloat16(toFloat16(f32));
    assert.deepEqual(modelWeights(name, { root }), rounded);
    const m = loadModel(name, { root });
    try {
      const packed = await packTensors(m.model.params, m.meta.tensors);
      assert.deepEqual(new Float32Array(packed.buffer, packed.byteOffset, packed.byteLength / 4), rounded, 'the loaded model holds the widened float16 weights');
    } finally {
      m.model.dispose();
      m.autoencoder.dispose();
    }
    const bad = JSON.parse(readFileSync(join(root, name, 'card.json'), 'utf8'));
    writeFileSync(join(root, name, 'card.json'), JSON.stringify({ ...bad, dtype: 'int8' }));
    assert.throws(() => readModelCard(name, root), /has dtype 'int8'; allowed: float32, float16/);
  });

  it('convertModel: float32 → float32 elsewhere gives the same bytes; → float16 and back keeps the card but the rounded weights', () => {
    const a = join(dir, 'conv-a');
    const name = 'test-exp/smoke/tiny-s5';
    writeModel(name, join(dir, 'run'), input, { root: a });
    const b = join(dir, 'conv-b');
    convertModel(name, 'float32', { root: a, toRoot: b });
    for (const f of ['card.json', 'config.json', 'ema.bin']) assert.ok(readFileSync(join(a, name, f)).equals(readFileSync(join(b, name, f))), f);
    const half = convertModel(name, 'float16', { root: a, toRoot: join(dir, 'conv-c') });
    assert.equal(half.dtype, 'float16');
    const back = convertModel(name, 'float32', { root: join(dir, 'conv-c'), toRoot: join(dir, 'conv-d') });
    const { files: _f, sizeBytes: _s, dtype: _d, ...rest } = back;
    const { files: _f2, sizeBytes: _s2, dtype: _d2, ...orig } = readModelCard(name, a);
    assert.deepEqual(rest, orig, 'every other field of the card is kept');
    assert.deepEqual(modelWeights(name, { root: join(dir, 'conv-d') }), fromFloat16(toFloat16(modelWeights(name, { root: a }))));
    convertModel(name, 'float16', { root: join(dir, 'conv-d') });
    assert.deepEqual(Object.keys(readModelCard(name, join(dir, 'conv-d')).files).sort(), ['config.json', 'ema.f16.bin']);
    assert.ok(!existsSync(join(dir, 'conv-d', name, 'ema.bin')), 'converting in place removes the other weights file');
  });
});
