/**
 * A lock file naming its owner, so that several processes sharing a cache (two sweep processes on
 * one machine, or Slurm tasks on several nodes sharing a filesystem) never compute or write the
 * same thing at once. The file holds JSON: the owner's PID, host, boot id and process start time
 * (lib/runtime/process-identity.ts), when it was taken, and its Slurm job when there is one.
 *
 * Who holds a lock:
 * - same host: the lock is live while a process with that PID *and that start time* runs, so a
 *   PID reused by another process after the owner died is not taken for the owner (issue #15.8);
 * - another host: its PID cannot be checked from here, so the owner refreshes the file's mtime
 *   every `LOCK_HEARTBEAT_MS`; the lock is live until it has not been refreshed for
 *   `lockStaleMs()` (PHYLAB_LOCK_STALE_S, default 600 s). A task on another node therefore never
 *   takes over a live lock, and a lock left by a node that died frees itself after that time; when
 *   the owner recorded its Slurm job and `squeue` says that job has ended, the lock is stale at once;
 * - an older lock holding only a PID (before this format) is checked as a same-host PID.
 * A stale lock is taken over: moved aside atomically, then created anew with an exclusive link.
 *
 * While a process holds locks, SIGINT/SIGTERM (Ctrl-C, `scancel`) release them, print one line
 * naming them and exit with 128 + the signal number (130, 143); a normal exit releases them too.
 */
import { existsSync, linkSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { bootId, hostName, processStartTime } from './process-identity';
import { slurmJobAlive } from './slurm-job-state';

export interface LockInfo {
  /** The lock file. */
  file: string;
  pid: number;
  /** Host name of the owner (null for old PID-only locks: taken to be this host). */
  host: string | null;
  /** The owner's start time in clock ticks since boot (/proc/<pid>/stat), null where unknown. */
  start: string | null;
  /** The owner's boot id (/proc/sys/kernel/random/boot_id), null where unknown. */
  boot: string | null;
  /** When the lock was taken (ISO time), null for old locks. */
  since: string | null;
  /** The owner's Slurm job (`<array job>_<task>` or job id) when it ran under Slurm, else null. */
  slurmJob: string | null;
}

/** How often a holder refreshes the mtime of its locks (ms). */
export const LOCK_HEARTBEAT_MS = 30_000;

/** After how long without a heartbeat a lock held on another host counts as stale (ms): PHYLAB_LOCK_STALE_S or 600 s. */
export function lockStaleMs(): number {
  const raw = process.env.PHYLAB_LOCK_STALE_S;
  if (raw === undefined || raw === '') return 600_000;
  const s = Number(raw);
  if (!Number.isFinite(s) || s <= 0) throw new Error(`PHYLAB_LOCK_STALE_S must be a positive number of seconds, got '${raw}'`);
  return s * 1000;
}

function slurmJobId(): string | null {
  const e = process.env;
  if (e.SLURM_ARRAY_JOB_ID && e.SLURM_ARRAY_TASK_ID) return `${e.SLURM_ARRAY_JOB_ID}_${e.SLURM_ARRAY_TASK_ID}`;
  return e.SLURM_JOB_ID ?? null;
}

/** What this process writes into a lock file. */
function ownRecord(): Omit<LockInfo, 'file'> {
  return { pid: process.pid, host: hostName(), start: processStartTime(process.pid), boot: bootId(), since: new Date().toISOString(), slurmJob: slurmJobId() };
}

/** Parse a lock file's text: JSON (this format) or a bare PID (older locks); null when unreadable. */
export function parseLock(file: string, text: string): LockInfo | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { file, pid: Number(t), host: null, start: null, boot: null, since: null, slurmJob: null };
  try {
    const j = JSON.parse(t) as Partial<LockInfo>;
    if (typeof j.pid !== 'number' || !Number.isInteger(j.pid) || j.pid <= 0) return null;
    const str = (x: unknown) => (typeof x === 'string' ? x : null);
    return { file, pid: j.pid, host: str(j.host), start: str(j.start), boot: str(j.boot), since: str(j.since), slurmJob: str(j.slurmJob) };
  } catch {
    return null;
  }
}

function readLockText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null; // absent, or removed between a check and the read
  }
}

/** Whether `info` names this very process. */
function isOwn(info: LockInfo): boolean {
  if (info.pid !== process.pid) return false;
  if (info.host !== null && info.host !== hostName()) return false;
  return info.start === null || info.start === processStartTime(process.pid);
}

/** Whether the owner named in `info` is alive (see the header for the rules). */
export function isLive(info: LockInfo): boolean {
  if (info.host !== null && info.host !== hostName()) {
    if (info.slurmJob !== null && slurmJobAlive(info.slurmJob) === false) return false; // its Slurm job has ended
    let mtime: number;
    try {
      mtime = statSync(info.file).mtimeMs;
    } catch {
      return false;
    }
    return Date.now() - mtime < lockStaleMs();
  }
  if (info.boot !== null && bootId() !== null && info.boot !== bootId()) return false; // this host rebooted since
  try {
    process.kill(info.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false; // no such process
  }
  if (info.start === null) return true;
  const now = processStartTime(info.pid);
  return now === null || now === info.start; // another start time: the PID was reused by another process
}

/** The live owner of `file` when it is not this process; otherwise null (no lock, a stale lock, or our own). */
export function lockHolder(file: string): LockInfo | null {
  const text = readLockText(file);
  if (text === null) return null;
  const info = parseLock(file, text);
  if (info === null || isOwn(info) || !isLive(info)) return null;
  return info;
}

/** One line naming the owner, e.g. "pid 4711 on host node3 (since 2026-12-04T16:00:00.000Z, Slurm job 12_3)". */
export function describeHolder(info: LockInfo): string {
  const extra = [info.since ? `since ${info.since}` : null, info.slurmJob ? `Slurm job ${info.slurmJob}` : null].filter(Boolean);
  return `pid ${info.pid} on host ${info.host ?? hostName()}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

/** Create `file` with our record unless it exists (atomic: an exclusive hard link of a private temp file). */
function createExclusive(file: string): boolean {
  const tmp = `${file}.${hostName()}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(ownRecord()) + '\n');
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw e;
    // a filesystem without hard links: an exclusive create (O_EXCL) instead
    try {
      writeFileSync(file, readFileSync(tmp), { flag: 'wx' });
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Take the lock `file` for this process; false when another live process holds it. */
export function claimLock(file: string): boolean {
  for (let attempt = 0; attempt < 5; attempt++) {
    const text = readLockText(file);
    if (text === null) {
      if (createExclusive(file)) {
        hold(file);
        return true;
      }
      continue; // someone else created it just now: look at it
    }
    const info = parseLock(file, text);
    if (info !== null && isOwn(info)) {
      hold(file);
      return true;
    }
    if (info !== null && isLive(info)) return false;
    // stale (or unreadable): move it aside atomically; if what we moved is not what we judged, put it back
    const aside = `${file}.stale.${hostName()}.${process.pid}`;
    try {
      renameSync(file, aside);
    } catch {
      continue; // gone already
    }
    if (readLockText(aside) !== text) {
      try {
        linkSync(aside, file);
      } catch {
        /* a third process created a new lock meanwhile: it wins */
      }
    }
    rmSync(aside, { force: true });
  }
  return false;
}

/** Release `file` if this process holds it (a lock another process took over is left alone). */
export function releaseLock(file: string): void {
  const text = readLockText(file);
  const info = text === null ? null : parseLock(file, text);
  if (info === null || isOwn(info)) rmSync(file, { force: true });
  unhold(file);
}

/**
 * Run `fn` holding the lock `file`: waits (polling every `pollMs`) while another live process
 * holds it; `onWait` is called once, with the holder, when it has to wait.
 */
export async function withLock<T>(file: string, fn: () => Promise<T>, opts: { pollMs?: number; onWait?: (holder: LockInfo) => void } = {}): Promise<T> {
  let told = false;
  while (!claimLock(file)) {
    const holder = lockHolder(file);
    if (!told && holder !== null) {
      opts.onWait?.(holder);
      told = true;
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
  }
  try {
    return await fn();
  } finally {
    releaseLock(file);
  }
}

// --- locks held by this process: heartbeat, and release on a signal or exit ---

const held = new Set<string>();
let heartbeat: NodeJS.Timeout | null = null;

/** The lock files this process holds now. */
export function heldLocks(): string[] {
  return [...held];
}

/** The heartbeat: set the mtime of every lock this process holds to now (other hosts judge liveness by it). */
export function refreshHeldLocks(): void {
  const now = new Date();
  for (const f of held) {
    try {
      if (existsSync(f)) utimesSync(f, now, now);
    } catch {
      /* a failed touch only makes the lock look older to other hosts */
    }
  }
}

const SIGNALS: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 2, SIGTERM: 15 };

function onSignal(signal: 'SIGINT' | 'SIGTERM'): void {
  const files = [...held];
  for (const f of files) releaseLock(f);
  process.stderr.write(`\n[phylab] interrupted by ${signal}: released ${files.length} lock(s): ${files.join(', ')}; finished work is kept, rerun to resume\n`);
  process.exit(128 + SIGNALS[signal]);
}
const onSigint = () => onSignal('SIGINT');
const onSigterm = () => onSignal('SIGTERM');
const onExit = () => {
  for (const f of [...held]) releaseLock(f);
};

function hold(file: string): void {
  if (held.has(file)) return;
  held.add(file);
  if (held.size === 1) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    process.on('exit', onExit);
    heartbeat = setInterval(refreshHeldLocks, LOCK_HEARTBEAT_MS);
    heartbeat.unref();
  }
}

function unhold(file: string): void {
  if (!held.delete(file) || held.size > 0) return;
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
  process.off('exit', onExit);
  if (heartbeat) clearInterval(heartbeat);
  heartbeat = null;
}
