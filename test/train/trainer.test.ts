import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../../lib/config/profile';
import { readCheckpointMeta, loadCheckpoint } from '../../lib/train/checkpoint';
import { DiTTrainer, NonFiniteLossError } from '../../lib/train/trainer';
import { ParamMap } from '../../lib/model/params';
import { useWasm } from '../model/helpers';
import { tinyRun, tinySource } from './helpers';

function bytes(p: ParamMap): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(p)) out[k] = Array.from(t.dataSync());
  return out;
}

describe('train/trainer', function () {
  this.timeout(120000);
  let dir: string;
  before(useWasm);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phylab-dit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a smoke training run lowers the loss', async () => {
    const tr = DiTTrainer.create({ config: tinyRun(1), source: tinySource() });
    const { losses } = await tr.train();
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    const first = mean(losses.slice(0, 8));
    const last = mean(losses.slice(-8));
    assert.equal(losses.length, 40);
    assert.ok(last < 0.75 * first, `loss ${first.toFixed(4)} → ${last.toFixed(4)}`);
    tr.dispose();
  });

  it('N steps straight = N/2 + save + load + N/2 (weights, EMA, optimizer state, losses)', async () => {
    const cfg = tinyRun(7, { steps: 6 });
    const straight = DiTTrainer.create({ config: cfg, source: tinySource() });
    const l1 = (await straight.train()).losses;
    const ck = join(dir, 'checkpoint');
    const log = join(dir, 'log.jsonl');
    const a = DiTTrainer.create({ config: cfg, source: tinySource(), checkpointDir: ck, logFile: log });
    const la = (await a.train({ untilStep: 3 })).losses;
    await a.trainStep(); // a step after the checkpoint, lost in the "kill"
    a.dispose();
    assert.equal(readCheckpointMeta(ck).step, 3);
    const b = DiTTrainer.create({ config: cfg, source: tinySource(), checkpointDir: ck, logFile: log });
    assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 3, 'log lines after the checkpoint are dropped on resume');
    assert.equal(b.step, 3);
    const lb = (await b.train()).losses;
    assert.deepEqual([...la, ...lb], l1);
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l).loss), l1);
    assert.deepEqual(bytes(b.model.params), bytes(straight.model.params));
    assert.deepEqual(bytes(b.ema), bytes(straight.ema));
    assert.deepEqual(bytes(b.optimizer.m), bytes(straight.optimizer.m));
    assert.deepEqual(bytes(b.optimizer.v), bytes(straight.optimizer.v));
    assert.equal(b.optimizer.t, 6);
    // and the checkpoint on disk holds the final state
    const ld = loadCheckpoint(ck);
    assert.equal(ld.meta.step, 6);
    assert.deepEqual(bytes(ld.params as ParamMap), bytes(straight.model.params));
    tf.dispose([...Object.values(ld.ema), ...Object.values(ld.params as ParamMap), ...Object.values(ld.adam!.m), ...Object.values(ld.adam!.v)]);
    straight.dispose();
    b.dispose();
  });

  it('refuses to resume with a different config, naming the key', async () => {
    const ck = join(dir, 'checkpoint');
    const a = DiTTrainer.create({ config: tinyRun(1, { steps: 1 }), source: tinySource(), checkpointDir: ck });
    await a.train();
    a.dispose();
    assert.throws(() => DiTTrainer.create({ config: tinyRun(1, { steps: 1, lr: 0.5 }), source: tinySource(), checkpointDir: ck }), (e: Error) => e instanceof ConfigError && /train\.lr/.test(e.message));
    // more steps is allowed
    const b = DiTTrainer.create({ config: tinyRun(1, { steps: 2 }), source: tinySource(), checkpointDir: ck });
    assert.equal(b.step, 1);
    b.dispose();
  });

  it('tensor count is stable across steps (no leaks)', async () => {
    const tr = DiTTrainer.create({ config: tinyRun(3), source: tinySource() });
    await tr.trainStep();
    const n = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await tr.trainStep();
      assert.equal(tf.memory().numTensors, n, `after step ${tr.step}`);
    }
    tr.dispose();
  });

  it('NaN/Inf guard stops with a clear message and keeps the last good checkpoint', async () => {
    const ck = join(dir, 'checkpoint');
    const tr = DiTTrainer.create({ config: tinyRun(2, { lr: 1e30, warmupSteps: 0, gradClip: 0, checkpointEvery: 1, steps: 20 }), source: tinySource(), checkpointDir: ck });
    let err: unknown = null;
    try {
      await tr.train();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof NonFiniteLossError, `expected NonFiniteLossError, got ${String(err)}`);
    const e = err as NonFiniteLossError;
    assert.match(e.message, /training stopped at step \d+: .*non-finite.*last good checkpoint \(step \d+\) is kept/);
    const meta = readCheckpointMeta(ck);
    assert.equal(meta.step, e.step, 'checkpoint = state before the failing step');
    assert.ok(meta.lastLoss !== null && Number.isFinite(meta.lastLoss));
    tr.dispose();
  });
});
