/**
 * A lock file holding its owner's pid, so that several processes sharing a cache (e.g. two sweep
 * processes, one per core) never compute or write the same thing at once. A lock whose process is
 * gone is stale and is taken over.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/** The pid in `file` when that process is alive and is not this one; otherwise null. */
export function lockHolder(file: string): number | null {
  if (!existsSync(file)) return null;
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8').trim());
  } catch {
    return null; // removed between the check and the read
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null; // stale: its process is gone
  }
}

/** Take the lock `file` for this process; false when another live process holds it. */
export function claimLock(file: string): boolean {
  if (lockHolder(file) !== null) return false;
  writeFileSync(file, String(process.pid));
  return true;
}

export function releaseLock(file: string): void {
  rmSync(file, { force: true });
}

/**
 * Run `fn` holding the lock `file`: waits (polling every `pollMs`) while another live process
 * holds it; `onWait` is called once when it has to wait.
 */
export async function withLock<T>(file: string, fn: () => Promise<T>, opts: { pollMs?: number; onWait?: (pid: number) => void } = {}): Promise<T> {
  let told = false;
  while (!claimLock(file)) {
    const pid = lockHolder(file);
    if (!told && pid !== null) {
      opts.onWait?.(pid);
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
