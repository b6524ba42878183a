/**
 * Dataset configuration: which scenario, split and ranges, how many videos, clip shape, and the
 * custom sets of the mechanism experiments. `defaultDatasetConfig(profile, scenario, split)`
 * gives the profile's defaults; override fields with lib/config/overrides `deepMerge`.
 *
 * A dataset is a pure function of (config, seed): video i = makeVideo(cfg, seed, i)
 * (lib/data/make-video.ts).
 */
import { ConfigError, Profile } from '../config/profile';
import { ProfileTable, resolveProfile } from '../config/profile-table';
import { Band, validateBands } from './bands';
import { evalSize, ID_RANGES, OOD_BANDS, OOD_LEVELS, ParamName, paramNames, trainSizes } from './ranges';
import { defaultTiming, objectCount, parseScenario, Scenario, Timing } from '../sim/scenes';
import { SHAPES, Shape } from '../sim/types';
import { colorRgb } from '../render/colors';
import { MAX_SIZE, MIN_SIZE } from '../render/raster';
import { frameDtFor, MAX_STRIDE, STRIDE } from '../sim/constants';
import { configHash } from '../config/hash';

export const SPLITS = ['train', 'id', 'ood'] as const;
export type Split = (typeof SPLITS)[number];

/**
 * One class of objects in an attribute experiment (paper-spec §6), e.g. "red balls, r ∈
 * [0.7, 1.05], v ∈ [1, 4]". Uniform motion and parabola only.
 */
export interface ObjectClass {
  shape: Shape;
  /** Colour name (lib/render/colors.ts). */
  color: string;
  /** Radius bands (square: half-side), world units. */
  radius: Band[];
  /** Speed bands, units/s. */
  velocity: Band[];
}

/**
 * A box in parameter space with no training videos, e.g. the collision "square hole"
 * {v1: [2, 3], v2: [2, 3]} (paper-spec §5.2). A point is excluded when every named parameter lies
 * inside its interval.
 */
export type Hole = Partial<Record<ParamName, Band>>;

export interface DatasetConfig {
  /** 'uniform' | 'collision' | 'parabola'. Default 'uniform'. */
  scenario: Scenario;
  /** 'train' (grid over the ID ranges), 'id' (random ID points), 'ood' (random OOD points). Default 'train'. */
  split: Split;
  /** split 'ood' only: 1–3 (uniform, parabola) or 1–6 (collision), see ranges.ts; 0 = all levels, video i gets level 1 + (i mod L). Default 0. */
  oodLevel: number;
  /** split 'ood' only: which OOD band each OOD parameter comes from: 'low', 'high' or 'both' (either, 50/50 per parameter). Default 'both'. */
  oodSide: 'low' | 'high' | 'both';
  /** Number of videos, ≥ 1. Default from the profile. */
  count: number;
  /** Frames per clip T, 2–512 (paper 32; quick 8). Frame k is the state after 10k + 1 physics steps. */
  frames: number;
  /** Frame side in pixels, 8–256 (paper 128; quick 16). */
  size: number;
  /** Physics steps (0.01 s) per frame, 1–1000: frame k is the state after k·stride + 1 steps. Default 10, the paper's 0.1 s per frame. */
  frameStride: number;
  /** Anti-aliasing: S×S samples per pixel, 1–8 (1 = the paper's point sampling). Default 4. */
  supersample: number;
  /** ID radius bands (world units); null = the scenario's code range (uniform/parabola [0.7, 1.4], collision [0.5, 1.5]). */
  radius: Band[] | null;
  /** ID speed bands (units/s); null = [1, 4]. Gaps give the interpolation sets of §5.1. */
  velocity: Band[] | null;
  /** OOD radius bands {low, high}; null = the scenario's code bands (ranges.ts). */
  oodRadius: { low: Band; high: Band } | null;
  /** OOD speed bands {low, high}; null = {low: [0, 0.8], high: [4.5, 6]}. */
  oodVelocity: { low: Band; high: Band } | null;
  /** How parameters are drawn: 'grid' (the paper's training grids) or 'random' (uniform in the bands); null = 'grid' for train, 'random' otherwise. */
  sampling: 'grid' | 'random' | null;
  /** Grid points per parameter in ranges.ts `paramNames` order (radius first); null = the paper grid for a paper size, else sized from `count`. */
  grid: number[] | null;
  /** Grid axis values: 'linspace' or 'random' (sorted uniform draws, as the paper's parabola code); null = scenario default. */
  gridSpacing: 'linspace' | 'random' | null;
  /** 'right': the paper's left-to-right layout; 'both': each video mirrored with probability ½ (§5.3 Set-2). Default 'right'. */
  direction: 'right' | 'both';
  /** Colour per object; default ['red'] or ['red', 'blue'] (collision). */
  colors: string[];
  /** Shape per object; default all 'circle'. */
  shapes: Shape[];
  /** Attribute-experiment classes (uniform/parabola only); when set, radius/velocity/colors/shapes come from the classes and video i uses class i mod K. Default null. */
  classes: ObjectClass[] | null;
  /** Regions of parameter space left out (grid points are dropped, random draws rejected). Default []. */
  holes: Hole[];
  /** uniform/parabola: frames the ball must stay in view; null = round(¾·frames) (paper 24). */
  minVisibleFrames: number | null;
  /** collision: contact between these frames; null = [max(3, round(T/4)), round(¾T)] (paper [8, 24]). */
  contactFrames: [number, number] | null;
}

/** Clip frames and side in pixels per profile: 8 × 16 px, paper 32 × 128 px (the paper's). */
export const CLIP_SHAPE_PROFILES: ProfileTable<{ frames: number; size: number }> = {
  default: { frames: 8, size: 16 },
  paper: { frames: 32, size: 128 },
};

/** Which of the profile's training-set sizes (ranges.ts `trainSizes`) a training set has by default: quick the middle (4K), smoke and paper the smallest (paper 30K). */
export const TRAIN_SIZE_INDEX_PROFILES: ProfileTable<number> = { default: 1, smoke: 0, paper: 0 };

/** Defaults of a profile: paper 128 px × 32 frames, quick and smoke 16 px × 8 frames; counts from ranges.ts. */
export function defaultDatasetConfig(profile: Profile = 'quick', scenario: Scenario = 'uniform', split: Split = 'train'): DatasetConfig {
  const clip = resolveProfile(CLIP_SHAPE_PROFILES, profile);
  const sizes = trainSizes(profile, scenario);
  const count = split === 'train' ? sizes[resolveProfile(TRAIN_SIZE_INDEX_PROFILES, profile)] : evalSize(profile, scenario, split);
  return {
    scenario,
    split,
    oodLevel: 0,
    oodSide: 'both',
    count,
    frames: clip.frames,
    size: clip.size,
    frameStride: STRIDE,
    supersample: 4,
    radius: null,
    velocity: null,
    oodRadius: null,
    oodVelocity: null,
    sampling: null,
    grid: null,
    gridSpacing: null,
    direction: 'right',
    colors: scenario === 'collision' ? ['red', 'blue'] : ['red'],
    shapes: scenario === 'collision' ? ['circle', 'circle'] : ['circle'],
    classes: null,
    holes: [],
    minVisibleFrames: null,
    contactFrames: null,
  };
}

/** Largest dataset accepted. */
export const MAX_COUNT = 100_000_000;
export const MAX_FRAMES = 512;
/** Radii above this do not fit the 10×10 world with its margins. */
export const MAX_RADIUS = 4;
export const MAX_SPEED = 20;

/**
 * Check every field; throws a ConfigError naming the field and what is allowed. Returns the
 * config for chaining.
 */
export function validateDatasetConfig(cfg: DatasetConfig): DatasetConfig {
  parseScenario(cfg.scenario, 'scenario');
  if (!(SPLITS as readonly string[]).includes(cfg.split)) throw new ConfigError(`split: unknown split '${cfg.split}'; allowed: ${SPLITS.join(', ')}`);
  intIn('count', cfg.count, 1, MAX_COUNT);
  intIn('frames', cfg.frames, 2, MAX_FRAMES);
  intIn('size', cfg.size, MIN_SIZE, MAX_SIZE);
  intIn('supersample', cfg.supersample, 1, 8);
  intIn('frameStride', resolvedStride(cfg), 1, MAX_STRIDE);
  const levels = OOD_LEVELS[cfg.scenario].length;
  intIn('oodLevel', cfg.oodLevel, 0, levels);
  if (cfg.split !== 'ood' && cfg.oodLevel !== 0) throw new ConfigError(`oodLevel: only used with split 'ood' (got split '${cfg.split}', oodLevel ${cfg.oodLevel}); set it to 0`);
  if (!['low', 'high', 'both'].includes(cfg.oodSide)) throw new ConfigError(`oodSide: unknown value '${cfg.oodSide}'; allowed: low, high, both`);
  if (cfg.radius !== null) validateBands(cfg.radius, 'radius', 0, MAX_RADIUS, true);
  if (cfg.velocity !== null) validateBands(cfg.velocity, 'velocity', 0, MAX_SPEED);
  if (cfg.oodRadius !== null) {
    validateBands([cfg.oodRadius.low], 'oodRadius.low', 0, MAX_RADIUS, true);
    validateBands([cfg.oodRadius.high], 'oodRadius.high', 0, MAX_RADIUS, true);
  }
  if (cfg.oodVelocity !== null) {
    validateBands([cfg.oodVelocity.low], 'oodVelocity.low', 0, MAX_SPEED);
    validateBands([cfg.oodVelocity.high], 'oodVelocity.high', 0, MAX_SPEED);
  }
  if (cfg.sampling !== null && !['grid', 'random'].includes(cfg.sampling)) throw new ConfigError(`sampling: unknown value '${cfg.sampling}'; allowed: grid, random (or null for the split's default)`);
  if (cfg.split === 'ood' && resolvedSampling(cfg) === 'grid') throw new ConfigError(`sampling: OOD sets are drawn at random; use sampling 'random' or null with split 'ood'`);
  if (cfg.gridSpacing !== null && !['linspace', 'random'].includes(cfg.gridSpacing)) throw new ConfigError(`gridSpacing: unknown value '${cfg.gridSpacing}'; allowed: linspace, random (or null)`);
  const names = paramNames(cfg.scenario);
  if (cfg.grid !== null) {
    if (!Array.isArray(cfg.grid) || cfg.grid.length !== names.length) throw new ConfigError(`grid must list ${names.length} point counts (${names.join(', ')}) for scenario '${cfg.scenario}', got ${JSON.stringify(cfg.grid)}`);
    cfg.grid.forEach((g, k) => intIn(`grid[${k}] (${names[k]})`, g, 1, 1_000_000));
  }
  if (cfg.direction !== 'right' && cfg.direction !== 'both') throw new ConfigError(`direction: unknown value '${cfg.direction}'; allowed: right, both`);
  const n = objectCount(cfg.scenario);
  if (!Array.isArray(cfg.colors) || cfg.colors.length !== n) throw new ConfigError(`colors must list ${n} colour name(s) for scenario '${cfg.scenario}', got ${JSON.stringify(cfg.colors)}`);
  cfg.colors.forEach((c, k) => colorRgb(c, `colors[${k}]`));
  if (!Array.isArray(cfg.shapes) || cfg.shapes.length !== n) throw new ConfigError(`shapes must list ${n} shape(s) for scenario '${cfg.scenario}', got ${JSON.stringify(cfg.shapes)}`);
  cfg.shapes.forEach((s, k) => {
    if (!(SHAPES as readonly string[]).includes(s)) throw new ConfigError(`shapes[${k}]: unknown shape '${s}'; allowed: ${SHAPES.join(', ')}`);
  });
  if (cfg.scenario === 'collision' && cfg.shapes.some((s) => s !== 'circle')) throw new ConfigError(`shapes: collisions use circles only (got ${JSON.stringify(cfg.shapes)})`);
  if (cfg.classes !== null) {
    if (cfg.scenario === 'collision') throw new ConfigError(`classes: only for scenarios uniform and parabola, not '${cfg.scenario}'`);
    if (cfg.split === 'ood') throw new ConfigError(`classes: not combinable with split 'ood' (put the test combinations in classes with split 'id')`);
    if (!Array.isArray(cfg.classes) || cfg.classes.length === 0) throw new ConfigError('classes must be null or a non-empty list of {shape, color, radius, velocity}');
    cfg.classes.forEach((c, k) => {
      if (!(SHAPES as readonly string[]).includes(c.shape)) throw new ConfigError(`classes[${k}].shape: unknown shape '${c.shape}'; allowed: ${SHAPES.join(', ')}`);
      colorRgb(c.color, `classes[${k}].color`);
      validateBands(c.radius, `classes[${k}].radius`, 0, MAX_RADIUS, true);
      validateBands(c.velocity, `classes[${k}].velocity`, 0, MAX_SPEED);
    });
    if (cfg.grid !== null) throw new ConfigError('grid: with classes the grid of each class is sized from count; leave grid null');
  }
  if (!Array.isArray(cfg.holes)) throw new ConfigError('holes must be a list of {param: [lo, hi]} boxes');
  cfg.holes.forEach((h, k) => {
    const keys = Object.keys(h);
    if (keys.length === 0) throw new ConfigError(`holes[${k}] is empty; name at least one of ${names.join(', ')}`);
    for (const key of keys) {
      if (!(names as string[]).includes(key)) throw new ConfigError(`holes[${k}].${key}: unknown parameter for scenario '${cfg.scenario}'; allowed: ${names.join(', ')}`);
      validateBands([(h as Record<string, Band>)[key]], `holes[${k}].${key}`, -Infinity, Infinity);
    }
  });
  if (cfg.minVisibleFrames !== null) intIn('minVisibleFrames', cfg.minVisibleFrames, 0, cfg.frames);
  if (cfg.contactFrames !== null) {
    if (!Array.isArray(cfg.contactFrames) || cfg.contactFrames.length !== 2) throw new ConfigError(`contactFrames must be [first, last] frame numbers, got ${JSON.stringify(cfg.contactFrames)}`);
    intIn('contactFrames[0]', cfg.contactFrames[0], 0, cfg.frames);
    intIn('contactFrames[1]', cfg.contactFrames[1], cfg.contactFrames[0], cfg.frames);
  }
  return cfg;
}

/**
 * Physics steps per frame (10: the paper's 0.1 s). A config read from an older file may lack the
 * field (it was optional before unit keys held resolved datasets); it means 10.
 */
export function resolvedStride(cfg: Pick<DatasetConfig, 'frameStride'>): number {
  return cfg.frameStride ?? STRIDE;
}

/** The sampling mode after defaults: 'grid' for train, 'random' otherwise. */
export function resolvedSampling(cfg: DatasetConfig): 'grid' | 'random' {
  return cfg.sampling ?? (cfg.split === 'train' ? 'grid' : 'random');
}

/** The ID ranges after defaults. */
export function resolvedIdRanges(cfg: DatasetConfig): { radius: Band[]; velocity: Band[] } {
  return { radius: cfg.radius ?? ID_RANGES[cfg.scenario].radius, velocity: cfg.velocity ?? ID_RANGES[cfg.scenario].velocity };
}

/** The OOD bands after defaults. */
export function resolvedOodBands(cfg: DatasetConfig): { radius: { low: Band; high: Band }; velocity: { low: Band; high: Band } } {
  return { radius: cfg.oodRadius ?? OOD_BANDS[cfg.scenario].radius, velocity: cfg.oodVelocity ?? OOD_BANDS[cfg.scenario].velocity };
}

/** Grid axis spacing after defaults: the parabola's code draws sorted uniform samples, the others use linspace. */
export function resolvedGridSpacing(cfg: DatasetConfig): 'linspace' | 'random' {
  return cfg.gridSpacing ?? (cfg.scenario === 'parabola' ? 'random' : 'linspace');
}

/** Placement constraints after defaults (frame interval from the stride; sim/scenes.ts defaultTiming). */
export function resolvedTiming(cfg: DatasetConfig): Timing {
  const t = defaultTiming(cfg.frames, frameDtFor(resolvedStride(cfg)));
  if (cfg.minVisibleFrames !== null) t.minVisibleFrames = cfg.minVisibleFrames;
  if (cfg.contactFrames !== null) t.contactFrames = [cfg.contactFrames[0], cfg.contactFrames[1]];
  return t;
}

/** A dataset config with every default replaced by the value the sampler uses; fields it does not use are null. */
export type ResolvedDatasetConfig = DatasetConfig;

/**
 * What a dataset is made from: `cfg` with every default resolved to the value used (ID ranges and
 * OOD bands from data/ranges.ts, frame stride, sampling, grid spacing, placement timing) and every
 * field the sampler does not read set to null (OOD bands outside split 'ood'; the top-level ID
 * ranges when classes carry their own; minVisibleFrames for collisions, contactFrames otherwise;
 * gridSpacing for random draws). Cache keys hash this, so editing a range or a default in
 * ranges.ts or the timing rules changes exactly the keys of the datasets (and units) that use it,
 * and two spellings of the same dataset (null vs the default written out) share one key.
 * `grid` stays as given: null means "from count" by the sampler's rule (a code change, versioned).
 */
export function resolvedDatasetConfig(cfg: DatasetConfig): ResolvedDatasetConfig {
  const id = resolvedIdRanges(cfg);
  const ood = resolvedOodBands(cfg);
  const timing = resolvedTiming(cfg);
  const sampling = resolvedSampling(cfg);
  const collision = cfg.scenario === 'collision';
  const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  return {
    ...copy(cfg),
    frameStride: resolvedStride(cfg),
    radius: cfg.classes ? null : copy(id.radius),
    velocity: cfg.classes ? null : copy(id.velocity),
    oodRadius: cfg.split === 'ood' ? copy(ood.radius) : null,
    oodVelocity: cfg.split === 'ood' ? copy(ood.velocity) : null,
    sampling,
    gridSpacing: sampling === 'grid' ? resolvedGridSpacing(cfg) : null,
    minVisibleFrames: collision ? null : timing.minVisibleFrames,
    contactFrames: collision ? [timing.contactFrames[0], timing.contactFrames[1]] : null,
  };
}

/** The cache key of a dataset config: the hash of its resolved form (`resolvedDatasetConfig`). */
export function datasetConfigHash(cfg: DatasetConfig): string {
  return configHash(resolvedDatasetConfig(cfg));
}

function intIn(name: string, v: unknown, lo: number, hi: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new ConfigError(`${name} must be an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  }
}
