/**
 * Parameter samplers: the physical parameters (radius, speed, colour, shape per object) of video
 * i of a dataset, as a pure function of (config, seed, i).
 *
 * - Training grids (sampling 'grid', paper-spec §1.3): the Cartesian product of per-parameter
 *   axes in the code's order (radius before speed; collision r1 × r2 × v1 × v2). Paper sizes use
 *   the paper's dims (30K = 100 r × 300 v; 28,224 = 8 × 8 × 21 × 21 …); other sizes keep the
 *   paper's aspect (v : r = 3 : 1; collision v : r = 21 : 8) with at least `count` points. Axes are
 *   `linspace` over the bands, except the parabola, whose code draws sorted uniform samples
 *   (`gridSpacing` 'random'). Points inside a hole, and collisions that cannot be placed with a
 *   late enough contact (the code drops those after 50 tries, lib/sim/scenes.ts), are removed;
 *   the grid is enlarged until `count` points remain, then `count` points are taken evenly
 *   spread over the valid list. Video order = grid order (shuffle when you train).
 * - Random sets (sampling 'random', ID evaluation): every parameter uniform over its bands,
 *   rejected and redrawn inside holes or when infeasible.
 * - OOD sets: the level's OOD parameters uniform over the low or high OOD band (`oodSide`), the
 *   others over the ID bands.
 * - Classes (attribute experiments, §6): video i uses class i mod K; each class has its own grid
 *   (or random draws) over its own bands, colour and shape.
 * - Direction 'both': video i is mirrored with probability ½ (its own random stream).
 */
import { rngFor } from '../rng/rng';
import { configHash } from '../config/hash';
import { ConfigError } from '../config/profile';
import { Band, bandLinspace, bandQuantile } from './bands';
import { DatasetConfig, ObjectClass, resolvedGridSpacing, resolvedIdRanges, resolvedOodBands, resolvedSampling, resolvedTiming } from './dataset-config';
import { OOD_LEVELS, PAPER_GRIDS, ParamName, paramNames } from './ranges';
import { collisionFeasible, ObjectParams, SceneParams, Timing } from '../sim/scenes';

/** The sampled parameters of one video (before placement). */
export interface VideoParams {
  /** Index of the video in its dataset. */
  index: number;
  scene: SceneParams;
  /** 0 for ID videos, else the OOD level (ranges.ts OOD_LEVELS). */
  level: number;
  /** Class index (attribute experiments), −1 without classes. */
  classIndex: number;
  /** Flat index into the class's grid, −1 for random draws. */
  gridIndex: number;
}

/** Stream names: video i's random numbers depend only on (seed, scenario, split, purpose, i). */
export function streamKey(cfg: DatasetConfig): string[] {
  return ['phylab/data', cfg.scenario, cfg.split];
}

/** Placement constraints after defaults (defined in dataset-config.ts beside the other resolved values). */
export { resolvedTiming };

interface ClassSpec {
  radius: Band[];
  velocity: Band[];
  colors: string[];
  shapes: ObjectClass['shape'][];
}

interface GridPlan {
  dims: number[];
  axes: Float64Array[];
  /** Valid flat indices when some were removed; null when every grid point is valid. */
  valid: Int32Array | null;
  total: number;
  /** Videos taken from this grid. */
  count: number;
}

/** Everything derived once per (config, seed). */
export interface SamplerPlan {
  cfg: DatasetConfig;
  seed: number;
  names: ParamName[];
  classes: ClassSpec[];
  timing: Timing;
  sampling: 'grid' | 'random';
  grids: GridPlan[] | null;
}

function classSpecs(cfg: DatasetConfig): ClassSpec[] {
  if (cfg.classes) return cfg.classes.map((c) => ({ radius: c.radius, velocity: c.velocity, colors: [c.color], shapes: [c.shape] }));
  const id = resolvedIdRanges(cfg);
  return [{ radius: id.radius, velocity: id.velocity, colors: cfg.colors, shapes: cfg.shapes }];
}

/** Number of videos of class c when `count` videos cycle over K classes. */
function classCount(count: number, k: number, c: number): number {
  return Math.floor(count / k) + (c < count % k ? 1 : 0);
}

/** Build the sampler plan (grids, valid lists). Cached by config hash and seed. */
export function samplerPlan(cfg: DatasetConfig, seed: number): SamplerPlan {
  const key = `${configHash(cfg)}:${seed}`;
  const hit = planCache.get(key);
  if (hit) return hit;
  const names = paramNames(cfg.scenario);
  const classes = classSpecs(cfg);
  const timing = resolvedTiming(cfg);
  const sampling = resolvedSampling(cfg);
  const plan: SamplerPlan = { cfg, seed, names, classes, timing, sampling, grids: null };
  if (sampling === 'grid') {
    plan.grids = classes.map((cls, c) => buildGrid(plan, cls, c, classCount(cfg.count, classes.length, c)));
  }
  if (planCache.size >= 16) planCache.delete(planCache.keys().next().value as string);
  planCache.set(key, plan);
  return plan;
}
const planCache = new Map<string, SamplerPlan>();

function autoDims(names: ParamName[], n: number): number[] {
  if (names.length === 2) {
    const nr = Math.max(1, Math.round(Math.sqrt(n / 3)));
    return [nr, Math.max(1, Math.ceil(n / nr))];
  }
  const nr = Math.max(1, Math.round(Math.pow(n / (21 / 8) ** 2, 0.25)));
  const nv = Math.max(1, Math.ceil(Math.sqrt(n) / nr));
  return [nr, nr, nv, nv];
}

function buildGrid(plan: SamplerPlan, cls: ClassSpec, c: number, count: number): GridPlan {
  const { cfg, names } = plan;
  const spacing = resolvedGridSpacing(cfg);
  const explicit = cfg.grid ?? (cfg.classes ? null : (PAPER_GRIDS[cfg.scenario][count] as number[] | undefined) ?? null);
  let target = count;
  for (let attempt = 0; attempt < 30; attempt++) {
    const dims = explicit && attempt === 0 ? [...explicit] : autoDims(names, target);
    const axes = dims.map((d, k) => {
      const bands = names[k][0] === 'r' ? cls.radius : cls.velocity;
      if (spacing === 'linspace') return bandLinspace(bands, d);
      const rng = rngFor(plan.seed, ...streamKey(cfg), 'grid-axis', c, k);
      const u = Array.from({ length: d }, () => rng.uniform()).sort((a, b) => a - b);
      return Float64Array.from(u, (x) => bandQuantile(bands, x));
    });
    const total = dims.reduce((a, b) => a * b, 1);
    if (total > 50_000_000) break;
    const valid = validIndices(plan, dims, axes, total);
    const nValid = valid ? valid.length : total;
    if (nValid >= count) return { dims, axes, valid, total, count };
    if (cfg.grid) {
      throw new ConfigError(`grid ${JSON.stringify(cfg.grid)} has only ${nValid} usable points (holes and unplaceable collisions removed) but count is ${count}; lower count or enlarge grid`);
    }
    target = Math.ceil(target * Math.max(1.05, (count / Math.max(1, nValid)) * 1.02));
  }
  throw new ConfigError(`holes/ranges leave too few usable grid points for count ${count} (scenario ${cfg.scenario}); shrink the holes or lower count`);
}

function decode(flat: number, dims: number[], out: number[]): void {
  for (let k = dims.length - 1; k >= 0; k--) {
    out[k] = flat % dims[k];
    flat = Math.floor(flat / dims[k]);
  }
}

/** Parameter values (in `names` order) at a flat grid index. */
function gridValues(g: GridPlan, flat: number): number[] {
  const idx = new Array<number>(g.dims.length);
  decode(flat, g.dims, idx);
  return idx.map((ix, k) => g.axes[k][ix]);
}

function validIndices(plan: SamplerPlan, dims: number[], axes: Float64Array[], total: number): Int32Array | null {
  const needsFilter = plan.cfg.holes.length > 0 || plan.cfg.scenario === 'collision';
  if (!needsFilter) return null;
  const out = new Int32Array(total);
  let n = 0;
  const idx = new Array<number>(dims.length);
  const vals = new Array<number>(dims.length);
  for (let f = 0; f < total; f++) {
    decode(f, dims, idx);
    for (let k = 0; k < dims.length; k++) vals[k] = axes[k][idx[k]];
    if (accept(plan, vals)) out[n++] = f;
  }
  return n === total ? null : out.slice(0, n);
}

/** Whether parameter values (in `names` order) are outside every hole and placeable. */
function accept(plan: SamplerPlan, vals: number[]): boolean {
  const { names, cfg } = plan;
  for (const hole of cfg.holes) {
    let inside = true;
    for (let k = 0; k < names.length && inside; k++) {
      const b = hole[names[k]];
      if (b && !(vals[k] >= b[0] && vals[k] <= b[1])) inside = false;
    }
    if (inside) return false;
  }
  if (cfg.scenario === 'collision') return collisionFeasible(vals[0], vals[1], vals[2], vals[3], plan.timing);
  return true;
}

/** Parameters of video `index` (0 ≤ index < cfg.count). */
export function sampleParams(plan: SamplerPlan, index: number): VideoParams {
  const { cfg, names, classes } = plan;
  if (!Number.isInteger(index) || index < 0 || index >= cfg.count) throw new ConfigError(`video index must be an integer in [0, ${cfg.count - 1}], got ${index}`);
  const k = classes.length;
  const c = index % k;
  const local = Math.floor(index / k);
  const cls = classes[c];
  let vals: number[];
  let gridIndex = -1;
  let level = 0;
  if (plan.grids) {
    const g = plan.grids[c];
    const n = g.valid ? g.valid.length : g.total;
    const pick = Math.floor((local * n) / g.count);
    gridIndex = g.valid ? g.valid[pick] : pick;
    vals = gridValues(g, gridIndex);
  } else {
    const rng = rngFor(plan.seed, ...streamKey(cfg), 'params', index);
    let ood: ReadonlyArray<ParamName> = [];
    if (cfg.split === 'ood') {
      const levels = OOD_LEVELS[cfg.scenario];
      const lv = cfg.oodLevel === 0 ? levels[index % levels.length] : levels[cfg.oodLevel - 1];
      level = lv.level;
      ood = lv.ood;
    }
    const oodBands = resolvedOodBands(cfg);
    vals = new Array<number>(names.length);
    let tries = 0;
    for (;;) {
      for (let j = 0; j < names.length; j++) {
        const name = names[j];
        const isR = name[0] === 'r';
        if (ood.includes(name)) {
          const pair = isR ? oodBands.radius : oodBands.velocity;
          const side = cfg.oodSide === 'both' ? (rng.bernoulli(0.5) ? 'high' : 'low') : cfg.oodSide;
          const [lo, hi] = pair[side];
          vals[j] = rng.range(lo, hi);
        } else {
          vals[j] = bandQuantile(isR ? cls.radius : cls.velocity, rng.uniform());
        }
      }
      if (accept(plan, vals)) break;
      if (++tries >= 1000) {
        throw new ConfigError(`could not draw placeable parameters for video ${index} in 1000 tries (scenario ${cfg.scenario}, split ${cfg.split}${level ? `, OOD level ${level}` : ''}): the ranges, holes or contactFrames exclude (almost) everything`);
      }
    }
  }
  const objects: ObjectParams[] = [];
  for (let o = 0; o < names.length / 2; o++) {
    const r = vals[names.indexOf(`r${o + 1}` as ParamName)];
    const v = vals[names.indexOf(`v${o + 1}` as ParamName)];
    objects.push({ radius: r, speed: v, color: cls.colors[o], shape: cls.shapes[o] });
  }
  const direction: 1 | -1 = cfg.direction === 'both' && rngFor(plan.seed, ...streamKey(cfg), 'direction', index).bernoulli(0.5) ? -1 : 1;
  return { index, scene: { scenario: cfg.scenario, objects, direction }, level, classIndex: cfg.classes ? c : -1, gridIndex };
}
