/**
 * `--force=<pattern>`: which units to recompute from scratch. Patterns are unit ids with `*`
 * wildcards (`*` matches any run of characters, `/` included), comma-separated, e.g.
 * `eval/*`, `train/uniform/q64/*`, `*` (everything). A forced unit's cache folder is emptied
 * before it runs (a train unit really retrains, never resumes its checkpoint), its cached and
 * shipped results are ignored, and every unit that depends on it is recomputed as well.
 */
import { ConfigError } from '../../config/profile';
import type { Unit } from './experiment';

/** A pattern as a RegExp matching whole unit ids. */
export function forcePatternRegExp(pattern: string): RegExp {
  const body = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}

/**
 * The ids of the units `force` selects, plus everything depending on them. `force`: undefined or
 * false (none), true (all, the library's old boolean), or a comma-separated pattern list. A
 * pattern that matches no unit is a ConfigError listing some of the plan's ids.
 */
export function forcedUnits(units: ReadonlyArray<Unit>, force: boolean | string | undefined): Set<string> {
  if (force === undefined || force === false) return new Set();
  const patterns = force === true ? ['*'] : force.split(',').map((p) => p.trim());
  if (patterns.length === 0 || patterns.some((p) => p === '')) throw new ConfigError(`--force needs a unit id pattern, e.g. --force='eval/*' or --force='train/uniform/q64/n1024/s1' (--force='*' recomputes every unit); got '${String(force)}'`);
  const out = new Set<string>();
  for (const p of patterns) {
    const re = forcePatternRegExp(p);
    const hit = units.filter((u) => re.test(u.id));
    if (hit.length === 0) {
      const ids = units.map((u) => u.id);
      throw new ConfigError(`--force='${p}' matches no unit of this plan; unit ids look like: ${ids.slice(0, 4).join(', ')}${ids.length > 4 ? ', …' : ''} (${ids.length} in all; \`--dry-run\` lists them)`);
    }
    for (const u of hit) out.add(u.id);
  }
  // dependents of a recomputed unit are recomputed too (their results rest on the old one)
  for (let grew = true; grew; ) {
    grew = false;
    for (const u of units) {
      if (!out.has(u.id) && (u.deps ?? []).some((d) => out.has(d))) {
        out.add(u.id);
        grew = true;
      }
    }
  }
  return out;
}
