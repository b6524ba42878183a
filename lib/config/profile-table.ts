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
 * A profile missing from the table resolves to the default. A table that extends a shared one
 * spreads the shared default into its own and names the shared table when resolving:
 *
 *   const ID_OOD: ProfileTable<IdOodConfig> = { default: { ...CLIP_PROFILES.default, presets: ['q64'] }, paper: { … } };
 *   resolveProfile(ID_OOD, 'paper', CLIP_PROFILES); // default ← CLIP_PROFILES.paper ← ID_OOD.paper
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

/** The per-profile patches of a shared table (its default already spread into the table that extends it). */
export type ProfilePatches = { [P in Profile]?: unknown };

/**
 * The table's settings for `profile`: the default, then the `shared` tables' patches for the
 * profile (the settings a table extends, e.g. the clip settings every DiT experiment shares, whose
 * default the table spreads into its own), then the table's own patch.
 */
export function resolveProfile<T>(table: ProfileTable<T>, profile: Profile, ...shared: ProfilePatches[]): T {
  let out = structuredClone(table.default);
  for (const s of shared) out = applyPatch(out, s[profile] as Patch<T> | undefined);
  return applyPatch(out, table[profile]);
}

/** Seeds of an experiment per profile (its `defaultSeeds`): 1, 2, 3; smoke 1. */
export const DEFAULT_SEEDS: ProfileTable<number[]> = { default: [1, 2, 3], smoke: [1] };
