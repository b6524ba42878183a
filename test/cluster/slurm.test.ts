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
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/runtime/provenance';
import { lockHolder } from '../../lib/runtime/pid-lock';
import { ensureSlurm, jobState, stopSlurm, waitGone } from './slurm-cluster';

type Row = Record<string, unknown>;
/** Summary rows without wall-clock fields (e.g. trainSeconds), which differ between any two runs. */
const rowsOf = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as Row[]).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !/seconds$/i.test(k))));

function phylab(args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'phylab.cjs'), 'exp', ...args], { encoding: 'utf8', env: { ...process.env, PHYLAB_QUIET: '1' } });
  return r;
}

const t = () => Date.now();
const secs = (t0: number) => ((Date.now() - t0) / 1000).toFixed(1);
const note = (s: string) => process.stderr.write(`      (${s})\n`);

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
  // one config for both smoke runs: training long enough (checkpoints every 10 steps) to cancel a task mid-run
  const cfg = ['id-ood', '--profile', 'smoke', '--scenarios=uniform', '--train.steps=200', '--train.checkpointEvery=10'];
  let localRows: Row[] | null = null;
  /** The summary rows of a local `phylab exp` run of `cfg` (computed once). */
  const local = () => {
    if (localRows) return localRows;
    const t0 = t();
    const r = phylab([...cfg, '--cache', join(dir, 'local-cache'), '--out', join(dir, 'local-out')]);
    assert.equal(r.status, 0, r.stderr);
    note(`local run: ${secs(t0)} s`);
    return (localRows = rowsOf(join(dir, 'local-out', 'summary.json')));
  };

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

  it('a smoke experiment through sbatch gives the summary rows of a local run', async () => {
    const reference = local();
    const t0 = t();
    const emitDir = join(dir, 'a-emit');
    const slurm = [...cfg, '--cache', join(dir, 'a-cache'), '--out', join(dir, 'a-out')];
    const sub = phylab([...slurm, '--emit', 'slurm', '--emit-dir', emitDir, '--max-parallel', '2', '--submit']);
    assert.equal(sub.status, 0, sub.stderr);
    assert.match(sub.stdout, /6 to schedule in 3 dependency level\(s\) \(2 \+ 2 \+ 2 tasks\)/);
    const jobs = jobsOf(emitDir);
    assert.equal(jobs.length, 4);
    await waitGone(jobs.map((j) => j.id), 600_000);
    note(`Slurm: 6 units in 3 arrays + collect, submit to summary: ${secs(t0)} s`);
    for (const j of jobs) assert.equal(jobState(j.what === 'collect' ? j.id : `${j.id}_1`), 'COMPLETED', `${j.what}: job ${j.id}`);
    assert.deepEqual(rowsOf(join(dir, 'a-out', 'summary.json')), reference);
    note(`${rowsOf(join(dir, 'a-out', 'summary.json')).length} summary rows identical to the local run's (wall-clock fields aside)`);
    const st = phylab([...slurm, '--status']);
    assert.match(st.stdout, /6 units: 6 done, 0 running, 0 to run/);
    assert.match(st.stdout, /done +vae\/uniform +cache, host \S+/);
  });

  it('scancel of a training task: lock released, checkpoint kept, collect names the missing units; a resubmission recomputes only those and gives the same rows', async () => {
    const reference = local();
    let t0 = t();
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
    const foreign = join(dir, 'foreign.lock'); // as if a node that died had left it, with a fresh heartbeat
    writeFileSync(foreign, JSON.stringify({ pid: 1, host: 'other-node', start: '1', boot: 'x', since: new Date().toISOString(), slurmJob: victim!.job }));
    assert.equal(lockHolder(foreign), null, 'a lock of another node whose Slurm job was cancelled is stale at once (squeue)');
    assert.equal(existsSync(join(victim!.dir, 'result.json')), false);
    // the training log up to the last checkpoint: a resumed run keeps these lines as they are (a fresh start would rewrite them)
    const ckStep = JSON.parse(readFileSync(join(victim!.dir, 'checkpoint', 'config.json'), 'utf8')).step as number;
    const logLines = (f: string) => readFileSync(f, 'utf8').trim().split('\n');
    const kept = logLines(join(victim!.dir, 'train-log.jsonl')).filter((l) => JSON.parse(l).step <= ckStep);
    assert.equal(kept.length, ckStep);
    note(`scancel ${victim!.job} (${victim!.unit}) ${secs(t0)} s after submission, its checkpoint at step ${victim!.step} of 200`);

    await waitGone(jobs.map((j) => j.id), 600_000);
    note(`first submission over (collect failed, naming 2 units): ${secs(t0)} s`);
    const collect = jobs.find((j) => j.what === 'collect')!;
    const log = readFileSync(join(emitDir, 'logs', `collect-${collect.id}.out`), 'utf8');
    assert.match(log, /--collect: 2 of 6 units are not done \(0 running, 2 to run\); no summary written/);
    assert.ok(log.includes(victim!.unit), log);
    assert.equal(jobState(collect.id), 'FAILED');
    assert.equal(existsSync(join(dir, 'b-out', 'summary.json')), false, 'no short summary');

    const before = finishedTimes(cacheRoot);
    assert.equal(before.size, 4);
    t0 = t();
    const again = spawnSync('bash', [join(emitDir, 'submit.sh')], { encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /4 done, 0 running elsewhere \(not scheduled again\), 2 to schedule in 2 dependency level\(s\) \(1 \+ 1 tasks\)/);
    const jobs2 = jobsOf(emitDir);
    await waitGone(jobs2.map((j) => j.id), 600_000);
    note(`resubmission (2 units + collect) to summary: ${secs(t0)} s`);
    for (const j of jobs2) assert.equal(jobState(j.what === 'collect' ? j.id : `${j.id}_1`), 'COMPLETED', `${j.what}: job ${j.id}`);
    const after = finishedTimes(cacheRoot);
    for (const [id, t] of before) assert.equal(after.get(id), t, `${id} was not recomputed`);
    assert.equal(after.size, 6);
    const resumedLog = readFileSync(join(emitDir, 'logs', `${jobs2[0].id}_1.out`), 'utf8');
    assert.ok(resumedLog.includes(`unit ${victim!.unit}`), resumedLog);
    const log2 = logLines(join(victim!.dir, 'train-log.jsonl'));
    assert.equal(log2.length, 200, 'each step logged once');
    assert.deepEqual(log2.slice(0, ckStep), kept, `resumed from the checkpoint at step ${ckStep}`);
    assert.deepEqual(rowsOf(join(dir, 'b-out', 'summary.json')), reference);
    note(`${rowsOf(join(dir, 'b-out', 'summary.json')).length} summary rows identical to the local run's; the 4 units finished before the cancel were not recomputed; the cancelled model resumed from step ${ckStep}`);
  });

  it('quick id-ood emitted for Slurm reproduces the shipped summary from the shipped unit results', async () => {
    const shipped = join(REPO_ROOT, 'data', 'results', 'id-ood', 'quick');
    const out = join(dir, 'q-out');
    cpSync(shipped, out, { recursive: true, filter: (src) => !src.includes(`${shipped}/summary`) && !src.endsWith('run.json') });
    const emitDir = join(dir, 'q-emit');
    const sub = phylab(['id-ood', '--profile', 'quick', '--cache', join(dir, 'q-cache'), '--out', out, '--emit', 'slurm', '--emit-dir', emitDir, '--gpus-per-task', '0', '--submit']);
    assert.equal(sub.status, 0, sub.stderr);
    assert.match(sub.stdout, /150 units: 150 done, 0 running elsewhere \(not scheduled again\), 0 to schedule/);
    const jobs = jobsOf(emitDir);
    assert.deepEqual(jobs.map((j) => j.what), ['collect']);
    const t0 = t();
    await waitGone([jobs[0].id], 300_000);
    assert.equal(jobState(jobs[0].id), 'COMPLETED');
    const rows = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.deepEqual(rows, JSON.parse(readFileSync(join(shipped, 'summary.json'), 'utf8')));
    note(`collect job: ${secs(t0)} s; ${rows.length} rows identical to the shipped summary.json`);
  });
});
