/**
 * The three basic scenarios (paper-spec §1.2): from physical parameters (radius, speed per
 * object) to a placed scene, following the paper's generators (phyworld/id_ood_data/
 * one_ball_uniform_motion.py, two_balls_collision.py, one_ball_parabola.py).
 *
 * Placement (world units, 10×10 world, frames Δ = 0.1 s apart by default; `Timing.frameDt`):
 * - uniform: x0 ~ U(r, 10 − (F·v·Δ + r)) so the ball stays in view for F frames (paper F = 24
 *   of 32); when that interval is empty, x0 ~ U(r, r + U(0, 0.5)) as in the code.
 *   y0 ~ U(r + 0.5, 9.5 − r). Velocity (v, 0).
 * - parabola: as uniform, but y0 ~ U(9.5 − r − 1, 9.5 − r) (near the top); gravity −2.5.
 * - collision: red ball 1 on the left moving +v1, blue ball 2 on the right moving −v2, same
 *   height y ~ U(max r + 0.5, 9.5 − max r). Centre gap d ~ U(dmin, dmax) with
 *   dmin = A·Δ·(v1+v2) + r1 + r2, dmax = min(B·Δ·(v1+v2) + r1 + r2, 10 − r1 − r2), so contact
 *   happens between frames A and B (paper A = 8, B = 24 of 32). x1 ~ U(r1, 10 − r2 − d),
 *   x2 = x1 + d. Code quirk kept: when r2 > 2·r1 the gap is limited to [dmin, 1.25·dmin] and ball
 *   1 starts within 0.5 of x = 10 − r2 − d − 0.5 (the code's matching r1 > 2·r2 branch is dead code,
 *   overwritten by its `else`, so it is not reproduced). When dmin > 10 − r1 − r2 the contact
 *   cannot come late enough: the code drops such scenes after 50 tries; here
 *   `collisionFeasible()` lets the samplers exclude them up front (same set, no retries).
 * Direction −1 mirrors a scene left–right (x → 10 − x, vx → −vx), as the code's `left` option.
 */
import { Rng } from '../rng/rng';
import { FRAME_DT, PARABOLA_GRAVITY, WORLD_SIZE } from './constants';
import { BodySpec, SceneSpec, Shape } from './types';
import { ConfigError } from '../config/profile';

export const SCENARIOS = ['uniform', 'collision', 'parabola'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Throws a ConfigError unless `s` is a known scenario. */
export function parseScenario(s: string, param = 'scenario'): Scenario {
  if ((SCENARIOS as readonly string[]).includes(s)) return s as Scenario;
  throw new ConfigError(`${param}: unknown scenario '${s}'; allowed: ${SCENARIOS.join(', ')}`);
}

/** Number of objects in a scenario's scenes. */
export function objectCount(scenario: Scenario): number {
  return scenario === 'collision' ? 2 : 1;
}

/** The sampled physical parameters of one object. */
export interface ObjectParams {
  /** Radius (square: half-side), world units. */
  radius: number;
  /** Speed ≥ 0 along x, units/s (collision ball 2 moves towards ball 1, i.e. at −speed). */
  speed: number;
  shape: Shape;
  color: string;
}

/** Everything that defines a scene before placement. */
export interface SceneParams {
  scenario: Scenario;
  objects: ObjectParams[];
  /** +1: the paper's left-to-right layout; −1: mirrored. */
  direction: 1 | -1;
}

/** Frame-count constraints used by placement. */
export interface Timing {
  /** Clip length in frames. */
  frames: number;
  /** uniform/parabola: frames the ball must stay in view (paper: 24 of 32). */
  minVisibleFrames: number;
  /** collision: [A, B], contact happens between frame A and frame B (paper: [8, 24] of 32). */
  contactFrames: [number, number];
  /** Seconds between frames (paper 0.1 = 10 physics steps). */
  frameDt: number;
}

/**
 * The paper's constraints scaled to a clip of `frames` frames: in view for ¾ of the clip;
 * contact between ¼ and ¾ of the clip, but never before frame 3 (the conditioning frames).
 * For 32 frames this gives exactly the paper's 24 and [8, 24].
 */
export function defaultTiming(frames: number, frameDt: number = FRAME_DT): Timing {
  const a = Math.max(3, Math.round(frames / 4));
  const b = Math.max(a, Math.round((3 * frames) / 4));
  return { frames, minVisibleFrames: Math.round((3 * frames) / 4), contactFrames: [a, b], frameDt };
}

/** Can a collision with these parameters be placed with contact no earlier than frame A? */
export function collisionFeasible(r1: number, r2: number, v1: number, v2: number, timing: Timing): boolean {
  const dmin = timing.contactFrames[0] * timing.frameDt * (v1 + v2) + r1 + r2;
  return dmin <= WORLD_SIZE - r1 - r2 && r1 + r2 < 0.5 * WORLD_SIZE;
}

/** Initial placement chosen for a scene (also stored in the dataset's metadata). */
export interface Placement {
  scene: SceneSpec;
  /** false when the constraints could not be met (collision not feasible). */
  ok: boolean;
}

/** Place the objects of `params` in the world; `rng` draws positions only. */
export function placeScene(params: SceneParams, timing: Timing, rng: Rng): Placement {
  let placed: Placement;
  switch (params.scenario) {
    case 'uniform':
      placed = placeSingle(params.objects[0], timing, rng, false);
      break;
    case 'parabola':
      placed = placeSingle(params.objects[0], timing, rng, true);
      break;
    case 'collision':
      placed = placeCollision(params.objects[0], params.objects[1], timing, rng);
      break;
    default:
      throw new ConfigError(`scenario: unknown scenario '${String((params as SceneParams).scenario)}'; allowed: ${SCENARIOS.join(', ')}`);
  }
  if (params.direction === -1) {
    for (const b of placed.scene.bodies) {
      b.x = WORLD_SIZE - b.x;
      b.vx = -b.vx;
    }
  }
  return placed;
}

function body(o: ObjectParams, x: number, y: number, vx: number): BodySpec {
  return { x, y, vx, vy: 0, radius: o.radius, shape: o.shape, color: o.color };
}

function placeSingle(o: ObjectParams, timing: Timing, rng: Rng, parabola: boolean): Placement {
  const r = o.radius;
  const v = o.speed;
  const minDist = timing.minVisibleFrames * v * timing.frameDt + r;
  let maxInit = WORLD_SIZE - minDist;
  if (maxInit < r) maxInit = r + rng.range(0, 0.5);
  const x = rng.range(r, maxInit);
  const y = parabola ? rng.range(WORLD_SIZE - 0.5 - r - 1.0, WORLD_SIZE - 0.5 - r) : rng.range(r + 0.5, WORLD_SIZE - 0.5 - r);
  return { scene: { bodies: [body(o, x, y, v)], gravityY: parabola ? PARABOLA_GRAVITY : 0 }, ok: true };
}

function placeCollision(a: ObjectParams, b: ObjectParams, timing: Timing, rng: Rng): Placement {
  const r1 = a.radius;
  const r2 = b.radius;
  const vs = a.speed + b.speed;
  const ok = collisionFeasible(r1, r2, a.speed, b.speed, timing);
  const dmin = timing.contactFrames[0] * timing.frameDt * vs + r1 + r2;
  const room = WORLD_SIZE - r1 - r2;
  let d: number;
  let x1: number;
  if (!ok) {
    // Not placeable with a late enough contact: the widest gap the world allows (contact earlier).
    d = Math.max(r1 + r2, room);
    x1 = r1;
  } else if (r2 > 2 * r1) {
    d = rng.range(dmin, Math.min(dmin * 1.25, room));
    const right = WORLD_SIZE - r2 - d;
    x1 = Math.max(rng.range(right - 0.5, right), r1);
  } else {
    const dmax = Math.min(timing.contactFrames[1] * timing.frameDt * vs + r1 + r2, room);
    d = rng.range(dmin, Math.max(dmin, dmax));
    x1 = Math.max(rng.range(r1, WORLD_SIZE - r2 - d), r1);
  }
  const x2 = Math.min(x1 + d, WORLD_SIZE - r2);
  const rmax = Math.max(r1, r2);
  const y = rng.range(rmax + 0.5, WORLD_SIZE - 0.5 - rmax);
  return { scene: { bodies: [body(a, x1, y, a.speed), body(b, x2, y, -b.speed)], gravityY: 0 }, ok };
}
