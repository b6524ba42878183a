import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { DEFAULT_SLURM_OPTIONS, collectScript, formatChain, sbatchChain, shq, submitScript, taskScript, validateSlurmOptions } from '../../lib/cluster/slurm-script';

const ctx = { experiment: 'id-ood', repoRoot: '/shared/phylab', node: '/opt/node/bin/node', expArgs: ['--profile', 'quick', '--cache', '/shared/cache', '--train.steps=100'], dir: '/shared/cache/slurm/x' };

describe('cluster/slurm-script', () => {
  it('task.sbatch: one unit per array task, Slurm options from the flags, exec so scancel signals node', () => {
    const s = taskScript(ctx, { ...DEFAULT_SLURM_OPTIONS, partition: 'gpu', gpusPerTask: 1, cpusPerTask: 4, time: '04:00:00' });
    for (const l of ['#SBATCH --partition=gpu', '#SBATCH --gpus-per-task=1', '#SBATCH --cpus-per-task=4', '#SBATCH --time=04:00:00', '#SBATCH --output=/shared/cache/slurm/x/logs/%A_%a.out', '#SBATCH --open-mode=append']) assert.ok(s.includes(l), l);
    assert.match(s, /UNIT=\$\(sed -n "\$\{SLURM_ARRAY_TASK_ID\}p" "\$LIST"\)/);
    assert.match(s, /exec "\$NODE" \/shared\/phylab\/bin\/phylab\.cjs exp id-ood --profile quick --cache \/shared\/cache --train\.steps=100 --unit "\$UNIT"\n/);
    assert.ok(!taskScript(ctx, DEFAULT_SLURM_OPTIONS).includes('--gpus-per-task'), 'no GPU line without --gpus-per-task');
    const r = spawnSync('bash', ['-n'], { input: s });
    assert.equal(r.status, 0, `bash -n: ${r.stderr}`);
  });

  it('collect.sbatch and submit.sh repeat the experiment arguments', () => {
    assert.match(collectScript(ctx, DEFAULT_SLURM_OPTIONS), /exp id-ood --profile quick --cache \/shared\/cache --train\.steps=100 --collect\n/);
    assert.match(submitScript(ctx, ['--emit', 'slurm', '--emit-dir', '/shared/cache/slurm/x']), /--emit slurm --emit-dir \/shared\/cache\/slurm\/x --submit\n/);
  });

  it('the chain: one array per level after the previous levels, then collect after all, with --kill-on-invalid-dep', () => {
    const calls = sbatchChain('/d', ['/d/l0', '/d/l1'], [3, 6], { ...DEFAULT_SLURM_OPTIONS, maxParallel: 4 });
    assert.deepEqual(formatChain(calls), [
      'J0=$(sbatch --parsable --array=1-3%4 /d/task.sbatch /d/l0)',
      'J1=$(sbatch --parsable --array=1-6%4 --dependency=afterany:$J0 --kill-on-invalid-dep=yes /d/task.sbatch /d/l1)',
      'sbatch --parsable --dependency=afterany:$J0:$J1 --kill-on-invalid-dep=yes /d/collect.sbatch',
    ]);
    assert.deepEqual(formatChain(sbatchChain('/d', [], [], DEFAULT_SLURM_OPTIONS)), ['sbatch --parsable /d/collect.sbatch']);
  });

  it('options are checked with errors naming the flag', () => {
    assert.throws(() => validateSlurmOptions({ ...DEFAULT_SLURM_OPTIONS, time: '4h' }), /--time: '4h' is not a Slurm time; allowed: HH:MM:SS/);
    assert.throws(() => validateSlurmOptions({ ...DEFAULT_SLURM_OPTIONS, partition: 'a b' }), /--partition: 'a b' is not a partition name/);
    assert.throws(() => validateSlurmOptions({ ...DEFAULT_SLURM_OPTIONS, maxParallel: 0 }), /--max-parallel must be an integer ≥ 1, got 0/);
    for (const t of ['04:00:00', '30', '1-12:00:00', '90:00']) assert.equal(validateSlurmOptions({ ...DEFAULT_SLURM_OPTIONS, time: t }).time, t);
  });

  it('shq quotes for bash', () => {
    assert.equal(shq('--a.b=1'), '--a.b=1');
    assert.equal(shq("it's x"), `'it'\\''s x'`);
  });
});
