import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');

describe('runtime/yield-to-events', () => {
  it('a compute loop that awaits only resolved promises still handles SIGTERM (releasing its lock) when it calls yieldToEvents', async function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), 'phylab-yield-'));
    const lock = join(dir, 'unit.lock');
    const script = `const l = require(${JSON.stringify(join(REPO, 'lib/runtime/pid-lock.ts'))}); const y = require(${JSON.stringify(join(REPO, 'lib/runtime/yield-to-events.ts'))});
      l.claimLock(${JSON.stringify(lock)}); process.stdout.write('busy\\n');
      (async () => { for (;;) { await y.yieldToEvents(50); await Promise.resolve(); } })();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((res) => child.stdout.on('data', () => res()));
    const exit = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    setTimeout(() => child.kill('SIGTERM'), 200);
    assert.equal(await exit, 143);
    assert.match(stderr, /interrupted by SIGTERM: released 1 lock/);
    assert.equal(existsSync(lock), false);
    rmSync(dir, { recursive: true, force: true });
  });
});
