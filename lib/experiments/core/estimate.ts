/**
 * How long the units still to run will take, estimated from the seconds recorded for finished
 * units of the same kind (the part of the id before the first '/': `train`, `eval`, `vae`, …),
 * scaled by each unit's relative `cost`. Used by `phylab main` to say up front what it will
 * compute. An estimate only: recorded seconds depend on the machine and its load.
 */
import type { Unit } from './experiment';

/** A finished unit's recorded time (from run.json or a unit's meta). */
export interface TimedUnit {
  id: string;
  seconds: number | null;
}

export interface Estimate {
  /** Estimated seconds for the units that have a rate; null when none has. */
  seconds: number | null;
  /** Units of a kind with no recorded time (not in `seconds`). */
  unknown: string[];
}

/** The unit kind of an id: 'train/uniform/q64/n1024/s1' → 'train'. */
export function unitKind(id: string): string {
  return id.split('/')[0];
}

/** Seconds per unit of cost, per kind, from the finished units with a recorded time. */
export function secondsPerCost(plan: ReadonlyArray<Pick<Unit, 'id' | 'cost'>>, timed: ReadonlyArray<TimedUnit>): Map<string, number> {
  const cost = new Map(plan.map((u) => [u.id, u.cost]));
  const sums = new Map<string, { s: number; c: number }>();
  for (const t of timed) {
    const c = cost.get(t.id);
    if (t.seconds === null || !(t.seconds > 0) || c === undefined || !(c > 0)) continue;
    const k = unitKind(t.id);
    const acc = sums.get(k) ?? { s: 0, c: 0 };
    acc.s += t.seconds;
    acc.c += c;
    sums.set(k, acc);
  }
  return new Map([...sums].map(([k, v]) => [k, v.s / v.c]));
}

/** Estimated time of `todo` at the given rates. */
export function estimateSeconds(todo: ReadonlyArray<Pick<Unit, 'id' | 'cost'>>, rates: Map<string, number>): Estimate {
  let seconds = 0;
  let any = false;
  const unknown: string[] = [];
  for (const u of todo) {
    const r = rates.get(unitKind(u.id));
    if (r === undefined) unknown.push(u.id);
    else {
      seconds += r * u.cost;
      any = true;
    }
  }
  return { seconds: any ? seconds : null, unknown };
}

/**
 * Rates for an experiment with no finished unit of a kind yet (e.g. a new one, `collision-holes`):
 * its own rates where it has them, else those of `fallback` (e.g. another experiment's recorded
 * units of the same kind). Sound where the kinds share a cost formula: every DiT `train` unit's cost
 * is dit-units.ts `trainCost` (steps × batch × preset width), every case-matching-style `eval` cost
 * is sampleSteps × videos × 0.2.
 */
export function withFallbackRates(own: ReadonlyMap<string, number>, fallback: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map(fallback);
  for (const [k, v] of own) out.set(k, v);
  return out;
}
