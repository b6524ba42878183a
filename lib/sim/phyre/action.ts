/**
 * The red user ball: PHYRE's "ball" action (x, y, r) ∈ [0, 1]³ placed by the paper's
 * "positioning" heuristic (phyworld combinatorial_data/data_generator_v2.py, p = 1 for it):
 * - radius range from the balls in the scene (every ball, static ones included, as the original's
 *   featurised shape test): r ∈ [max(min ball r / 2, 0.02), min(4 · max ball r, 0.2)] (scene
 *   fractions), [0.02, 0.2] when there is no ball; the action holds 5·r;
 * - an anchor object is picked among the objects other than near-horizontal bars (angle feature
 *   < 0.05, i.e. [0°, 18°)); x = anchor x + dx, dx ~ U(±0.8 · (anchor diameter/2 + r)); with
 *   p = 0.5 y ~ U(anchor y + 0.9·dx, 1 − anchor radius − 0.05) (above), else
 *   U(anchor radius + 0.05, anchor y − 0.9·dx) (below);
 * - valid when the action lies in [0, 1]³, the ball lies inside the scene and, once snapped to
 *   PHYRE's integer grid (x, y truncated, radius rounded), overlaps no body (PHYRE's occlusion
 *   check). Invalid actions are redrawn; after 100 failures, as the original, a uniformly random
 *   position with a radius drawn from the same range is used until valid.
 * Action to scene units (BallScaler): x · 511, y · 511, radius 2 + r_action · 62.
 */
import { hashKey, Rng } from '../../rng/rng';
import { makeBall, PhyreBody, SCENE_SIZE } from './bodies';
import { bodyGap } from './geometry';
import { PhyreTask } from './scene';

/** The action's radius factor (RADIUS_SCALE) and the heuristic's tries before the fallback. */
export const RADIUS_SCALE = 5;
export const MAX_HEURISTIC_TRIES = 100;
/** BallScaler: radius in scene units = MIN + r_action · (MAX − MIN). */
export const BALL_MIN_RADIUS = 2;
export const BALL_MAX_RADIUS = SCENE_SIZE / 8;

export interface UserBall {
  /** The action (x, y, r) in [0, 1]³. */
  action: [number, number, number];
  /** Snapped ball in scene units. */
  x: number;
  y: number;
  radius: number;
  /** 'positioning' or 'fallback' (after MAX_HEURISTIC_TRIES invalid draws). */
  method: 'positioning' | 'fallback';
  /** Draws it took. */
  tries: number;
  /** The radius range used, as action values (5 · scene fraction). */
  radiusRange: [number, number];
}

/** PHYRE's featurised x, y, angle/(2π) wrapped to [0, 1), diameter (scene fractions). */
function features(b: PhyreBody): { x: number; y: number; angle: number; diameter: number } {
  const twoPi = 2 * Math.PI;
  let a = b.angle % twoPi;
  if (a < 0) a += twoPi;
  return { x: b.x / SCENE_SIZE, y: b.y / SCENE_SIZE, angle: a / twoPi, diameter: b.diameter / SCENE_SIZE };
}

/** The heuristic's radius range [min, max] in scene fractions. */
export function userBallRadiusRange(bodies: ReadonlyArray<PhyreBody>): [number, number] {
  let minR = 1.0;
  let maxR = 0;
  for (const b of bodies) {
    if (b.shapeType !== 'ball') continue;
    const r = features(b).diameter / 2;
    minR = Math.min(minR, r / 2);
    maxR = Math.max(maxR, r * 4);
  }
  minR = Math.max(minR, 0.1 / RADIUS_SCALE);
  maxR = Math.min(maxR, 1.0 / RADIUS_SCALE);
  if (minR === 1.0 || maxR === 0) return [0.1 / RADIUS_SCALE, 1.0 / RADIUS_SCALE];
  return [minR, maxR];
}

/** The ball of an action, snapped, or null when PHYRE would reject the action. */
export function actionToBall(action: readonly [number, number, number], bodies: ReadonlyArray<PhyreBody>): { x: number; y: number; radius: number } | null {
  if (!action.every((v) => v >= 0 && v <= 1)) return null;
  const x = action[0] * (SCENE_SIZE - 1);
  const y = action[1] * (SCENE_SIZE - 1);
  const r = BALL_MIN_RADIUS + action[2] * (BALL_MAX_RADIUS - BALL_MIN_RADIUS);
  if (!(r <= x && x <= SCENE_SIZE - r && r <= y && y <= SCENE_SIZE - r)) return null;
  const ball = { x: Math.trunc(x), y: Math.trunc(y), radius: Math.round(r) };
  const probe = userBallBody(ball);
  for (const b of bodies) if (bodyGap(probe, b) < 0) return null;
  return ball;
}

/** The red dynamic ball body. */
export function userBallBody(ball: { x: number; y: number; radius: number }): PhyreBody {
  const b = makeBall('user_ball', true, 0);
  b.shapes = [{ kind: 'circle', radius: ball.radius }];
  b.diameter = 2 * ball.radius;
  b.x = ball.x;
  b.y = ball.y;
  b.color = 'red';
  return b;
}

/** Samples trial `trial` of a task: deterministic in (template, seed, trial). */
export function sampleUserBall(task: PhyreTask, trial: number): UserBall {
  const rng = new Rng(hashKey('phyre-action', task.template, task.seed, trial));
  const [minR, maxR] = userBallRadiusRange(task.bodies);
  const eps = 0.05;
  const anchors = task.bodies.filter((b) => !(b.shapeType === 'bar' && Math.abs(features(b).angle) < 0.05));
  const pool = anchors.length > 0 ? anchors : task.bodies;
  const range: [number, number] = [minR * RADIUS_SCALE, maxR * RADIUS_SCALE];
  for (let tries = 1; tries <= MAX_HEURISTIC_TRIES; tries++) {
    const f = features(pool[rng.int(pool.length)]);
    const radius = f.diameter / 2;
    const myR = rng.range(minR, maxR);
    const maxD = radius + myR;
    const dx = rng.range(-0.8 * maxD, 0.8 * maxD);
    let lo: number;
    let hi: number;
    if (rng.uniform() < 0.5) {
      lo = f.y + dx * 0.9;
      hi = 1.0 - radius - eps;
    } else {
      lo = radius + eps;
      hi = f.y - dx * 0.9;
    }
    const action: [number, number, number] = [f.x + dx, rng.range(lo, hi), myR * RADIUS_SCALE];
    const ball = actionToBall(action, task.bodies);
    if (ball) return { action, ...ball, method: 'positioning', tries, radiusRange: range };
  }
  for (let tries = MAX_HEURISTIC_TRIES + 1; tries < 100000; tries++) {
    const action: [number, number, number] = [rng.uniform(), rng.uniform(), rng.range(minR, maxR) * RADIUS_SCALE];
    const ball = actionToBall(action, task.bodies);
    if (ball) return { action, ...ball, method: 'fallback', tries, radiusRange: range };
  }
  throw new Error(`task ${task.template}:${task.seed} trial ${trial}: no valid user-ball action found`);
}
