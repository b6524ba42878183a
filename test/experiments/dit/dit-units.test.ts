import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { stepSecondsOf, withTrainedModel } from '../../../lib/experiments/dit/dit-units';
import { DiTTrainer } from '../../../lib/train/trainer';
import { useWasm } from '../../model/helpers';
import { tinyRun, tinySource } from '../../train/helpers';

describe('experiments/dit-units stepSecondsOf', () => {
  it('sums per-step times once per step (a resumed run repeats steps: the last entry counts), skipping a cut line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-steplog-'));
    try {
      const f = join(dir, 'train-log.jsonl');
      const e = (step: number, ms: number) => JSON.stringify({ step, loss: 0.1, ms });
      writeFileSync(f, [e(1, 1000), e(2, 500), e(3, 500), '{"step":4,"lo', e(3, 250), e(4, 250)].join('\n') + '\n');
      assert.equal(stepSecondsOf(f), 2.0);
      assert.equal(stepSecondsOf(join(dir, 'missing.jsonl')), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('experiments/dit-units withTrainedModel', function () {
  this.timeout(60_000);
  before(useWasm);

  it('refuses a partial checkpoint (a train unit another process is still training): nothing evaluated, no leak', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-partial-'));
    try {
      const tr = DiTTrainer.create({ config: tinyRun(5, { steps: 4, checkpointEvery: 2 }), source: tinySource(), checkpointDir: join(dir, 'checkpoint') });
      await tr.train({ untilStep: 2 });
      const before = tf.memory().numTensors;
      await assert.rejects(withTrainedModel(dir, { condFrames: 1, seed: 5, steps: 2 }, async () => 1), /checkpoint in .*checkpoint is at step 2 of 4: its train unit has not finished there/);
      assert.equal(tf.memory().numTensors, before);
      await tr.train();
      assert.equal(await withTrainedModel(dir, { condFrames: 1, seed: 5, steps: 2 }, async () => 1), 1, 'the finished checkpoint loads');
      tr.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
