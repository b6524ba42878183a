/**
 * Long compute loops (training, sampling) await only promises that are already resolved, so Node's
 * event loop never turns and signal handlers never run: Ctrl-C or Slurm's SIGTERM (scancel) would
 * wait for the loop to end, and the process is SIGKILLed with its locks left behind. Calling
 * `yieldToEvents()` once per step lets pending events (signals, timers such as the lock heartbeat)
 * run at most every `everyMs`; it changes no result.
 */
let last = Date.now();

/** Let the event loop turn when more than `everyMs` (default 200) ms have passed since the last time. */
export async function yieldToEvents(everyMs = 200): Promise<void> {
  const now = Date.now();
  if (now - last < everyMs) return;
  last = now;
  await new Promise<void>((resolve) => setImmediate(resolve));
}
