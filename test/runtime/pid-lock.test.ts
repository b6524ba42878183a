import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { claimLock, describeHolder, heldLocks, lockHolder, parseLock, refreshHeldLocks, releaseLock, withLock } from '../../lib/runtime/pid-lock';
import { bootId, hostName, processStartTime } from '../../lib/runtime/process-identity';

const REPO = resolve(__dirname, '..', '..');

/** A lock record as another process would write it. */
function record(over: Record<string, unknown>): string {
  return JSON.stringify({ pid: process.ppid, host: hostName(), start: processStartTime(process.ppid), boot: bootId(), since: '2026-12-04T10:00:00.000Z', slurmJob: null, ...over });
}

describe('runtime/pid-lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phylab-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('an old PID-only lock held by another live process is refused; a stale or own lock is taken', () => {
    const f = join(dir, 'x.lock');
    writeFileSync(f, String(process.ppid)); // the parent (mocha's launcher or the shell) is alive
    assert.equal(lockHolder(f)?.pid, process.ppid);
    assert.equal(claimLock(f), false);
    writeFileSync(f, '999999999'); // no such process
    assert.equal(lockHolder(f), null);
    assert.equal(claimLock(f), true);
    const own = parseLock(f, readFileSync(f, 'utf8'))!;
    assert.equal(own.pid, process.pid);
    assert.equal(own.host, hostName());
    assert.equal(own.start, processStartTime(process.pid));
    assert.ok(own.since);
    assert.equal(claimLock(f), true, 'own lock');
    assert.deepEqual(heldLocks(), [f]);
    releaseLock(f);
    assert.equal(existsSync(f), false);
    assert.deepEqual(heldLocks(), []);
  });

  it('records PID, host and start time; a live holder is named with the lock path', () => {
    const f = join(dir, 'h.lock');
    writeFileSync(f, record({ slurmJob: '41_3' }));
    const h = lockHolder(f);
    assert.ok(h, 'live holder');
    assert.equal(h!.file, f);
    assert.equal(claimLock(f), false);
    assert.match(describeHolder(h!), new RegExp(`pid ${process.ppid} on host ${hostName()} \\(since 2026-12-04T10:00:00.000Z, Slurm job 41_3\\)`));
  });

  it('a PID reused by another process (other start time) is not taken for the holder', function () {
    if (processStartTime(process.pid) === null) this.skip(); // needs /proc
    const f = join(dir, 'r.lock');
    writeFileSync(f, record({ start: '1' })); // the PID is alive, but it is not the process that took the lock
    assert.equal(lockHolder(f), null);
    assert.equal(claimLock(f), true);
    assert.equal(parseLock(f, readFileSync(f, 'utf8'))!.pid, process.pid);
    releaseLock(f);
  });

  it('a lock of another host is live while its heartbeat is fresh, and taken over once it is older than PHYLAB_LOCK_STALE_S', () => {
    const f = join(dir, 'n.lock');
    writeFileSync(f, record({ host: 'node-elsewhere', pid: 999999999, start: '5', boot: 'other' })); // that PID does not exist here: must not matter
    assert.equal(lockHolder(f)?.host, 'node-elsewhere');
    assert.equal(claimLock(f), false, 'a task on another node does not take over a live lock');
    const old = new Date(Date.now() - 601_000);
    utimesSync(f, old, old);
    assert.equal(lockHolder(f), null, 'no heartbeat for longer than the default 600 s: stale');
    const twoSecondsAgo = new Date(Date.now() - 2000);
    utimesSync(f, twoSecondsAgo, twoSecondsAgo);
    assert.ok(lockHolder(f), 'live under the default');
    process.env.PHYLAB_LOCK_STALE_S = '1';
    try {
      assert.equal(claimLock(f), true);
    } finally {
      delete process.env.PHYLAB_LOCK_STALE_S;
    }
    assert.equal(parseLock(f, readFileSync(f, 'utf8'))!.host, hostName());
    releaseLock(f);
    process.env.PHYLAB_LOCK_STALE_S = 'soon';
    try {
      writeFileSync(f, record({ host: 'node-elsewhere' }));
      assert.throws(() => lockHolder(f), /PHYLAB_LOCK_STALE_S must be a positive number of seconds, got 'soon'/);
    } finally {
      delete process.env.PHYLAB_LOCK_STALE_S;
    }
  });

  it('the heartbeat refreshes the mtime of the locks this process holds', () => {
    const f = join(dir, 'hb.lock');
    assert.equal(claimLock(f), true);
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(f, old, old);
    refreshHeldLocks();
    assert.ok(Date.now() - statSync(f).mtimeMs < 60_000);
    releaseLock(f);
  });

  it('a lock of another host whose Slurm job has ended (squeue) is stale at once; a running job keeps it live', () => {
    const squeue = join(dir, 'squeue');
    writeFileSync(squeue, `#!/bin/bash\ncase "$*" in\n  *12_3*) echo RUNNING ;;\n  *13_1*) ;;\n  *14*) echo 'slurm_load_jobs error: Invalid job id specified' >&2; exit 1 ;;\n  *) echo 'slurm_load_jobs error: Unable to contact slurm controller' >&2; exit 1 ;;\nesac\n`, { mode: 0o755 });
    process.env.PHYLAB_SQUEUE = squeue;
    try {
      const f = join(dir, 's.lock');
      const at = (job: string) => (writeFileSync(f, record({ host: 'node7', pid: 4242, slurmJob: job })), lockHolder(f));
      assert.equal(at('12_3')?.slurmJob, '12_3', 'running');
      assert.equal(at('13_1'), null, 'no longer in the queue');
      assert.equal(at('14'), null, 'forgotten by Slurm');
      assert.equal(at('15')?.slurmJob, '15', 'Slurm cannot be asked: the heartbeat decides (fresh)');
      assert.equal(at('13_1') === null && claimLock(f), true);
      releaseLock(f);
    } finally {
      delete process.env.PHYLAB_SQUEUE;
    }
  });

  it('releaseLock leaves a lock that another process has taken over', () => {
    const f = join(dir, 't.lock');
    assert.equal(claimLock(f), true);
    writeFileSync(f, record({}));
    releaseLock(f);
    assert.ok(existsSync(f));
    assert.deepEqual(heldLocks(), []);
  });

  it('withLock waits for the holder to release, then runs and releases', async () => {
    const f = join(dir, 'y.lock');
    writeFileSync(f, record({}));
    let waitedFor: string | null = null;
    const t0 = Date.now();
    setTimeout(() => rmSync(f), 150);
    const out = await withLock(f, async () => {
      assert.equal(parseLock(f, readFileSync(f, 'utf8'))!.pid, process.pid);
      return 42;
    }, { pollMs: 20, onWait: (h) => (waitedFor = `${h.pid} ${h.file}`) });
    assert.equal(out, 42);
    assert.equal(waitedFor, `${process.ppid} ${f}`);
    assert.ok(Date.now() - t0 >= 140, 'ran only after the release');
    assert.equal(existsSync(f), false);
  });

  it('withLock releases when the function throws', async () => {
    const f = join(dir, 'z.lock');
    await assert.rejects(withLock(f, async () => { throw new Error('boom'); }), /boom/);
    assert.equal(existsSync(f), false);
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} releases the locks the process holds and exits ${code} with a line naming them`, async function () {
      this.timeout(30_000);
      const a = join(dir, 'a.lock');
      const b = join(dir, 'b.lock');
      const script = `const l = require(${JSON.stringify(join(REPO, 'lib/runtime/pid-lock.ts'))}); l.claimLock(${JSON.stringify(a)}); l.claimLock(${JSON.stringify(b)}); process.stdout.write('held\\n'); setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      await new Promise<void>((res, rej) => {
        child.stdout.on('data', (d) => String(d).includes('held') && res());
        child.on('exit', () => rej(new Error(`child exited early: ${stderr}`)));
      });
      assert.ok(existsSync(a) && existsSync(b));
      const exit = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
      child.kill(signal);
      assert.equal(await exit, code);
      assert.equal(existsSync(a), false);
      assert.equal(existsSync(b), false);
      assert.match(stderr, new RegExp(`interrupted by ${signal}: released 2 lock\\(s\\): ${a.replace(/\//g, '\\/')}, ${b.replace(/\//g, '\\/')}`));
    });
  }
});
