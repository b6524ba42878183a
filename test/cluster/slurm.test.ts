/**
 * `phylab exp --emit slurm --submit` against a real single-node Slurm (slurmctld + slurmd + munge):
 * a smoke experiment's arrays and collect job give the same summary rows as a local run; a task
 * cancelled with scancel mid-training releases its lock and keeps its checkpoint, the collect job
 * names the missing units, and a resubmission schedules only those and ends with the same rows;
 * a `quick` experiment emitted for Slurm reproduces the shipped summary from its unit results.
 * Skipped, with the reason, where Slurm cannot run (see slurm-cluster.ts).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/runtime/provenance';
import { ensureSlurm, jobState, stopSlurm, waitGone } from './slurm-cluster';

type Row = Record<string, unknown>;
/** Summary rows without wall-clock fields (e.g. trainSeconds), which differ between any two runs. */
const rowsOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as Row[]).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !/seconds$/i.test(k))));

function phylab(args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'phylab.cjs'), 'exp', ...args], { encoding: 'utf8', env: { ...process.env, PHYLAB_QUIET: '1' } });
  return r;
}

function jobsOf(emitDir: string): Array<{ what: string; id: string; args: string[] }> {
  return JSON.parse(readFileSync(join(emitDir, 'jobs.json'), 'utf8')).jobs;
}

/** Unit folders of the cache by unit id. */
function unitDirs(cacheRoot: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(cacheRoot)) return out;
  for (const h of readdirSync(cacheRoot)) {
    const f = join(cacheRoot, h, 'unit.json');
    if (existsSync(f)) out.set(JSON.parse(readFileSync(f, 'utf8')).id, join(cacheRoot, h));
  }
  return out;
}

const finishedTimes = (cacheRoot: string) => new Map([...unitDirs(cacheRoot)].filter(([, d]) => existsSync(join(d, 'meta.json'))).map(([id, d]) => [id, JSON.parse(readFileSync(join(d, 'meta.json'), 'utf8')).finished as string]));

describe('cluster: Slurm job arrays on a real single-node cluster', function () {
  this.timeout(900_000);
  let dir: string;
  let started = false;

  before(function () {
    const up = ensureSlurm();
    if (!up.ok) {
      process.stderr.write(`      (skipped: ${up.reason})\n`);
      this.skip();
    }
    started = up.started;
    dir = mkdtempSync(join(tmpdir(), 'phylab-slurm-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (started) stopSlurm();
  });

  it('a smoke experiment through sbatch gives the summary rows of a local run; a resubmission schedules nothing more', async () => {
    const cfg = ['id-ood', '--profile', 'smoke', '--scenarios=uniform'];
    const local = phylab([...cfg, '--cache', join(dir, 'a-local'), '--out', join(dir, 'a-local-out')]);
    assert.equal(local.status, 0, local.stderr);
    const emitDir = join(dir, 'a-emit');
    const slurm = [...cfg, '--cache', join(dir, 'a-cache'), '--out', join(dir, 'a-out')];
    const sub = phylab([...slurm, '--emit', 'slurm', '--emit-dir', emitDir, '--max-parallel', '2', '--submit']);
    assert.equal(sub.status, 0, sub.stderr);
    assert.match(sub.stdout, /6 to schedule in 3 dependency level\(s\) \(2 \+ 2 \+ 2 tasks\)/);
    const jobs = jobsOf(emitDir);
    assert.equal(jobs.length, 4);
    await waitGone(jobs.map((j) => j.id), 600_000);
    for (const j of jobs) assert.equal(jobState(j.what === 'collect' ? j.id : `${j.id}_1`), 'COMPLETED', `${j.what}: job ${j.id}`);
    assert.deepEqual(rowsOf(join(dir, 'a-out', 'summary.json')), rowsOf(join(dir, 'a-local-out', 'summary.json')));
    const st = phylab([...slurm, '--status']);
    assert.match(st.stdout, /6 units: 6 done, 0 running, 0 to run/);
    assert.match(st.stdout, /done +vae\/uniform +cache, host \S+/);
    // everything is done: resubmitting schedules only the collect job
    const again = spawnSync('bash', [join(emitDir, 'submit.sh')], { encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /0 to schedule in 0 dependency level\(s\)/);
    const j2 = jobsOf(emitDir);
    assert.deepEqual(j2.map((j) => j.what), ['collect']);
    await waitGone([j2[0].id], 120_000);
    assert.equal(jobState(j2[0].id), 'COMPLETED');
  });

  it('scancel of a training task: lock released, checkpoint kept, collect names the missing units; a resubmission recomputes only those and gives the same rows', async () => {
    const cfg = ['id-ood', '--profile', 'smoke', '--scenarios=uniform', '--train.steps=800', '--train.checkpointEvery=50'];
    const local = phylab([...cfg, '--cache', join(dir, 'b-local'), '--out', join(dir, 'b-local-out')]);
    assert.equal(local.status, 0, local.stderr);
    const emitDir = join(dir, 'b-emit');
    const cacheRoot = join(dir, 'b-cache', 'id-ood');
    const slurm = [...cfg, '--cache', join(dir, 'b-cache'), '--out', join(dir, 'b-out')];
    const sub = phylab([...slurm, '--emit', 'slurm', '--emit-dir', emitDir, '--submit']);
    assert.equal(sub.status, 0, sub.stderr);
    const jobs = jobsOf(emitDir);

    // wait for a training task with a checkpoint, then cancel exactly that task (its lock names its Slurm job)
    let victim: { unit: string; dir: string; job: string; step: number } | null = null;
    for (const t0 = Date.now(); !victim && Date.now() - t0 < 300_000; await new Promise((r) => setTimeout(r, 200))) {
      for (const [id, d] of unitDirs(cacheRoot)) {
        if (!id.startsWith('train/') || existsSync(join(d, 'result.json')) || !existsSync(join(d, 'checkpoint', 'config.json')) || !existsSync(join(d, 'lock'))) continue;
        const lock = JSON.parse(readFileSync(join(d, 'lock'), 'utf8'));
        victim = { unit: id, dir: d, job: lock.slurmJob, step: JSON.parse(readFileSync(join(d, 'checkpoint', 'config.json'), 'utf8')).step };
        break;
      }
    }
    assert.ok(victim, 'a training task wrote a checkpoint');
    assert.match(victim!.job, /^\d+_\d+$/);
    assert.equal(spawnSync('scancel', [victim!.job]).status, 0);
    await waitGone([victim!.job], 60_000);
    assert.equal(jobState(victim!.job), 'CANCELLED');
    assert.equal(existsSync(join(victim!.dir, 'lock')), false, 'SIGTERM from scancel released the lock');
    assert.ok(existsSync(join(victim!.dir, 'checkpoint', 'config.json')), 'the checkpoint is kept');
    assert.equal(existsSync(join(victim!.dir, 'result.json')), false);
    process.stderr.write(`      (cancelled ${victim!.unit} = Slurm task ${victim!.job} after its checkpoint at step ${victim!.step})\n`);

    await waitGone(jobs.map((j) => j.id), 600_000);
    const collect = jobs.find((j) => j.what === 'collect')!;
    const log = readFileSync(join(emitDir, 'logs', `collect-${collect.id}.out`), 'utf8');
    assert.match(log, /--collect: 2 of 6 units are not done \(0 running, 2 to run\); no summary written/);
    assert.ok(log.includes(victim!.unit), log);
    assert.equal(jobState(collect.id), 'FAILED');
    assert.equal(existsSync(join(dir, 'b-out', 'summary.json')), false, 'no short summary');

    const before = finishedTimes(cacheRoot);
    assert.equal(before.size, 4);
    const again = spawnSync('bash', [join(emitDir, 'submit.sh')], { encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /4 done, 0 running elsewhere \(not scheduled again\), 2 to schedule in 2 dependency level\(s\) \(1 \+ 1 tasks\)/);
    const jobs2 = jobsOf(emitDir);
    await waitGone(jobs2.map((j) => j.id), 600_000);
    for (const j of jobs2) assert.equal(jobState(j.what === 'collect' ? j.id : `${j.id}_1`), 'COMPLETED', `${j.what}: job ${j.id}`);
    const after = finishedTimes(cacheRoot);
    for (const [id, t] of before) assert.equal(after.get(id), t, `${id} was not recomputed`);
    assert.equal(after.size, 6);
    const resumedLog = readFileSync(join(emitDir, 'logs', `${jobs2[0].id}_1.out`), 'utf8');
    assert.ok(resumedLog.includes(`unit ${victim!.unit}`), resumedLog);
    assert.deepEqual(rowsOf(join(dir, 'b-out', 'summary.json')), rowsOf(join(dir, 'b-local-out', 'summary.json')));
  });

  it('quick id-ood emitted for Slurm reproduces the shipped summary from the shipped unit results', async () => {
    const shipped = join(REPO_ROOT, 'data', 'results', 'id-ood', 'quick');
    const out = join(dir, 'q-out');
    cpSync(shipped, out, { recursive: true, filter: (src) => !src.includes(`${shipped}/summary`) && !src.endsWith('run.json') });
    const emitDir = join(dir, 'q-emit');
    const sub = phylab(['id-ood', '--profile', 'quick', '--cache', join(dir, 'q-cache'), '--out', out, '--emit', 'slurm', '--emit-dir', emitDir, '--gpus-per-task', '0', '--submit']);
    assert.equal(sub.status, 0, sub.stderr);
    assert.match(sub.stdout, /78 units: 78 done, 0 running elsewhere \(not scheduled again\), 0 to schedule/);
    const jobs = jobsOf(emitDir);
    assert.deepEqual(jobs.map((j) => j.what), ['collect']);
    await waitGone([jobs[0].id], 300_000);
    assert.equal(jobState(jobs[0].id), 'COMPLETED');
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')), JSON.parse(readFileSync(join(shipped, 'summary.json'), 'utf8')));
  });
});
