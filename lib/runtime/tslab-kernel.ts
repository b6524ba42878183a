/** Whether this process is a tslab (Jupyter) kernel running a cell, and its display hook (runtime facts, no display code). */

export type WriteDisplayData = (msg: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/** The kernel's display hook, or null outside a running tslab cell. Looks only at modules already loaded. */
export function tslabHook(): WriteDisplayData | null {
  const cache = require.cache;
  for (const key of Object.keys(cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(key)) continue;
    const hook = (cache[key]?.exports as { lastWriteDisplayData?: WriteDisplayData | null } | undefined)?.lastWriteDisplayData;
    if (typeof hook === 'function') return hook;
  }
  return null;
}

/** True inside a tslab kernel that has run a cell (where show*() displays something). */
export function inNotebook(): boolean {
  return tslabHook() !== null;
}
