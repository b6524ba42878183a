/** The runner's `only` option (`phylab exp <name> --unit <id>`): one unit, its inputs from the cache. */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment, unitHash } from '../../../lib/experiments/core/runner';
import { hostName } from '../../../lib/runtime/process-identity';
import { foreignLock, toy } from './toy-experiment';

describe('experiments/runner: only one unit (--unit)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'phylab-only-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs just that unit, takes its inputs from the cache, and writes no summary', async () => {
    const calls: string[] = [];
    const opts = { profile: 'smoke' as const, cacheDir: join(dir, 'cache'), outDir: join(dir, 'out'), silent: true };
    const exp = toy(calls);
    let r = await runExperiment(exp, { offset: 10 }, { ...opts, only: 'eval/s1' });
    assert.deepEqual(calls, [], 'its input is not cached: nothing runs');
    assert.equal(r.units.find((u) => u.id === 'eval/s1')!.done, false);
    r = await runExperiment(exp, { offset: 10 }, { ...opts, only: 'train/s1' });
    assert.deepEqual(calls, ['train/s1']);
    r = await runExperiment(exp, { offset: 10 }, { ...opts, only: 'eval/s1' });
    assert.deepEqual(calls, ['train/s1', 'eval/s1']);
    assert.equal(r.units.find((u) => u.id === 'eval/s1')!.done, true);
    assert.equal(existsSync(join(opts.outDir, 'summary.json')), false, 'no summary from a single unit');
    const meta = JSON.parse(readFileSync(join(opts.cacheDir, 'toy', unitHash(exp.plan({ offset: 10 }, [1])[1]), 'meta.json'), 'utf8'));
    assert.equal(meta.host, hostName(), 'meta.json records the host that computed the unit');
    r = await runExperiment(exp, { offset: 10 }, { ...opts, only: 'eval/s1' });
    assert.equal(calls.length, 2, 'a done unit is not recomputed');
    assert.ok(r.units.find((u) => u.id === 'eval/s1')!.cached);
  });

  it('waits for an input another process is computing (naming the lock and its holder), but not for unrelated units', async () => {
    const calls: string[] = [];
    const cache = join(dir, 'cache');
    const exp = toy(calls);
    const [train1, , train2] = exp.plan({ offset: 10 }, [1, 2]);
    const d1 = join(cache, 'toy', unitHash(train1));
    const d2 = join(cache, 'toy', unitHash(train2));
    for (const d of [d1, d2]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'lock'), foreignLock());
    }
    const logs: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (logs.push(String(s)), true)) as typeof process.stderr.write;
    setTimeout(() => {
      writeFileSync(join(d1, 'result.json'), JSON.stringify({ sq: 1 }));
      rmSync(join(d1, 'lock'));
    }, 200);
    let r;
    try {
      r = await runExperiment(exp, { offset: 10 }, { profile: 'smoke', cacheDir: cache, outDir: join(dir, 'out'), only: 'eval/s1', pollMs: 20 });
    } finally {
      process.stderr.write = write;
    }
    assert.deepEqual(calls, ['eval/s1'], 'the input came from the other process; train/s2 (held too) was not waited for');
    assert.equal(r.units.find((u) => u.id === 'eval/s1')!.done, true);
    const wait = logs.find((l) => l.includes('waiting for 1 unit(s)'));
    assert.ok(wait, logs.join(''));
    assert.ok(wait!.includes(`lock ${join(d1, 'lock')} held by pid ${process.ppid} on host ${hostName()}`), wait);
    assert.ok(wait!.includes('Slurm job 7_1'), wait);
  });
});
