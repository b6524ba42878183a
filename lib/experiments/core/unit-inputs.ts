/**
 * Dependency structure of an experiment's plan, for running one unit on its own (`--unit`) and for
 * handing units to a scheduler in dependency order (lib/cluster/).
 */
import { ConfigError } from '../../config/profile';
import type { Unit } from './experiment';

/** The unit `id` of `units`, or a ConfigError naming the allowed ids. */
export function findUnit(units: ReadonlyArray<Unit>, id: string): Unit {
  const u = units.find((x) => x.id === id);
  if (u) return u;
  const near = units.filter((x) => x.id.startsWith(id.split('/')[0] + '/')).map((x) => x.id);
  const list = (near.length ? near : units.map((x) => x.id)).slice(0, 12);
  throw new ConfigError(`--unit: no unit '${id}' in this plan (${units.length} units; e.g. ${list.join(', ')}${list.length < units.length ? ', …' : ''}; \`--dry-run\` lists them all)`);
}

/** Every unit that `id` needs, directly or through other units (not `id` itself). */
export function unitInputs(units: ReadonlyArray<Unit>, id: string): Set<string> {
  const byId = new Map(units.map((u) => [u.id, u]));
  const out = new Set<string>();
  const stack = [...(findUnit(units, id).deps ?? [])];
  while (stack.length) {
    const d = stack.pop()!;
    if (out.has(d)) continue;
    out.add(d);
    stack.push(...(byId.get(d)?.deps ?? []));
  }
  return out;
}

/**
 * Split the units `ids` (a subset of the plan) into levels: a unit's level is 0 when none of its
 * dependencies is among `ids`, else one more than the highest level of those. Units of one level
 * can run at once once the levels before them have finished. Order within a level follows `units`.
 */
export function unitLevels(units: ReadonlyArray<Unit>, ids: ReadonlyArray<string>): string[][] {
  const chosen = new Set(ids);
  const byId = new Map(units.map((u) => [u.id, u]));
  const level = new Map<string, number>();
  const levelOf = (id: string, path: string[] = []): number => {
    const known = level.get(id);
    if (known !== undefined) return known;
    if (path.includes(id)) throw new Error(`dependency cycle at unit ${id}`);
    let l = 0;
    for (const d of byId.get(id)?.deps ?? []) if (chosen.has(d)) l = Math.max(l, levelOf(d, [...path, id]) + 1);
    level.set(id, l);
    return l;
  };
  const out: string[][] = [];
  for (const u of units) {
    if (!chosen.has(u.id)) continue;
    const l = levelOf(u.id);
    while (out.length <= l) out.push([]);
    out[l].push(u.id);
  }
  return out;
}
