/**
 * Is a Slurm job (or array task, `12_3`) still running? Used for locks held on another host: when
 * the holder recorded its Slurm job and Slurm says that job has ended (cancelled, failed, killed
 * at its time limit, node lost), the lock is stale at once instead of after PHYLAB_LOCK_STALE_S.
 * `squeue` from PATH, or `$PHYLAB_SQUEUE`.
 */
import { spawnSync } from 'node:child_process';

/** Job states in which the job's processes may still run (squeue %T). */
const ALIVE = new Set(['RUNNING', 'COMPLETING', 'SUSPENDED', 'STOPPED', 'CONFIGURING', 'SIGNALING', 'STAGE_OUT', 'RESIZING', 'REQUEUE_HOLD', 'REQUEUED']);

/** true: still running; false: Slurm says it has ended (or never ran); null: cannot tell (no Slurm client, or it failed). */
export function slurmJobAlive(job: string): boolean | null {
  if (!/^\d+(_\d+)?$/.test(job)) return null;
  const r = spawnSync(process.env.PHYLAB_SQUEUE ?? 'squeue', ['-h', '-o', '%T', '-j', job], { encoding: 'utf8', timeout: 15_000 });
  if (r.error) return null;
  if (r.status !== 0) return /invalid job id/i.test(r.stderr) ? false : null; // a job Slurm no longer knows has ended
  const states = r.stdout.trim().split('\n').filter(Boolean);
  return states.some((s) => ALIVE.has(s.trim()));
}
