/**
 * Where each unit of an experiment stands, read from the (shared) cache whichever machine computed
 * it: done (in the cache, or taken from the shipped results), running (its lock is held by a live
 * process: PID, host, Slurm job) or to run. `phylab exp <name> --status`, the Slurm emitter and
 * the collect job use it. Which units count as done is the runner's own rule (a dry run of it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Profile } from '../config/profile';
import type { Experiment } from '../experiments/core/experiment';
import { defaultCacheDir, runExperiment } from '../experiments/core/runner';
import { LockInfo, describeHolder, lockHolder } from '../runtime/pid-lock';
import { formatDuration } from '../runtime/progress';

export type UnitState = 'done' | 'running' | 'to-run';

export interface UnitStatus {
  id: string;
  hash: string;
  state: UnitState;
  /** For done units: where the result is. */
  source: 'cache' | 'shipped' | null;
  /** For shipped units: the summary folder whose `units/` held the result (the run's own, or the default one it shares units with). */
  shippedFrom?: string;
  /** For done units: the host that computed it (meta.json; null when not recorded). */
  host: string | null;
  seconds: number | null;
  /** For running units: who holds the lock. */
  holder: LockInfo | null;
  /** The unit's direct inputs. */
  deps: string[];
}

export interface StatusOptions {
  profile: Profile;
  seeds?: number[];
  /** Unit cache root (its `<experiment>/` folder is read). Default: the runner's (PHYLAB_CACHE or data/cache/units). */
  cacheDir?: string;
  /** Summary folder whose `units/` hold shipped results. Default: the runner's. */
  outDir?: string;
}

export interface ExperimentStatus {
  name: string;
  profile: Profile;
  seeds: number[];
  /** `<cacheDir>/<experiment>`. */
  cacheRoot: string;
  outDir: string;
  units: UnitStatus[];
}

function metaHost(dir: string): string | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { host?: unknown };
    return typeof m.host === 'string' ? m.host : null;
  } catch {
    return null;
  }
}

export async function experimentStatus<C>(exp: Experiment<C>, config: C, opts: StatusOptions): Promise<ExperimentStatus> {
  const res = await runExperiment(exp, config, { profile: opts.profile, seeds: opts.seeds, cacheDir: opts.cacheDir, outDir: opts.outDir, dryRun: true, silent: true });
  const cacheRoot = join(opts.cacheDir ?? defaultCacheDir(), exp.name);
  const plan = new Map(exp.plan(config, res.seeds).map((u) => [u.id, u]));
  const units = res.units.map((r): UnitStatus => {
    const dir = join(cacheRoot, r.hash);
    const deps = plan.get(r.id)?.deps ?? [];
    if (r.done) return { id: r.id, hash: r.hash, state: 'done', source: r.shipped ? 'shipped' : 'cache', ...(r.shipped ? { shippedFrom: res.shippedFrom[r.id] } : {}), host: r.shipped ? null : metaHost(dir), seconds: r.seconds, holder: null, deps };
    const holder = lockHolder(join(dir, 'lock'));
    return { id: r.id, hash: r.hash, state: holder ? 'running' : 'to-run', source: null, host: null, seconds: null, holder, deps };
  });
  return { name: exp.name, profile: opts.profile, seeds: res.seeds, cacheRoot, outDir: res.outDir, units };
}

export function countStates(units: ReadonlyArray<UnitStatus>): Record<UnitState, number> {
  const n: Record<UnitState, number> = { done: 0, running: 0, 'to-run': 0 };
  for (const u of units) n[u.state]++;
  return n;
}

/** The `--status` report: one header line, then one line per unit. */
export function formatStatus(st: ExperimentStatus): string {
  const n = countStates(st.units);
  const width = Math.max(...st.units.map((u) => u.id.length), 4);
  const lines = [`${st.name} (${st.profile}): ${st.units.length} units: ${n.done} done, ${n.running} running, ${n['to-run']} to run; cache ${st.cacheRoot}`];
  const doneIds = new Set(st.units.filter((u) => u.state === 'done').map((u) => u.id));
  for (const u of st.units) {
    let detail: string;
    if (u.state === 'done') detail = [u.source === 'shipped' ? `shipped (${u.shippedFrom ?? st.outDir}/units)` : 'cache', u.host ? `host ${u.host}` : null, u.seconds !== null ? formatDuration(u.seconds) : null].filter(Boolean).join(', ');
    else if (u.state === 'running') detail = `${describeHolder(u.holder!)}; lock ${u.holder!.file}`;
    else {
      const waiting = u.deps.filter((d) => !doneIds.has(d));
      detail = waiting.length ? `needs ${waiting.join(', ')}` : 'inputs ready';
    }
    lines.push(`  ${(u.state === 'to-run' ? 'to run' : u.state).padEnd(8)} ${u.id.padEnd(width)}  ${detail}`);
  }
  return lines.join('\n');
}
