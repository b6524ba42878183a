/**
 * Evaluation of `collision-holes`: collision videos at the points of a (v1, v2) × r1 × r2 grid
 * (the paper: 21 v1 in [0, 4.5] × 13 v2 in [1, 4] × 5 × 5 radii in [0.5, 1.5]; smaller at quick
 * scale, config.ts), generated from their first `condFrames` frames and scored with the
 * post-collision velocity error of lib/metrics/velocity-error.ts (collision: the mean over both
 * balls of |mean post-collision parsed vx − true vx|, the paper's `post_vel_error`).
 *
 * Grid video k is placed with the random stream (dataSeed, 'collision-holes/eval', k): the same
 * videos for every model.
 */
import { rngFor } from '../../rng/rng';
import { defaultDatasetConfig, DatasetConfig } from '../../data/dataset-config';
import { resolvedTiming } from '../../data/sampler';
import type { VideoSample } from '../../data/make-video';
import { placeScene } from '../../sim/scenes';
import { simulate } from '../../sim/simulate';
import { renderFrames } from '../../render/raster';
import { defaultVelocityErrorConfig, velocityError, VelocityErrorConfig } from '../../metrics/velocity-error';
import type { CollisionHolesConfig } from './config';
import { axis } from './sets';

export interface GridPoint {
  v1: number;
  v2: number;
  r1: number;
  r2: number;
}

/** The evaluation grid, v1 outermost, then v2, r1, r2. */
export function evalGrid(c: Pick<CollisionHolesConfig, 'evalV1' | 'evalV2' | 'evalRadius'>): GridPoint[] {
  const out: GridPoint[] = [];
  const rs = axis(c.evalRadius);
  for (const v1 of axis(c.evalV1)) for (const v2 of axis(c.evalV2)) for (const r1 of rs) for (const r2 of rs) out.push({ v1, v2, r1, r2 });
  return out;
}

/** The collision dataset config of the clip settings (frames, size, stride) with the given count. */
export function collisionData(c: CollisionHolesConfig, count: number): DatasetConfig {
  return { ...defaultDatasetConfig('quick', 'collision', 'train'), frames: c.frames, size: c.size, frameStride: c.frameStride, count };
}

/** Grid video `k` at point `p`: placed, simulated and rendered like a dataset video. */
export function gridVideo(c: CollisionHolesConfig, p: GridPoint, k: number): VideoSample {
  const cfg = collisionData(c, 1);
  const timing = resolvedTiming(cfg);
  const params = {
    scenario: 'collision' as const,
    objects: [
      { radius: p.r1, speed: p.v1, shape: 'circle' as const, color: cfg.colors[0] },
      { radius: p.r2, speed: p.v2, shape: 'circle' as const, color: cfg.colors[1] },
    ],
    direction: 1 as const,
  };
  const placed = placeScene(params, timing, rngFor(c.dataSeed, 'collision-holes/eval', k));
  const traj = simulate(placed.scene, cfg.frames, { stride: c.frameStride });
  const frames = renderFrames(traj.states, traj.objects, cfg.frames, { size: cfg.size, supersample: cfg.supersample });
  return {
    index: k, frames, frameShape: [cfg.frames, cfg.size, cfg.size, 3], states: traj.states, frameDt: timing.frameDt, objects: traj.objects,
    params: { index: k, scene: params, level: 0, classIndex: -1, gridIndex: k }, initial: placed.scene.bodies.map((b) => ({ ...b })), placementOk: placed.ok,
  };
}

/** The velocity-error settings: `condFrames` skipped, the configured parser centroid. */
export function errorConfig(c: CollisionHolesConfig): VelocityErrorConfig {
  const e = defaultVelocityErrorConfig();
  return { ...e, conditionFrames: c.condFrames, parser: { ...e.parser, centroid: c.parser } };
}

/** One evaluated grid video. */
export interface GridRecord extends GridPoint {
  index: number;
  /** Post-collision velocity error of the generation (u/s); null: no post-collision step in view. */
  error: number | null;
  /** The same on the ground-truth clip (the parser's floor at this point). */
  truthError: number | null;
  /** Whether the scene could be placed with contact inside the clip's contact window. */
  placementOk: boolean;
}

/** Score generated clips of the grid videos. */
export function gridRecords(c: CollisionHolesConfig, points: GridPoint[], videos: VideoSample[], gen: Uint8Array[]): GridRecord[] {
  const cfg = errorConfig(c);
  const fin = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e5) / 1e5 : null);
  return videos.map((v, k) => {
    const gt = { states: v.states, objects: v.objects, frameDt: v.frameDt };
    return {
      ...points[k], index: k,
      error: fin(velocityError('collision', gen[k], v.frameShape, gt, cfg).error),
      truthError: fin(velocityError('collision', v.frames, v.frameShape, gt, cfg).error),
      placementOk: v.placementOk,
    };
  });
}
