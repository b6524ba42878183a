import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModelForSampling } from '../../lib/sample/load-model';
import { readCheckpointMeta, resolveCheckpointDir } from '../../lib/train/checkpoint';
import { DiTTrainer } from '../../lib/train/trainer';
import { randn, useWasm } from '../model/helpers';
import { tinyRun, tinySource } from './helpers';

describe('train/checkpoint', () => {
  let dir: string;
  before(useWasm);
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'phylab-ck-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('save/load round trip gives identical outputs; folder layout; config embeds the model config', async () => {
    const ck = join(dir, 'checkpoint');
    const tr = DiTTrainer.create({ config: tinyRun(4, { steps: 3 }), source: tinySource(), checkpointDir: ck });
    await tr.train();
    assert.deepEqual(readdirSync(ck).sort(), ['config.json', 'ema.bin', 'optimizer.bin', 'weights.bin']);
    const meta = readCheckpointMeta(dir); // a run folder works too
    assert.deepEqual(meta.config.model, tr.config.model);
    assert.equal(meta.step, 3);
    assert.deepEqual(meta.rng, { kind: 'counter', seed: 4, step: 3 });
    const loaded = loadModelForSampling(ck);
    tf.tidy(() => {
      const inp = {
        xt: randn([2, 4, 8, 8, 3], 1) as tf.Tensor5D,
        cond: randn([2, 4, 8, 8, 3], 2) as tf.Tensor5D,
        mask: tf.ones([2, 4, 8, 8, 1]) as tf.Tensor5D,
        t: tf.tensor1d([3, 700]),
      };
      const a = tr.model.apply(tr.ema, inp).dataSync();
      const b = loaded.model.forward(inp).dataSync();
      assert.ok(a.some((x) => x !== 0), 'trained model output is not trivially zero');
      assert.deepEqual(b, a);
    });
    loaded.model.dispose();
    tr.dispose();
  });

  it('a kill between the two renames of a save leaves a loadable checkpoint (.old)', async () => {
    const ck = join(dir, 'checkpoint');
    const tr = DiTTrainer.create({ config: tinyRun(4, { steps: 1 }), source: tinySource(), checkpointDir: ck });
    await tr.train();
    tr.dispose();
    renameSync(ck, `${ck}.old`); // state right after the first rename
    assert.ok(!existsSync(ck));
    assert.equal(resolveCheckpointDir(ck), `${ck}.old`);
    assert.equal(readCheckpointMeta(dir).step, 1);
  });
});
