/**
 * Video i of a dataset as a pure function of (config, seed, i): sample its parameters
 * (sampler.ts), place the scene (lib/sim/scenes.ts, its own random stream), simulate it in
 * box2d-wasm (lib/sim/simulate.ts) and render it (lib/render/raster.ts). Any subset of a dataset
 * can be regenerated anywhere, in any order, with identical bytes.
 *
 * `makeVideo(cfg, seed, i)` is the simple entry; `createVideoMaker(cfg, seed)` validates the
 * config and builds the sampler plan once, for loops over many videos.
 */
import { rngFor } from '../rng/rng';
import { stableStringify } from '../config/hash';
import { DatasetConfig, resolvedStride, validateDatasetConfig } from './dataset-config';
import { resolvedTiming, sampleParams, samplerPlan, SamplerPlan, streamKey, VideoParams } from './sampler';
import { placeScene } from '../sim/scenes';
import { simulate } from '../sim/simulate';
import { BodySpec, ObjectInfo, ObjectState, objectState, STATE_DIM } from '../sim/types';
import { renderFrames } from '../render/raster';

/** One video with its ground truth. */
export interface VideoSample {
  /** Index of the video in its dataset. */
  index: number;
  /** uint8 RGB frames, (T, H, W, 3) row-major; row 0 = top of the image (world y up, already flipped). */
  frames: Uint8Array;
  /** [T, H, W, 3]. */
  frameShape: [number, number, number, number];
  /** Ground truth (T, N, 4) float32: x, y, vx, vy per frame and object (world units, y up). */
  states: Float32Array;
  /** Seconds between frames (the config's frameStride × 0.01; default 0.1). */
  frameDt: number;
  /** Fixed attributes per object: radius, shape, colour. */
  objects: ObjectInfo[];
  /** The sampled parameters (radii, speeds, level, class, direction …). */
  params: VideoParams;
  /** Bodies at t = 0 as placed (before the first physics step). */
  initial: BodySpec[];
  /** false when the collision could not be placed with contact after `contactFrames[0]` (never for sampler-drawn videos). */
  placementOk: boolean;
}

/** Per-frame, per-object ground truth: states[t][j] = {x, y, vx, vy, radius, color, shape}. */
export function sampleStates(v: Pick<VideoSample, 'states' | 'objects' | 'frameShape'>): ObjectState[][] {
  const out: ObjectState[][] = [];
  for (let t = 0; t < v.frameShape[0]; t++) out.push(v.objects.map((_, j) => objectState(v, t, j)));
  return out;
}

export interface VideoMaker {
  readonly cfg: DatasetConfig;
  readonly seed: number;
  readonly plan: SamplerPlan;
  /** [T, H, W, 3] */
  readonly frameShape: [number, number, number, number];
  /** Objects per video. */
  readonly objects: number;
  /** Parameters of video i (no simulation). */
  params(i: number): VideoParams;
  /** Parameters and placed bodies of video i (no simulation). */
  placement(i: number): { params: VideoParams; initial: BodySpec[]; ok: boolean };
  /** The full video i; writes frames/states into the given buffers when provided. */
  make(i: number, framesOut?: Uint8Array, statesOut?: Float32Array): VideoSample;
  /** Frames of several videos stacked, (B, T, H, W, 3), generated on the fly (streaming without a cache). */
  batch(indices: ArrayLike<number>, out?: Uint8Array): Uint8Array;
}

/** Validate `cfg` once and return a maker for its videos. */
export function createVideoMaker(cfg: DatasetConfig, seed: number): VideoMaker {
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  validateDatasetConfig(cfg);
  const frozen = structuredClone(cfg);
  const plan = samplerPlan(frozen, seed);
  const timing = resolvedTiming(frozen);
  const stride = resolvedStride(frozen);
  const T = frozen.frames;
  const S = frozen.size;
  const nObj = frozen.scenario === 'collision' ? 2 : 1;
  const render = { size: S, supersample: frozen.supersample };
  const placement = (i: number) => {
    const params = sampleParams(plan, i);
    const placed = placeScene(params.scene, timing, rngFor(seed, ...streamKey(frozen), 'place', i));
    return { params, initial: placed.scene.bodies.map((b) => ({ ...b })), ok: placed.ok, scene: placed.scene };
  };
  const make = (i: number, framesOut?: Uint8Array, statesOut?: Float32Array): VideoSample => {
    const p = placement(i);
    const traj = simulate(p.scene, T, { stride });
    let states = traj.states;
    if (statesOut) {
      statesOut.set(states.subarray(0, T * nObj * STATE_DIM));
      states = statesOut;
    }
    const frames = renderFrames(traj.states, traj.objects, T, render, framesOut);
    return { index: i, frames, frameShape: [T, S, S, 3], states, frameDt: timing.frameDt, objects: traj.objects, params: p.params, initial: p.initial, placementOk: p.ok };
  };
  return {
    cfg: frozen,
    seed,
    plan,
    frameShape: [T, S, S, 3],
    objects: nObj,
    params: (i) => sampleParams(plan, i),
    placement: (i) => {
      const p = placement(i);
      return { params: p.params, initial: p.initial, ok: p.ok };
    },
    make,
    batch(indices, out) {
      const vb = T * S * S * 3;
      const buf = out ?? new Uint8Array(indices.length * vb);
      if (buf.length < indices.length * vb) throw new RangeError(`batch: out holds ${buf.length} bytes, need ${indices.length * vb}`);
      for (let k = 0; k < indices.length; k++) make(indices[k], buf.subarray(k * vb, (k + 1) * vb));
      return buf;
    },
  };
}

const makers = new Map<string, VideoMaker>();

/**
 * Video `index` of the dataset (cfg, seed). Pure: the same arguments always give identical
 * bytes. Makers are cached by config content, so calling this in a loop is cheap.
 */
export function makeVideo(cfg: DatasetConfig, seed: number, index: number): VideoSample {
  const key = `${stableStringify(cfg)}#${seed}`;
  let m = makers.get(key);
  if (!m) {
    m = createVideoMaker(cfg, seed);
    if (makers.size >= 8) makers.delete(makers.keys().next().value as string);
    makers.set(key, m);
  }
  return m.make(index);
}
