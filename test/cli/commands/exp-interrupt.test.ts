/** Ctrl-C during `phylab exp` (issue #15.8): the unit locks are released, one line says so, exit 130; a rerun resumes. */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../lib/runtime/provenance';

describe('cli: phylab exp interrupted with Ctrl-C (SIGINT)', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'phylab-int-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('mid-training: releases its lock, prints the lock path, exits 130, keeps the checkpoint', async () => {
    const cache = join(dir, 'cache');
    const args = ['exp', 'id-ood', '--profile', 'smoke', '--scenarios=uniform', '--dataSizes=16', '--train.steps=5000', '--train.checkpointEvery=20', '--cache', cache, '--out', join(dir, 'out')];
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'phylab.cjs'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exit = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    // wait until a training unit holds its lock and has written a checkpoint
    const root = join(cache, 'id-ood');
    const training = () => (existsSync(root) ? readdirSync(root).map((h) => join(root, h)).find((d) => existsSync(join(d, 'lock')) && existsSync(join(d, 'checkpoint', 'config.json'))) : undefined);
    let unitDir: string | undefined;
    for (const t0 = Date.now(); !(unitDir = training()) && Date.now() - t0 < 240_000; ) await new Promise((r) => setTimeout(r, 100));
    assert.ok(unitDir, `a training unit started: ${stderr}`);
    child.kill('SIGINT');
    assert.equal(await exit, 130);
    assert.match(stderr, new RegExp(`interrupted by SIGINT: released 1 lock\\(s\\): ${join(unitDir!, 'lock').replace(/[/.]/g, '\\$&')}; finished work is kept, rerun to resume`));
    assert.equal(existsSync(join(unitDir!, 'lock')), false);
    assert.ok(existsSync(join(unitDir!, 'checkpoint', 'config.json')));
  });
});
