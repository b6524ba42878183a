/**
 * The text of the Slurm files for one experiment (pure functions, no I/O): `task.sbatch` (one
 * array task = `phylab exp <name> --unit <id>`, the id being line $SLURM_ARRAY_TASK_ID of the
 * unit list given as its argument), `collect.sbatch` (`phylab exp <name> --collect`: writes the
 * summary, or names the missing units and fails), `submit.sh` (re-plans from the cache and
 * submits again), and the `sbatch` commands that chain the per-level arrays and the collect job.
 */
import { ConfigError } from '../config/profile';

export interface SlurmOptions {
  /** `--partition` of every job; null: the cluster's default partition. */
  partition: string | null;
  /** `--gpus-per-task` of the unit tasks; 0: none requested. Default 0. */
  gpusPerTask: number;
  /** `--cpus-per-task` of the unit tasks. Default 1. */
  cpusPerTask: number;
  /** `--time` limit of each unit task (HH:MM:SS, MM:SS or D-HH:MM:SS); null: the partition's default. */
  time: string | null;
  /** At most this many tasks of one array at once (`--array=1-N%K`); null: no limit. */
  maxParallel: number | null;
}

export const DEFAULT_SLURM_OPTIONS: SlurmOptions = { partition: null, gpusPerTask: 0, cpusPerTask: 1, time: null, maxParallel: null };

/** Check the options, with errors naming the flag and what is allowed. */
export function validateSlurmOptions(o: SlurmOptions): SlurmOptions {
  if (o.partition !== null && !/^[A-Za-z0-9_.,-]+$/.test(o.partition)) throw new ConfigError(`--partition: '${o.partition}' is not a partition name (letters, digits, _ . , -)`);
  if (o.time !== null && !/^(\d+-)?\d{1,3}(:\d{2}){0,2}$/.test(o.time)) throw new ConfigError(`--time: '${o.time}' is not a Slurm time; allowed: HH:MM:SS, MM:SS, minutes, or D-HH:MM:SS`);
  for (const [flag, v, min] of [['--gpus-per-task', o.gpusPerTask, 0], ['--cpus-per-task', o.cpusPerTask, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new ConfigError(`${flag} must be an integer ≥ ${min}, got ${v}`);
  }
  if (o.maxParallel !== null && (!Number.isInteger(o.maxParallel) || o.maxParallel < 1)) throw new ConfigError(`--max-parallel must be an integer ≥ 1, got ${o.maxParallel}`);
  return o;
}

/** Quote for bash (single quotes). */
export function shq(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface ScriptContext {
  experiment: string;
  /** Absolute repository root (on the shared filesystem: the same path on every node). */
  repoRoot: string;
  /** The Node binary that emitted the files (used on the nodes when it exists there; else `node` from PATH; PHYLAB_NODE overrides). */
  node: string;
  /** The `phylab exp <name>` arguments every job repeats: profile, seeds, config overrides, --cache, --out. */
  expArgs: string[];
  /** The emit folder (logs/ and lists/ go there). */
  dir: string;
}

function header(lines: string[]): string {
  return ['#!/bin/bash', ...lines.map((l) => `#SBATCH ${l}`)].join('\n');
}

const nodeLine = (c: ScriptContext) => `NODE="\${PHYLAB_NODE:-${c.node}}"; command -v "$NODE" >/dev/null 2>&1 || NODE=node   # Node 20 on the compute node`;
const phylab = (c: ScriptContext) => `"$NODE" ${shq(`${c.repoRoot}/bin/phylab.cjs`)} exp ${shq(c.experiment)} ${c.expArgs.map(shq).join(' ')}`;

export function taskScript(c: ScriptContext, o: SlurmOptions): string {
  const sb = [`--job-name=phylab-${c.experiment}`, `--output=${c.dir}/logs/%A_%a.out`, '--open-mode=append', '--ntasks=1', `--cpus-per-task=${o.cpusPerTask}`];
  if (o.partition) sb.push(`--partition=${o.partition}`);
  if (o.time) sb.push(`--time=${o.time}`);
  if (o.gpusPerTask > 0) sb.push(`--gpus-per-task=${o.gpusPerTask}`);
  return `${header(sb)}
# One unit of \`phylab exp ${c.experiment}\` per array task: line $SLURM_ARRAY_TASK_ID of the unit list given as $1.
# Its inputs come from the shared cache; a killed task leaves its checkpoints there and a rerun resumes.
set -euo pipefail
LIST="$1"
UNIT=$(sed -n "\${SLURM_ARRAY_TASK_ID}p" "$LIST")
[ -n "$UNIT" ] || { echo "no line $SLURM_ARRAY_TASK_ID in $LIST" >&2; exit 2; }
${nodeLine(c)}
cd ${shq(c.repoRoot)}
echo "[phylab-slurm] $(date -u +%FT%TZ) host $(hostname) job \${SLURM_ARRAY_JOB_ID:-?}_\${SLURM_ARRAY_TASK_ID} restart \${SLURM_RESTART_COUNT:-0}: unit $UNIT"
exec ${phylab(c)} --unit "$UNIT"
`;
}

export function collectScript(c: ScriptContext, o: SlurmOptions): string {
  const sb = [`--job-name=phylab-${c.experiment}-collect`, `--output=${c.dir}/logs/collect-%j.out`, '--ntasks=1', '--cpus-per-task=1'];
  if (o.partition) sb.push(`--partition=${o.partition}`);
  return `${header(sb)}
# Collect: write the summary of \`phylab exp ${c.experiment}\` from the shared cache, or name the units that are missing and fail (exit 3).
set -euo pipefail
${nodeLine(c)}
cd ${shq(c.repoRoot)}
exec ${phylab(c)} --collect
`;
}

/** `submit.sh`: plans again from the cache (only units not done) and submits; `emitArgs` are the --emit flags. */
export function submitScript(c: ScriptContext, emitArgs: string[]): string {
  return `#!/bin/bash
# Submit (or resubmit) \`phylab exp ${c.experiment}\` to Slurm: plans again from the shared cache, so only units
# that are not done are scheduled, then runs the sbatch commands (job ids go to ${c.dir}/jobs.json).
set -euo pipefail
${nodeLine(c)}
cd ${shq(c.repoRoot)}
exec ${phylab(c)} ${emitArgs.map(shq).join(' ')} --submit
`;
}

export interface SbatchCall {
  /** What the job is: `level 0 (3 units)` or `collect`. */
  what: string;
  /** sbatch arguments; `$J<k>` stands for the job id of level k. */
  args: string[];
}

/** The chain: one array per level (each after the previous levels: afterany), then the collect job after all of them. */
export function sbatchChain(dir: string, lists: string[], counts: number[], o: SlurmOptions): SbatchCall[] {
  const calls: SbatchCall[] = [];
  const prev: string[] = [];
  lists.forEach((list, k) => {
    const arr = `--array=1-${counts[k]}${o.maxParallel ? `%${o.maxParallel}` : ''}`;
    const dep = prev.length ? [`--dependency=afterany:${prev.join(':')}`, '--kill-on-invalid-dep=yes'] : [];
    calls.push({ what: `level ${k} (${counts[k]} unit${counts[k] === 1 ? '' : 's'})`, args: ['--parsable', arr, ...dep, `${dir}/task.sbatch`, list] });
    prev.push(`$J${k}`);
  });
  const dep = prev.length ? [`--dependency=afterany:${prev.join(':')}`, '--kill-on-invalid-dep=yes'] : [];
  calls.push({ what: 'collect', args: ['--parsable', ...dep, `${dir}/collect.sbatch`] });
  return calls;
}

/** The chain as shell lines a user can paste. */
export function formatChain(calls: ReadonlyArray<SbatchCall>): string[] {
  return calls.map((c, k) => {
    const cmd = `sbatch ${c.args.map((a) => (a.includes('$J') ? a : shq(a))).join(' ')}`;
    return c.what === 'collect' ? cmd : `J${k}=$(${cmd})`;
  });
}
