/**
 * The cluster modes of `phylab exp <name>` (issue #24): `--unit <id>` (run exactly one unit, its
 * inputs taken from the cache), `--status` (done / running / to run per unit), `--collect` (write
 * the summary when every unit is done, else name the missing ones and exit 3) and `--emit slurm`
 * (write, and with `--submit` submit, a Slurm job array per dependency level plus a collect job).
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { OptionSpec, ParsedArgs } from './args';
import { UsageError } from './args';
import type { Profile } from '../config/profile';
import { configHash } from '../config/hash';
import type { Experiment } from '../experiments/core/experiment';
import { defaultCacheDir, runExperiment } from '../experiments/core/runner';
import { findUnit } from '../experiments/core/unit-inputs';
import { REPO_ROOT } from '../runtime/provenance';
import { initBackend } from '../runtime/backend';
import { countStates, experimentStatus, formatStatus } from '../cluster/unit-status';
import { emitSlurm, submitChain } from '../cluster/slurm-emit';
import { formatChain, shq, validateSlurmOptions } from '../cluster/slurm-script';

/** Exit code of `--collect` (and of `--unit` when its inputs are missing): the experiment is not complete. */
export const EXIT_INCOMPLETE = 3;

export const clusterOptions: OptionSpec[] = [
  { name: 'cache', type: 'string', help: 'unit cache folder, shared by every machine of a cluster (default $PHYLAB_CACHE or data/cache/units)' },
  { name: 'unit', type: 'string', help: 'run exactly this unit (an id from --dry-run), its inputs taken from the cache; no summary is written' },
  { name: 'status', type: 'boolean', help: 'print done / running (lock holder) / to run per unit, from the cache; run nothing', default: false },
  { name: 'collect', type: 'boolean', help: `write the summary from the cache when every unit is done; else name the missing units and exit ${EXIT_INCOMPLETE}`, default: false },
  { name: 'emit', type: 'string', help: 'write scheduler scripts for the units not done yet (one job array per dependency level + a collect job)', choices: ['slurm'] },
  { name: 'emit-dir', type: 'string', help: 'with --emit: folder for the scripts, unit lists and logs, on the shared filesystem (default <cache>/slurm/<name>-<profile>-<config hash>)' },
  { name: 'submit', type: 'boolean', help: 'with --emit slurm: also run the sbatch commands', default: false },
  { name: 'partition', type: 'string', help: 'with --emit slurm: Slurm partition (default: the cluster default)' },
  { name: 'gpus-per-task', type: 'integer', help: 'with --emit slurm: GPUs per unit task', default: 0, min: 0 },
  { name: 'cpus-per-task', type: 'integer', help: 'with --emit slurm: CPUs per unit task', default: 1, min: 1 },
  { name: 'time', type: 'string', help: 'with --emit slurm: time limit per unit task (HH:MM:SS or D-HH:MM:SS; default: the partition’s)' },
  { name: 'max-parallel', type: 'integer', help: 'with --emit slurm: at most K tasks of an array at once (default: no limit)', min: 1 },
];

const EMIT_ONLY = ['emit-dir', 'submit', 'partition', 'gpus-per-task', 'cpus-per-task', 'time', 'max-parallel'];

interface ClusterRun {
  exp: Experiment<unknown>;
  config: unknown;
  profile: Profile;
  seeds: number[] | undefined;
  outDir: string | undefined;
}

/** The cache folder from --cache (absolute), or undefined for the runner's default. */
export function cacheOption(args: ParsedArgs): string | undefined {
  const c = args.options.cache as string | undefined;
  return c === undefined ? undefined : resolve(c);
}

/**
 * Handle the cluster modes; returns the exit code, or null when none was asked for (a normal run).
 * Throws UsageError for flags that do not go together.
 */
export async function runClusterMode(args: ParsedArgs, r: ClusterRun): Promise<number | null> {
  const o = args.options;
  const modes = ['unit', 'status', 'collect', 'emit'].filter((m) => o[m] !== undefined && o[m] !== false);
  if (modes.length > 1) throw new UsageError(`--${modes.join(', --')}: choose one of them`);
  const mode = modes[0];
  const emitFlags = EMIT_ONLY.filter((f) => args.options[f] !== undefined && !isDefault(f, args.options[f]));
  if (mode !== 'emit' && emitFlags.length) throw new UsageError(`--${emitFlags[0]} goes with --emit slurm`);
  if (!mode) return null;
  for (const f of ['dry-run', 'budget-min', 'no-train', 'force']) {
    if (o[f] !== undefined && o[f] !== false) throw new UsageError(`--${f} does not go with --${mode}`);
  }
  const cacheDir = cacheOption(args);
  const base = { profile: r.profile, seeds: r.seeds, cacheDir, outDir: r.outDir };
  const out = (s: string) => process.stdout.write(s + '\n');

  if (mode === 'status') {
    out(formatStatus(await experimentStatus(r.exp, r.config, base)));
    return 0;
  }

  if (mode === 'collect') {
    const st = await experimentStatus(r.exp, r.config, base);
    const missing = st.units.filter((u) => u.state !== 'done');
    if (missing.length) {
      const n = countStates(st.units);
      process.stderr.write(`phylab exp ${r.exp.name} --collect: ${missing.length} of ${st.units.length} units are not done (${n.running} running, ${n['to-run']} to run); no summary written:\n${missing.map((u) => `  ${u.state === 'running' ? 'running' : 'to run '} ${u.id}`).join('\n')}\nresubmit (bash <emit dir>/submit.sh, or phylab exp ${r.exp.name} --emit slurm --submit) to schedule them\n`);
      return EXIT_INCOMPLETE;
    }
    const res = await runExperiment(r.exp, r.config, { ...base, budgetS: 0 });
    out(res.summaryWritten ? `summary: ${res.outDir}/summary.json (${res.rows.length} rows, ${res.units.length} units)` : `summary: kept ${res.outDir}/summary.json`);
    return 0;
  }

  if (mode === 'unit') {
    const id = String(o.unit);
    const plan = r.exp.plan(r.config, r.seeds ?? r.exp.defaultSeeds(r.profile));
    const unit = findUnit(plan, id);
    await initBackend({ backend: o.backend as string | undefined });
    const res = await runExperiment(r.exp, r.config, { ...base, only: id });
    const rec = res.units.find((u) => u.id === id)!;
    if (rec.done) {
      out(`${r.exp.name} ${id}: ${rec.cached ? `already done (${rec.shipped ? 'shipped result' : 'cache'})` : `done in ${rec.seconds?.toFixed(1)} s`}`);
      return 0;
    }
    const byId = new Map(res.units.map((u) => [u.id, u]));
    const missing = (unit.deps ?? []).filter((d) => !byId.get(d)?.done);
    process.stderr.write(`phylab exp ${r.exp.name} --unit ${id}: not run: its input${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the cache ${join(cacheDir ?? defaultCacheDir(), r.exp.name)} (nor being computed); run ${missing.length === 1 ? 'it' : 'them'} first (phylab exp ${r.exp.name} --unit ${missing[0]}), or resubmit the emitted Slurm script, which orders them\n`);
    return EXIT_INCOMPLETE;
  }

  // --emit slurm
  const slurm = validateSlurmOptions({
    partition: (o.partition as string | undefined) ?? null,
    gpusPerTask: o['gpus-per-task'] as number,
    cpusPerTask: o['cpus-per-task'] as number,
    time: (o.time as string | undefined) ?? null,
    maxParallel: (o['max-parallel'] as number | undefined) ?? null,
  });
  const seeds = r.seeds ?? r.exp.defaultSeeds(r.profile);
  const cache = cacheDir ?? resolve(defaultCacheDir());
  const dirOpt = o['emit-dir'] as string | undefined;
  const dir = dirOpt !== undefined ? resolve(dirOpt) : join(cache, 'slurm', `${r.exp.name}-${r.profile}-${configHash({ config: r.config, seeds }, 8)}`);
  // what every job repeats: the same experiment, config, seeds, cache and summary folder
  const expArgs = ['--profile', r.profile, ...(r.seeds ? ['--seeds', r.seeds.join(',')] : []), '--cache', cache, ...(r.outDir ? ['--out', isAbsolute(r.outDir) ? r.outDir : resolve(r.outDir)] : []), ...Object.entries(args.overrides).map(([k, v]) => `--${k}=${v}`), ...(o.backend ? ['--backend', String(o.backend)] : [])];
  const emitArgs = ['--emit', 'slurm', '--emit-dir', dir, ...(slurm.partition ? ['--partition', slurm.partition] : []), '--gpus-per-task', String(slurm.gpusPerTask), '--cpus-per-task', String(slurm.cpusPerTask), ...(slurm.time ? ['--time', slurm.time] : []), ...(slurm.maxParallel ? ['--max-parallel', String(slurm.maxParallel)] : [])];
  const em = await emitSlurm(r.exp, r.config, { ...base, cacheDir: cache, slurm, dir, context: { experiment: r.exp.name, repoRoot: REPO_ROOT, node: process.execPath, expArgs }, emitArgs });
  const n = countStates(em.status.units);
  const running = em.status.units.filter((u) => u.state === 'running');
  out(`${r.exp.name} (${r.profile}): ${em.status.units.length} units: ${n.done} done, ${n.running} running elsewhere (not scheduled again), ${n['to-run']} to schedule in ${em.levels.length} dependency level(s) (${em.levels.map((l) => l.length).join(' + ') || '0'} tasks)`);
  for (const u of running) out(`  running: ${u.id} (${u.holder!.host ?? ''} pid ${u.holder!.pid}${u.holder!.slurmJob ? `, Slurm job ${u.holder!.slurmJob}` : ''})`);
  out(`wrote ${dir}/{task.sbatch,collect.sbatch,submit.sh} and ${em.lists.length} unit list(s) in ${dir}/lists; logs go to ${dir}/logs`);
  if (!o.submit) {
    out(`submit with:  bash ${shq(join(dir, 'submit.sh'))}   (plans again from the cache, then runs:)`);
    for (const l of formatChain(em.calls)) out(`  ${l}`);
    return 0;
  }
  const sub = submitChain(em);
  for (const j of sub.jobs) out(`submitted ${j.what}: job ${j.id}`);
  out(`watch: squeue -j ${sub.jobs.map((j) => j.id).join(',')}   |   phylab exp ${r.exp.name} ${expArgs.map(shq).join(' ')} --status`);
  return 0;
}

function isDefault(flag: string, v: unknown): boolean {
  return (flag === 'submit' && v === false) || (flag === 'gpus-per-task' && v === 0) || (flag === 'cpus-per-task' && v === 1);
}
