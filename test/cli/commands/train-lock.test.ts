/** `phylab train --out`: one writer per run folder; run.json written only once a resume is accepted (issue 15, item 7). */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../lib/cli/main';
import { TRAIN_LOCK } from '../../../lib/cli/commands/train';

describe('cli: phylab train run-folder lock', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'phylab-trainlock-'));
    process.env.PHYLAB_QUIET = '1';
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    delete process.env.PHYLAB_QUIET;
  });

  it('refuses a folder another live process is training into, and touches nothing there', async () => {
    const out = join(dir, 'busy');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, TRAIN_LOCK), String(process.ppid)); // a live process that is not this one
    assert.equal(await main(['train', '--profile', 'smoke', '--out', out, '--data.kind=synthetic', '--no-progress', '--steps', '1']), 2);
    assert.ok(!existsSync(join(out, 'run.json')) && !existsSync(join(out, 'checkpoint')));
    assert.ok(existsSync(join(out, TRAIN_LOCK)), 'the holder keeps its lock');
  });

  it('a refused resume leaves run.json describing the weights beside it; the lock is released after each run', async () => {
    const out = join(dir, 'run');
    const args = ['train', '--profile', 'smoke', '--out', out, '--data.kind=synthetic', '--no-progress', '--seed', '2', '--steps', '1'];
    assert.equal(await main(args), 0);
    assert.ok(!existsSync(join(out, TRAIN_LOCK)));
    const before = readFileSync(join(out, 'run.json'), 'utf8');
    assert.equal(await main([...args, '--train.lr=0.5']), 2, 'changed config is refused');
    assert.equal(readFileSync(join(out, 'run.json'), 'utf8'), before);
    assert.ok(!existsSync(join(out, TRAIN_LOCK)));
  });
});
