import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment, unitHash } from '../../lib/experiments/core/runner';
import { experimentStatus, formatStatus } from '../../lib/cluster/unit-status';
import { hostName } from '../../lib/runtime/process-identity';
import { foreignLock, toy } from '../experiments/core/toy-experiment';

describe('cluster/unit-status', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'phylab-status-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('done (cache, with host) / running (lock holder) / to run, per unit', async () => {
    const calls: string[] = [];
    const exp = toy(calls);
    const opts = { profile: 'smoke' as const, cacheDir: join(dir, 'cache'), outDir: join(dir, 'out') };
    await runExperiment(exp, { offset: 10 }, { ...opts, silent: true, only: 'train/s1' });
    const d2 = join(dir, 'cache', 'toy', unitHash(exp.plan({ offset: 10 }, [2])[0]));
    mkdirSync(d2, { recursive: true });
    writeFileSync(join(d2, 'lock'), foreignLock());
    const st = await experimentStatus(exp, { offset: 10 }, opts);
    assert.deepEqual(st.units.map((u) => [u.id, u.state]), [['train/s1', 'done'], ['eval/s1', 'to-run'], ['train/s2', 'running'], ['eval/s2', 'to-run']]);
    assert.equal(st.units[0].source, 'cache');
    assert.equal(st.units[0].host, hostName());
    assert.equal(st.units[2].holder!.pid, process.ppid);
    const text = formatStatus(st);
    assert.match(text, /^toy \(smoke\): 4 units: 1 done, 1 running, 2 to run; cache /);
    assert.match(text, new RegExp(`running +train/s2 +pid ${process.ppid} on host ${hostName()} \\(since .*, Slurm job 7_1\\); lock ${d2}/lock`));
    assert.match(text, /to run +eval\/s2 +needs train\/s2/);
    assert.match(text, /to run +eval\/s1 +inputs ready/);
  });

  it('shipped unit results count as done, whichever machine computed them', async () => {
    const exp = toy([]);
    await runExperiment(exp, { offset: 10 }, { profile: 'smoke', cacheDir: join(dir, 'a'), outDir: join(dir, 'out'), silent: true });
    const st = await experimentStatus(exp, { offset: 10 }, { profile: 'smoke', cacheDir: join(dir, 'b'), outDir: join(dir, 'out') });
    assert.ok(st.units.every((u) => u.state === 'done' && u.source === 'shipped' && u.shippedFrom === join(dir, 'out')));
    assert.match(formatStatus(st), /4 done, 0 running, 0 to run/);
    assert.match(formatStatus(st), new RegExp(`done +train/s1 +shipped \\(${join(dir, 'out')}/units\\)`), 'names the folder that holds the shipped copy');
  });
});
