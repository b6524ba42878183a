/**
 * What identifies a process beyond its PID (which the kernel reuses): the host, the host's boot id
 * and the process start time. Linux only (/proc); elsewhere the start time and boot id are null
 * and callers fall back to the PID alone.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** This machine's name (os.hostname()). */
export function hostName(): string {
  return hostname();
}

let bootCache: string | null | undefined;

/** The kernel's boot id (changes on every reboot), or null where /proc does not have it. */
export function bootId(): string | null {
  if (bootCache === undefined) {
    try {
      bootCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootCache = null;
    }
  }
  return bootCache;
}

/**
 * Start time of process `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), as a
 * string; null when the process does not exist or /proc is not available.
 */
export function processStartTime(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // the command name (field 2) is in parentheses and may contain spaces: split after the last ')'
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = rest[19]; // fields 3.. are rest[0..]; field 22 is rest[19]
  return start !== undefined && /^\d+$/.test(start) ? start : null;
}
