/**
 * Test helpers for a real single-node Slurm: use the one that runs, or start one with
 * scripts/slurm-up.sh (root, Debian slurm-wlm + munge installed) and stop it afterwards.
 * PHYLAB_SLURM_TESTS=0 skips the Slurm tests.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/runtime/provenance';

export type SlurmUp = { ok: true; started: boolean; line: string } | { ok: false; reason: string };

function sh(cmd: string, args: string[]) {
  return spawnSync(cmd, args, { encoding: 'utf8' });
}

function nodeUp(): string | null {
  const r = sh('sinfo', ['-h', '-o', '%n %T']);
  if (r.status !== 0 || r.error) return null;
  const line = r.stdout.trim().split('\n')[0] ?? '';
  return /\b(idle|mixed|allocated)\b/.test(line) ? line : null;
}

export function ensureSlurm(): SlurmUp {
  if (process.env.PHYLAB_SLURM_TESTS === '0') return { ok: false, reason: 'PHYLAB_SLURM_TESTS=0' };
  const up = nodeUp();
  if (up) return { ok: true, started: false, line: up };
  if (sh('sh', ['-c', 'command -v slurmctld && command -v slurmd && command -v munged && command -v sbatch']).status !== 0) {
    return { ok: false, reason: 'Slurm is not installed (Debian: apt-get install slurm-wlm munge; `.ci/run` installs it and starts it with scripts/slurm-up.sh)' };
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ok: false, reason: 'no Slurm running, and starting one needs root (sudo bash scripts/slurm-up.sh)' };
  const r = sh('bash', [join(REPO_ROOT, 'scripts', 'slurm-up.sh')]);
  if (r.status !== 0) return { ok: false, reason: `scripts/slurm-up.sh could not start Slurm (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}` };
  return { ok: true, started: true, line: r.stdout.trim() };
}

export function stopSlurm(): void {
  sh('bash', [join(REPO_ROOT, 'scripts', 'slurm-down.sh')]);
}

/** Jobs (ids like 12 or 12_3) still in the queue. */
export function queued(ids: ReadonlyArray<string>): string[] {
  const r = sh('squeue', ['-h', '-o', '%i %T', '-j', ids.join(',')]);
  return r.status === 0 ? r.stdout.trim().split('\n').filter(Boolean) : [];
}

export async function waitGone(ids: ReadonlyArray<string>, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (queued(ids).length > 0) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`Slurm jobs ${ids.join(',')} still queued after ${timeoutMs / 1000} s: ${queued(ids).join('; ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** JobState of a job or array task (`scontrol show job`), or null once Slurm has forgotten it. */
export function jobState(id: string): string | null {
  const r = sh('scontrol', ['show', 'job', id]);
  return r.status === 0 ? (/JobState=(\w+)/.exec(r.stdout)?.[1] ?? null) : null;
}
