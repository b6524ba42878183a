/** Checkpoint integrity (issue 15, item 3): checksums verified on load; every error names the file. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelForSampling } from '../../lib/sample/load-model';
import { loadCheckpoint, readCheckpointMeta } from '../../lib/train/checkpoint';
import { DiTTrainer, engineChangeNote } from '../../lib/train/trainer';
import { useWasm } from '../model/helpers';
import { tinyRun, tinySource } from './helpers';

describe('train/checkpoint integrity', function () {
  this.timeout(30_000);
  let dir: string;
  let ck: string;
  before(useWasm);
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phylab-ckint-'));
    ck = join(dir, 'checkpoint');
    const tr = DiTTrainer.create({ config: tinyRun(4, { steps: 2 }), source: tinySource(), checkpointDir: ck });
    await tr.train();
    tr.dispose();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records size and SHA-256 of each .bin file and the engine', () => {
    const meta = readCheckpointMeta(ck);
    assert.deepEqual(Object.keys(meta.files ?? {}).sort(), ['ema.bin', 'optimizer.bin', 'weights.bin']);
    assert.equal(meta.files!['weights.bin'].bytes, readFileSync(join(ck, 'weights.bin')).byteLength);
    assert.match(meta.files!['ema.bin'].sha256, /^[0-9a-f]{64}$/);
    assert.ok('engine' in meta);
  });

  it('an altered weight (same size) is refused on resume and on sampling, naming the file', () => {
    for (const name of ['weights.bin', 'ema.bin']) {
      const file = join(ck, name);
      const orig = readFileSync(file);
      const b = Buffer.from(orig);
      b.writeFloatLE(b.readFloatLE(8) + 0.25, 8);
      writeFileSync(file, b);
      assert.throws(() => DiTTrainer.create({ config: tinyRun(4, { steps: 4 }), source: tinySource(), checkpointDir: ck }), (e: Error) => e.message.includes(file) && /fails its checksum/.test(e.message));
      if (name === 'ema.bin') assert.throws(() => loadModelForSampling(ck), (e: Error) => e.message.includes(file) && /fails its checksum/.test(e.message));
      writeFileSync(file, orig);
    }
    const ok = loadCheckpoint(ck);
    for (const m of [ok.ema, ok.params!, ok.adam!.m, ok.adam!.v]) for (const t of Object.values(m)) t.dispose();
  });

  it('a truncated weights.bin / optimizer.bin and a bad config.json give errors naming the path', () => {
    for (const name of ['weights.bin', 'optimizer.bin']) {
      const file = join(ck, name);
      const orig = readFileSync(file);
      truncateSync(file, 100);
      assert.throws(() => loadCheckpoint(ck), (e: Error) => e.message.includes(file) && /has 100 bytes, the manifest needs \d+/.test(e.message));
      writeFileSync(file, orig);
    }
    const cfg = join(ck, 'config.json');
    const text = readFileSync(cfg, 'utf8');
    writeFileSync(cfg, text.slice(0, 50));
    assert.throws(() => readCheckpointMeta(ck), (e: Error) => e.message.includes(cfg) && /is not valid JSON/.test(e.message));
    writeFileSync(cfg, JSON.stringify({ ...JSON.parse(text), tensors: 'x' }));
    assert.throws(() => readCheckpointMeta(ck), (e: Error) => e.message.includes(cfg) && /no valid 'tensors'/.test(e.message));
  });

  it('a checkpoint that cannot be written names its folder', async () => {
    writeFileSync(join(dir, 'file'), '');
    const tr = DiTTrainer.create({ config: tinyRun(4, { steps: 1 }), source: tinySource(), checkpointDir: ck });
    try {
      await assert.rejects(tr.save(join(dir, 'file', 'ck')), /could not write checkpoint .*file\/ck \(ENOTDIR/);
    } finally {
      tr.dispose();
    }
  });

  it('resuming under another engine says the run is not bit-exact', () => {
    assert.match(engineChangeNote('/x', 'wasm (SIMD)', 'webgpu') ?? '', /saved under 'wasm \(SIMD\)', now 'webgpu'.*not bit-identical/);
    assert.equal(engineChangeNote('/x', 'wasm', 'wasm'), null);
    assert.equal(engineChangeNote('/x', undefined, 'wasm'), null);
  });
});
