import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDatasetConfig } from '../../lib/data/dataset-config';
import { datasetPath, loadOrGenerateDataset, openDataset } from '../../lib/data/dataset';
import { DatasetFileError } from '../../lib/data/format';
import { makeVideo } from '../../lib/data/make-video';

describe('data/dataset', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'phylab-ds-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cfg = { ...defaultDatasetConfig('quick', 'collision', 'train'), count: 50, frames: 6, size: 16 };
  const opts = () => ({ cacheDir: dir, progress: false, chunkVideos: 8 });

  it('generates, caches and reads back exactly what makeVideo gives, with a metadata table', async () => {
    const ds = await loadOrGenerateDataset(cfg, 3, opts());
    assert.equal(ds.count, 50);
    assert.deepEqual(ds.frameShape, [6, 16, 16, 3]);
    for (const i of [0, 7, 8, 49]) {
      const v = makeVideo(cfg, 3, i);
      assert.deepEqual(Buffer.from(ds.frames(i)), Buffer.from(v.frames), `frames of video ${i}`);
      assert.deepEqual(Array.from(ds.states(i)), Array.from(v.states), `states of video ${i}`);
    }
    assert.equal(ds.meta.numRows(), 50);
    const row = ds.meta.object(9) as Record<string, number | string>;
    const v9 = makeVideo(cfg, 3, 9);
    assert.equal(row.r1, v9.params.scene.objects[0].radius);
    assert.equal(row.v2, v9.params.scene.objects[1].speed);
    assert.equal(row.x1, v9.initial[0].x);
    assert.equal(row.color2, 'blue');
    const again = await loadOrGenerateDataset(cfg, 3, opts());
    assert.equal(again.file, ds.file);
    assert.equal(statSync(ds.file).mtimeMs, statSync(again.file).mtimeMs, 'second call reads the cache');
  });

  it('waits while another live process holds the dataset lock, then generates it once', async () => {
    const c = { ...cfg, count: 9 };
    const file = datasetPath(c, 5, dir);
    writeFileSync(`${file}.lock`, String(process.ppid)); // a live process that is not us
    const t0 = Date.now();
    setTimeout(() => rmSync(`${file}.lock`), 300);
    const ds = await loadOrGenerateDataset(c, 5, opts());
    assert.ok(Date.now() - t0 >= 290, 'did not start before the other process released its lock');
    assert.equal(ds.count, 9);
    assert.equal(existsSync(`${file}.lock`), false, 'its own lock is released');
  });

  it('videos at another frame stride carry their frame interval and move further per frame', async () => {
    const base = { ...defaultDatasetConfig('quick', 'uniform', 'id'), count: 4, frames: 6, size: 16 };
    const slow = makeVideo(base, 2, 1);
    const fast = makeVideo({ ...base, frameStride: 30 }, 2, 1);
    assert.equal(slow.frameDt, 0.1);
    assert.ok(Math.abs(fast.frameDt - 0.3) < 1e-12);
    const dx = (v: typeof slow) => v.states[4] - v.states[0]; // x of frame 1 minus frame 0 (one object, 4 floats a frame)
    const speed = slow.params.scene.objects[0].speed;
    assert.equal(fast.params.scene.objects[0].speed, speed, 'same sampled parameters');
    assert.ok(Math.abs(dx(slow) - speed * 0.1) < 1e-4, `0.1 s per frame: ${dx(slow)} vs ${speed * 0.1}`);
    assert.ok(Math.abs(dx(fast) - speed * 0.3) < 1e-4, `0.3 s per frame: ${dx(fast)} vs ${speed * 0.3}`);
    const ds = await loadOrGenerateDataset({ ...base, frameStride: 30 }, 2, opts());
    assert.ok(Math.abs(ds.video(1).frameDt - 0.3) < 1e-12);
    assert.deepEqual(Buffer.from(ds.frames(1)), Buffer.from(fast.frames));
    assert.throws(() => makeVideo({ ...base, frameStride: 0 }, 2, 1), /frameStride must be an integer in \[1, 1000\]/);
  });

  it('batch() stacks (B, T, H, W, 3); range() returns contiguous videos (a view inside one chunk)', async () => {
    const ds = await loadOrGenerateDataset(cfg, 3, opts());
    const vb = 6 * 16 * 16 * 3;
    const b = ds.batch([4, 0, 33]);
    assert.equal(b.length, 3 * vb);
    assert.deepEqual(Buffer.from(b.subarray(vb, 2 * vb)), Buffer.from(ds.frames(0)));
    const r = ds.range(8, 8);
    assert.equal(r.length, 8 * vb);
    assert.equal(r.buffer, ds.frames(8).buffer, 'a view, no copy');
    const across = ds.range(6, 4);
    assert.deepEqual(Buffer.from(across.subarray(2 * vb, 3 * vb)), Buffer.from(ds.frames(8)));
    const v = ds.video(12);
    assert.equal(v.objects[1].color, 'blue');
  });

  it('resumes an interrupted generation and ends with the same bytes', async () => {
    const c = { ...cfg, count: 30 };
    const file = datasetPath(c, 11, dir);
    await assert.rejects(loadOrGenerateDataset(c, 11, { ...opts(), stopAfterChunks: 2 }), /stopped after 2 chunk/);
    assert.ok(existsSync(`${file}.partial`) && !existsSync(file));
    // cut the partial file in the middle of its last chunk, as a crash would
    truncateSync(`${file}.partial`, statSync(`${file}.partial`).size - 100);
    const ds = await loadOrGenerateDataset(c, 11, opts());
    const resumed = readFileSync(ds.file);
    const fresh = await loadOrGenerateDataset(c, 11, { ...opts(), cacheDir: join(dir, 'fresh') });
    assert.ok(resumed.equals(readFileSync(fresh.file)), 'resumed file equals an uninterrupted one');
  });

  it('a truncated or corrupt file gives a clear error naming the file', async () => {
    const c = { ...cfg, count: 20 };
    const ds = await loadOrGenerateDataset(c, 4, opts());
    const bytes = readFileSync(ds.file);
    const cut = join(dir, 'cut.phyds');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    assert.throws(() => openDataset(cut), (e: Error) => e instanceof DatasetFileError && e.message.startsWith(cut) && /truncated/.test(e.message) && /Delete the file/.test(e.message));
    const bad = Buffer.from(bytes);
    bad[bad.length - 50] ^= 0xff; // a frame byte of the last chunk
    const corrupt = join(dir, 'corrupt.phyds');
    writeFileSync(corrupt, bad);
    assert.throws(() => openDataset(corrupt), (e: Error) => e instanceof DatasetFileError && e.message.includes(corrupt) && /chunk 2 .*checksum mismatch/.test(e.message));
    const notOurs = join(dir, 'other.phyds');
    writeFileSync(notOurs, 'hello world, not a dataset');
    assert.throws(() => openDataset(notOurs), /bad magic/);
  });

  it('stores large clips deflated and reads them back', async () => {
    const c = { ...defaultDatasetConfig('quick', 'uniform', 'id'), count: 3, frames: 8, size: 64 };
    const ds = await loadOrGenerateDataset(c, 2, { cacheDir: dir, progress: false, codec: 'deflate' });
    assert.equal(ds.header.codec, 'deflate');
    assert.deepEqual(Buffer.from(ds.frames(2)), Buffer.from(makeVideo(c, 2, 2).frames));
    assert.ok(statSync(ds.file).size < (3 * 8 * 64 * 64 * 3) / 5, 'compressed');
  });
});
