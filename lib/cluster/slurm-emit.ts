/**
 * `phylab exp <name> --emit slurm`: write the Slurm files for the units that are not done (one job
 * array per dependency level, chained with afterany, then a collect job) into an emit folder on
 * the shared filesystem, and optionally submit them (`--submit`, or `bash <dir>/submit.sh` later).
 * Units another process is computing (a live lock) are not scheduled again: their dependents wait
 * for the lock, as the runner does.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Experiment } from '../experiments/core/experiment';
import { unitLevels } from '../experiments/core/unit-inputs';
import { ExperimentStatus, StatusOptions, experimentStatus } from './unit-status';
import { ScriptContext, SbatchCall, SlurmOptions, collectScript, sbatchChain, submitScript, taskScript } from './slurm-script';

export interface EmitOptions extends StatusOptions {
  slurm: SlurmOptions;
  /** The emit folder. */
  dir: string;
  /** Script context less `dir` (the repository, Node, the repeated `phylab exp` arguments). */
  context: Omit<ScriptContext, 'dir'>;
  /** The `--emit slurm …` flags that submit.sh repeats. */
  emitArgs: string[];
}

export interface Emitted {
  dir: string;
  status: ExperimentStatus;
  /** Unit ids per level, as scheduled. */
  levels: string[][];
  /** The unit list file of each level. */
  lists: string[];
  calls: SbatchCall[];
}

function writeAtomic(file: string, text: string, mode?: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  if (mode !== undefined) chmodSync(tmp, mode);
  renameSync(tmp, file);
}

/** A sortable stamp naming one submission's unit lists (lists of pending arrays are never overwritten). */
function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('.', '').replace('Z', `-${process.pid}`);
}

export async function emitSlurm<C>(exp: Experiment<C>, config: C, opts: EmitOptions): Promise<Emitted> {
  const status = await experimentStatus(exp, config, opts);
  const todo = status.units.filter((u) => u.state === 'to-run').map((u) => u.id);
  const levels = unitLevels(exp.plan(config, status.seeds), todo);
  const dir = opts.dir;
  for (const d of [dir, join(dir, 'logs'), join(dir, 'lists')]) mkdirSync(d, { recursive: true });
  const ctx: ScriptContext = { ...opts.context, dir };
  writeAtomic(join(dir, 'task.sbatch'), taskScript(ctx, opts.slurm), 0o755);
  writeAtomic(join(dir, 'collect.sbatch'), collectScript(ctx, opts.slurm), 0o755);
  writeAtomic(join(dir, 'submit.sh'), submitScript(ctx, opts.emitArgs), 0o755);
  const s = stamp();
  const lists = levels.map((ids, k) => {
    const f = join(dir, 'lists', `${s}-L${k}.txt`);
    writeAtomic(f, ids.join('\n') + '\n');
    return f;
  });
  return { dir, status, levels, lists, calls: sbatchChain(dir, lists, levels.map((l) => l.length), opts.slurm) };
}

export interface Submitted {
  /** Job id per call (same order as `calls`). */
  jobs: Array<{ what: string; id: string; args: string[] }>;
}

/** Run the sbatch chain (`sbatch` from PATH, or `$PHYLAB_SBATCH`), substituting each level's job id; records jobs.json in the emit folder. */
export function submitChain(em: Emitted): Submitted {
  const sbatch = process.env.PHYLAB_SBATCH ?? 'sbatch';
  const ids: string[] = [];
  const jobs: Submitted['jobs'] = [];
  for (const c of em.calls) {
    const args = c.args.map((a) => a.replace(/\$J(\d+)/g, (_, k) => ids[Number(k)]));
    const r = spawnSync(sbatch, args, { encoding: 'utf8' });
    if (r.error) throw new Error(`cannot run ${sbatch}: ${r.error.message} (is Slurm's client installed on this machine? Debian: slurm-client)`);
    if (r.status !== 0) throw new Error(`${sbatch} ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}${jobs.length ? `; already submitted: ${jobs.map((j) => `${j.what} = job ${j.id}`).join(', ')} (scancel them or let them run)` : ''}`);
    const id = r.stdout.trim().split(';')[0];
    if (!/^\d+$/.test(id)) throw new Error(`${sbatch} printed no job id: '${r.stdout.trim()}'`);
    ids.push(id);
    jobs.push({ what: c.what, id, args });
  }
  writeAtomic(join(em.dir, 'jobs.json'), JSON.stringify({ submitted: new Date().toISOString(), jobs }, null, 2) + '\n');
  return { jobs };
}
