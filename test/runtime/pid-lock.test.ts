import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimLock, lockHolder, releaseLock, withLock } from '../../lib/runtime/pid-lock';

describe('runtime/pid-lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phylab-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a lock held by another live process is refused; a stale or own lock is taken', () => {
    const f = join(dir, 'x.lock');
    writeFileSync(f, String(process.ppid)); // the parent (mocha's launcher or the shell) is alive
    assert.equal(lockHolder(f), process.ppid);
    assert.equal(claimLock(f), false);
    writeFileSync(f, '999999999'); // no such process
    assert.equal(lockHolder(f), null);
    assert.equal(claimLock(f), true);
    assert.equal(readFileSync(f, 'utf8'), String(process.pid));
    assert.equal(claimLock(f), true, 'own lock');
    releaseLock(f);
    assert.equal(existsSync(f), false);
  });

  it('withLock waits for the holder to release, then runs and releases', async () => {
    const f = join(dir, 'y.lock');
    writeFileSync(f, String(process.ppid));
    let waitedFor = 0;
    const t0 = Date.now();
    setTimeout(() => rmSync(f), 150);
    const out = await withLock(f, async () => {
      assert.equal(readFileSync(f, 'utf8'), String(process.pid));
      return 42;
    }, { pollMs: 20, onWait: (pid) => (waitedFor = pid) });
    assert.equal(out, 42);
    assert.equal(waitedFor, process.ppid);
    assert.ok(Date.now() - t0 >= 140, 'ran only after the release');
    assert.equal(existsSync(f), false);
  });

  it('withLock releases when the function throws', async () => {
    const f = join(dir, 'z.lock');
    await assert.rejects(withLock(f, async () => { throw new Error('boom'); }), /boom/);
    assert.equal(existsSync(f), false);
  });
});
