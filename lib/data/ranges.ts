/**
 * Parameter ranges of the basic scenarios: in-distribution (ID) ranges, out-of-distribution
 * (OOD) bands and OOD levels (paper-spec §1.2, §1.4), and the paper's training-set sizes and
 * grids (§1.3).
 *
 * Where the paper and its code disagree, the code's values are used (as the task asks):
 * - ID radius: the paper says r ∈ [0.7, 1.5] for all scenarios; the code uses [0.7, 1.4] for
 *   uniform motion and parabola and [0.5, 1.5] for collision.
 * - OOD radius for collision: the paper says [0.3, 0.6] ∪ [1.5, 2.0]; the code uses
 *   [0.3, 0.4] ∪ [1.7, 2.0] (flagged in phyworld issue #4). Uniform/parabola: [0.3, 0.6] ∪ [1.5, 2.0].
 * - OOD velocity: [0, 0.8] ∪ [4.5, 6.0] everywhere (paper and code agree).
 * The code builds OOD sets from small lists (11 or 6 values per OOD band crossed with 8 ID
 * velocities and 6 ID radii, in separate "low", "xl" (high) and "cross" runs); here OOD values are
 * drawn uniformly from the bands, and `oodSide` picks low, high or either (per parameter).
 */
import type { Band } from './bands';
import type { Scenario } from '../sim/scenes';
import type { Profile } from '../config/profile';
import { ProfileTable, resolveProfile } from '../config/profile-table';

/** Names of the sampled parameters: object 1 (and object 2 in collisions). */
export type ParamName = 'r1' | 'v1' | 'r2' | 'v2';

export interface IdRanges {
  radius: Band[];
  velocity: Band[];
}

export interface OodBands {
  radius: { low: Band; high: Band };
  velocity: { low: Band; high: Band };
}

export const ID_RANGES: Readonly<Record<Scenario, IdRanges>> = {
  uniform: { radius: [[0.7, 1.4]], velocity: [[1, 4]] },
  parabola: { radius: [[0.7, 1.4]], velocity: [[1, 4]] },
  collision: { radius: [[0.5, 1.5]], velocity: [[1, 4]] },
};

export const OOD_BANDS: Readonly<Record<Scenario, OodBands>> = {
  uniform: { radius: { low: [0.3, 0.6], high: [1.5, 2.0] }, velocity: { low: [0, 0.8], high: [4.5, 6.0] } },
  parabola: { radius: { low: [0.3, 0.6], high: [1.5, 2.0] }, velocity: { low: [0, 0.8], high: [4.5, 6.0] } },
  collision: { radius: { low: [0.3, 0.4], high: [1.7, 2.0] }, velocity: { low: [0, 0.8], high: [4.5, 6.0] } },
};

/**
 * The single ID band of `param` in `scenario` (a copy), for code that needs the range as one
 * [lo, hi] interval (the evaluation code's grouping, the attribute and collision-hole sets).
 * Throws when the range is not one band.
 */
export function idBand(scenario: Scenario, param: keyof IdRanges): Band {
  const bands = ID_RANGES[scenario][param];
  if (bands.length !== 1) throw new Error(`ID_RANGES.${scenario}.${param} has ${bands.length} bands; this caller needs exactly one`);
  return [bands[0][0], bands[0][1]];
}

/** One OOD level: which parameters are drawn from the OOD bands (the rest stay ID). */
export interface OodLevel {
  level: number;
  name: string;
  ood: ReadonlyArray<ParamName>;
}

/** Levels as in the code (`level1_r1` …): 3 for one ball, 6 for the collision. */
export const OOD_LEVELS: Readonly<Record<Scenario, ReadonlyArray<OodLevel>>> = {
  uniform: [
    { level: 1, name: 'r', ood: ['r1'] },
    { level: 2, name: 'v', ood: ['v1'] },
    { level: 3, name: 'r+v', ood: ['r1', 'v1'] },
  ],
  parabola: [
    { level: 1, name: 'r', ood: ['r1'] },
    { level: 2, name: 'v', ood: ['v1'] },
    { level: 3, name: 'r+v', ood: ['r1', 'v1'] },
  ],
  collision: [
    { level: 1, name: 'r1', ood: ['r1'] },
    { level: 2, name: 'v1', ood: ['v1'] },
    { level: 3, name: 'r1+r2', ood: ['r1', 'r2'] },
    { level: 4, name: 'v1+v2', ood: ['v1', 'v2'] },
    { level: 5, name: 'r1+v1', ood: ['r1', 'v1'] },
    { level: 6, name: 'r1+r2+v1+v2', ood: ['r1', 'r2', 'v1', 'v2'] },
  ],
};

/** The sampled parameters of a scenario, in grid order (the code's `generate_combinations`). */
export function paramNames(scenario: Scenario): ParamName[] {
  return scenario === 'collision' ? ['r1', 'r2', 'v1', 'v2'] : ['r1', 'v1'];
}

/**
 * The paper's training grids, by set size (§1.3): uniform/parabola v × r, collision
 * r1 × r2 × v1 × v2. Dims are listed in `paramNames` order (radius first).
 */
export const PAPER_GRIDS: Readonly<Record<Scenario, Readonly<Record<number, ReadonlyArray<number>>>>> = {
  uniform: { 30000: [100, 300], 300000: [300, 1000], 3000000: [1000, 3000] },
  parabola: { 30000: [100, 300], 300000: [300, 1000], 3000000: [1000, 3000] },
  collision: { 28224: [8, 8, 21, 21], 329476: [14, 14, 41, 41], 3407716: [26, 26, 71, 71] },
};

/**
 * Training-set sizes of the data-scaling sweep, per profile and scenario (smallest first): quick
 * 1K / 4K / 16K, smoke 16 / 32 / 64, paper the set sizes of the paper's grids (PAPER_GRIDS:
 * ~30K / 300K / 3M).
 */
export const TRAIN_SIZE_PROFILES: ProfileTable<Record<Scenario, number[]>> = {
  default: { uniform: [1024, 4096, 16384], collision: [1024, 4096, 16384], parabola: [1024, 4096, 16384] },
  smoke: { uniform: [16, 32, 64], collision: [16, 32, 64], parabola: [16, 32, 64] },
  paper: {
    uniform: Object.keys(PAPER_GRIDS.uniform).map(Number).sort((a, b) => a - b),
    collision: Object.keys(PAPER_GRIDS.collision).map(Number).sort((a, b) => a - b),
    parabola: Object.keys(PAPER_GRIDS.parabola).map(Number).sort((a, b) => a - b),
  },
};

/** Training-set sizes of a profile and scenario (TRAIN_SIZE_PROFILES). */
export function trainSizes(profile: Profile, scenario: Scenario): number[] {
  return resolveProfile(TRAIN_SIZE_PROFILES, profile)[scenario];
}

/** Evaluation-set sizes per profile and scenario (paper A.4: ID ~1.05k / 2k / 1.1k; OOD ~2.4k / 4.8k / 2.5k); quick 256 / 384, smoke 8. */
export const EVAL_SIZE_PROFILES: ProfileTable<Record<Scenario, { id: number; ood: number }>> = {
  default: { uniform: { id: 256, ood: 384 }, collision: { id: 256, ood: 384 }, parabola: { id: 256, ood: 384 } },
  smoke: { uniform: { id: 8, ood: 8 }, collision: { id: 8, ood: 8 }, parabola: { id: 8, ood: 8 } },
  paper: { uniform: { id: 1050, ood: 2400 }, collision: { id: 2000, ood: 4800 }, parabola: { id: 1100, ood: 2500 } },
};

/** Evaluation-set size of a profile, scenario and split (EVAL_SIZE_PROFILES). */
export function evalSize(profile: Profile, scenario: Scenario, split: 'id' | 'ood'): number {
  return resolveProfile(EVAL_SIZE_PROFILES, profile)[scenario][split];
}
