import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceFolder } from '../../lib/runtime/atomic-folder';

describe('runtime/atomic-folder', () => {
  it('replaces the whole folder, clears leftovers of an interrupted write, keeps no .tmp/.old', () => {
    const root = mkdtempSync(join(tmpdir(), 'phylab-atomic-'));
    try {
      const dir = join(root, 'ckpt');
      replaceFolder(dir, { 'a.bin': new Uint8Array([1, 2, 3]), 'meta.json': '{"v":1}\n' });
      assert.deepEqual([...readFileSync(join(dir, 'a.bin'))], [1, 2, 3]);
      // a kill mid-write left a partial .tmp: the next write starts it afresh
      mkdirSync(`${dir}.tmp`);
      writeFileSync(join(`${dir}.tmp`, 'stale'), 'x');
      replaceFolder(dir, { 'meta.json': '{"v":2}\n' });
      assert.deepEqual(readdirSync(dir), ['meta.json'], 'old files gone');
      assert.equal(readFileSync(join(dir, 'meta.json'), 'utf8'), '{"v":2}\n');
      assert.ok(!existsSync(`${dir}.tmp`) && !existsSync(`${dir}.old`));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
