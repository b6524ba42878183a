/**
 * The six attribute pairs and the ring variant of the attribute-priority experiment (paper §5.3,
 * Fig 8–9, A.5.2; paper-spec §6), as training and test combinations of object classes.
 *
 * Each attribute takes two disjoint values (colour red/blue; size small r ∈ [0.7, 1.05] / large
 * [1.05, 1.4]; velocity slow v ∈ [1, 2.5] / fast [2.5, 4]; shape disc/square). A pair trains on two
 * of the four combinations and is tested on the two swapped ones; attributes outside the pair take
 * the paper's defaults (red, disc, r ∈ [0.7, 1.4], v ∈ [1, 4]).
 *
 * Ring variant (A.5.2). paper-spec §6 writes "trained on blue balls + red rings, tested on a red
 * ring", which tests a training combination. We use the reading in which the tested combination was
 * never seen: **train red discs + blue rings, test red rings (and blue discs)**. A red ring that
 * becomes a red disc kept its colour; one that becomes a blue ring kept its shape (the paper saw
 * both outcomes, so colour > shape no longer held).
 */
import type { Band } from '../../data/bands';
import { idBand } from '../../data/ranges';
import type { ObjectClass } from '../../data/index';
import type { Shape } from '../../sim/types';

export const ATTRIBUTES = ['color', 'size', 'velocity', 'shape'] as const;
export type Attribute = (typeof ATTRIBUTES)[number];

/** The paper's ranking, strongest first. */
export const PAPER_RANKING: ReadonlyArray<Attribute> = ['color', 'size', 'velocity', 'shape'];

/** The uniform-motion ID ranges (data/ranges.ts): every radius and every speed. */
export const ALL_R: Band = idBand('uniform', 'radius');
export const ALL_V: Band = idBand('uniform', 'velocity');
/** Where the paper splits them into two values (paper-spec §6): small/large radius, slow/fast speed. */
export const RADIUS_SPLIT = 1.05;
export const SPEED_SPLIT = 2.5;
export const SMALL: Band = [ALL_R[0], RADIUS_SPLIT];
export const LARGE: Band = [RADIUS_SPLIT, ALL_R[1]];
export const SLOW: Band = [ALL_V[0], SPEED_SPLIT];
export const FAST: Band = [SPEED_SPLIT, ALL_V[1]];

/** One combination of attribute values. */
export interface Combo {
  color: 'red' | 'blue';
  shape: Shape;
  radius: Band;
  velocity: Band;
}

export interface PairSpec {
  /** e.g. 'color-shape'; the ring variant is 'ring'. */
  name: string;
  /** The two attributes (the ring variant: color and shape). */
  attributes: [Attribute, Attribute];
  train: [Combo, Combo];
  test: [Combo, Combo];
  /** What the paper reports (paper-spec §6). */
  paper: string;
  /** The attribute the paper found kept (null: mixed or both). */
  paperWinner: Attribute | null;
}

const c = (color: Combo['color'], shape: Shape, radius: Band, velocity: Band): Combo => ({ color, shape, radius, velocity });

export const PAIRS: ReadonlyArray<PairSpec> = [
  { name: 'color-shape', attributes: ['color', 'shape'], train: [c('red', 'circle', ALL_R, ALL_V), c('blue', 'square', ALL_R, ALL_V)], test: [c('blue', 'circle', ALL_R, ALL_V), c('red', 'square', ALL_R, ALL_V)], paper: 'colour kept in all 1,400 test cases, shape changed: colour > shape', paperWinner: 'color' },
  { name: 'size-shape', attributes: ['size', 'shape'], train: [c('red', 'circle', SMALL, ALL_V), c('red', 'square', LARGE, ALL_V)], test: [c('red', 'square', SMALL, ALL_V), c('red', 'circle', LARGE, ALL_V)], paper: 'size kept, shape changed: size > shape', paperWinner: 'size' },
  { name: 'velocity-shape', attributes: ['velocity', 'shape'], train: [c('red', 'circle', ALL_R, SLOW), c('red', 'square', ALL_R, FAST)], test: [c('red', 'square', ALL_R, SLOW), c('red', 'circle', ALL_R, FAST)], paper: 'velocity kept, shape changed: velocity > shape', paperWinner: 'velocity' },
  { name: 'velocity-size', attributes: ['velocity', 'size'], train: [c('red', 'circle', SMALL, SLOW), c('red', 'circle', LARGE, FAST)], test: [c('red', 'circle', SMALL, FAST), c('red', 'circle', LARGE, SLOW)], paper: 'mostly both kept; slight drift toward keeping size at the extremes: size > velocity', paperWinner: 'size' },
  { name: 'color-size', attributes: ['color', 'size'], train: [c('red', 'circle', SMALL, ALL_V), c('blue', 'circle', LARGE, ALL_V)], test: [c('red', 'circle', LARGE, ALL_V), c('blue', 'circle', SMALL, ALL_V)], paper: 'colour always kept, small size drift: colour > size', paperWinner: 'color' },
  { name: 'color-velocity', attributes: ['color', 'velocity'], train: [c('red', 'circle', ALL_R, SLOW), c('blue', 'circle', ALL_R, FAST)], test: [c('blue', 'circle', ALL_R, SLOW), c('red', 'circle', ALL_R, FAST)], paper: 'colour never changes; speeds drift toward the training range: colour > velocity', paperWinner: 'color' },
  { name: 'ring', attributes: ['color', 'shape'], train: [c('red', 'circle', ALL_R, ALL_V), c('blue', 'ring', ALL_R, ALL_V)], test: [c('red', 'ring', ALL_R, ALL_V), c('blue', 'circle', ALL_R, ALL_V)], paper: 'a red ring becomes either a red ball or a blue ring: colour > shape no longer holds (shares not reported)', paperWinner: null },
];

export const PAIR_NAMES: ReadonlyArray<string> = PAIRS.map((p) => p.name);

export function pairSpec(name: string): PairSpec {
  const p = PAIRS.find((q) => q.name === name);
  if (!p) throw new Error(`unknown attribute pair '${name}'; allowed: ${PAIR_NAMES.join(', ')}`);
  return p;
}

/** Dataset classes of combinations (lib/data ObjectClass). */
export function comboClasses(combos: ReadonlyArray<Combo>): ObjectClass[] {
  return combos.map((k) => ({ shape: k.shape, color: k.color, radius: [[k.radius[0], k.radius[1]]], velocity: [[k.velocity[0], k.velocity[1]]] }));
}
