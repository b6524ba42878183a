/**
 * A setting stated once per profile: one `default` and, per profile, a patch over it.
 *
 *   const TABLE: ProfileTable<Settings> = {
 *     default: { steps: 15000, batchSize: 32, train: { lr: 3e-4 } },
 *     smoke: { steps: 30, batchSize: 4 },
 *     paper: { steps: 100000, train: { lr: 1e-4 } },
 *   };
 *   resolveProfile(TABLE, 'paper'); // { steps: 100000, batchSize: 32, train: { lr: 1e-4 } }
 *
 * Patch semantics (`applyPatch`): plain objects merge key by key, recursively; anything else
 * (numbers, strings, null, arrays) replaces the default's value whole; a patch key that is
 * `undefined` leaves the default. The result is a fresh deep copy: callers may mutate it.
 * A profile missing from the table resolves to the default.
 */
import type { Profile } from './profile';

/** A deep partial of T: objects field by field, arrays and scalars whole. */
export type Patch<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: Patch<T[K]> } : T;

/** One default and a patch per profile (absent: the default as is). */
export type ProfileTable<T> = { default: T } & { [P in Profile]?: Patch<T> };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** `base` with `patch` applied (see the module comment), as a new deep copy. */
export function applyPatch<T>(base: T, patch: Patch<T> | undefined): T {
  if (patch === undefined) return structuredClone(base);
  if (!isPlainObject(base) || !isPlainObject(patch)) return structuredClone(patch as T);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = k in out ? applyPatch(out[k], v as Patch<unknown>) : structuredClone(v);
  }
  return out as T;
}

/** The table's settings for `profile`: its patch over the default. */
export function resolveProfile<T>(table: ProfileTable<T>, profile: Profile): T {
  return applyPatch(table.default, table[profile]);
}
