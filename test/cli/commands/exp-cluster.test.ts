/** `phylab exp` cluster modes as a user runs them (child processes), without a Slurm cluster (a fake sbatch). */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../lib/runtime/provenance';

describe('cli: phylab exp --unit / --status / --collect / --emit slurm', function () {
  this.timeout(120_000);
  let dir: string;
  let base: string[];
  const phylab = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'phylab.cjs'), 'exp', 'id-ood', ...base, ...args], { encoding: 'utf8', env: { ...process.env, PHYLAB_QUIET: '1', ...env } });
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'phylab-expc-'));
    base = ['--profile', 'smoke', '--scenarios=uniform', '--cache', join(dir, 'cache'), '--out', join(dir, 'out')];
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--status on an empty cache: every unit to run, with what it needs', () => {
    const r = phylab(['--status']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^id-ood \(smoke\): 6 units: 0 done, 0 running, 6 to run; cache /);
    assert.match(r.stdout, /to run +train\/uniform\/tiny\/n16\/s1 +needs vae\/uniform/);
  });

  it('--collect names the missing units, writes no summary and exits 3', () => {
    const r = phylab(['--collect']);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /--collect: 6 of 6 units are not done \(0 running, 6 to run\); no summary written/);
    assert.match(r.stderr, /to run  eval\/uniform\/tiny\/n32\/s1/);
    assert.equal(existsSync(join(dir, 'out', 'summary.json')), false);
  });

  it('--unit: an unknown id is a usage error; missing inputs exit 3 naming them; a unit runs once', () => {
    let r = phylab(['--unit', 'train/nope']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--unit: no unit 'train\/nope' in this plan \(6 units; e\.g\. train\/uniform\/tiny\/n16\/s1/);
    r = phylab(['--unit', 'train/uniform/tiny/n16/s1']);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /--unit train\/uniform\/tiny\/n16\/s1: not run: its input vae\/uniform is not in the cache .*cache\/id-ood \(nor being computed\)/);
    r = phylab(['--unit', 'floor/uniform']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /id-ood floor\/uniform: done in [\d.]+ s/);
    r = phylab(['--unit', 'floor/uniform']);
    assert.match(r.stdout, /id-ood floor\/uniform: already done \(cache\)/);
    assert.match(phylab(['--status']).stdout, /done +floor\/uniform +cache, host /);
  });

  it('flags that do not go together are usage errors', () => {
    assert.match(phylab(['--status', '--collect']).stderr, /--status, --collect: choose one of them/);
    assert.match(phylab(['--partition', 'gpu']).stderr, /--partition goes with --emit slurm/);
  });

  it('--emit slurm writes the scripts for the units not done and prints the chain; --submit runs it (fake sbatch)', () => {
    const emitDir = join(dir, 'emit');
    let r = phylab(['--emit', 'slurm', '--emit-dir', emitDir, '--gpus-per-task', '1', '--max-parallel', '2']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /6 units: 1 done, 0 running elsewhere \(not scheduled again\), 5 to schedule in 3 dependency level\(s\) \(1 \+ 2 \+ 2 tasks\)/);
    assert.match(r.stdout, /J1=\$\(sbatch --parsable --array=1-2%2 --dependency=afterany:\$J0 --kill-on-invalid-dep=yes /);
    for (const f of ['task.sbatch', 'collect.sbatch', 'submit.sh']) assert.ok(existsSync(join(emitDir, f)), f);
    assert.match(readFileSync(join(emitDir, 'task.sbatch'), 'utf8'), /#SBATCH --gpus-per-task=1/);
    // a fake sbatch: records its arguments, prints job ids 101, 102, …
    const fake = join(dir, 'sbatch');
    writeFileSync(fake, `#!/bin/bash\nn=$(( $(cat ${dir}/n 2>/dev/null || echo 100) + 1 )); echo $n > ${dir}/n; echo "$*" >> ${dir}/calls; echo $n\n`);
    chmodSync(fake, 0o755);
    r = phylab(['--emit', 'slurm', '--emit-dir', emitDir, '--submit'], { PHYLAB_SBATCH: fake });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /submitted level 0 \(1 unit\): job 101\nsubmitted level 1 \(2 units\): job 102\nsubmitted level 2 \(2 units\): job 103\nsubmitted collect: job 104/);
    const calls = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
    assert.match(calls[2], /^--parsable --array=1-2 --dependency=afterany:101:102 --kill-on-invalid-dep=yes .*task\.sbatch .*-L2\.txt$/);
    assert.match(calls[3], /^--parsable --dependency=afterany:101:102:103 --kill-on-invalid-dep=yes .*collect\.sbatch$/);
    const l0 = calls[0].split(' ').pop()!;
    assert.equal(readFileSync(l0, 'utf8'), 'vae/uniform\n', 'floor/uniform is done: not scheduled');
    assert.deepEqual(JSON.parse(readFileSync(join(emitDir, 'jobs.json'), 'utf8')).jobs.map((j: { id: string }) => j.id), ['101', '102', '103', '104']);
  });
});
