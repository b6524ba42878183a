/**
 * Runs a scene in box2d-wasm and records one state per frame (paper-spec §1.1).
 *
 * Setup follows the paper's generators: dynamic bodies with density 1, restitution 1, no linear
 * or angular damping, sleeping disabled, `Step(0.01, 15, 20)`, frame k recorded after k·10 + 1
 * steps. Two deliberate settings beyond the paper's code:
 * - friction 0 (the code keeps Box2D's default 0.2; it has no effect on head-on circle contacts,
 *   and 0 is what "no friction" in the task means);
 * - restitution threshold 0.01 set per fixture (Box2D 2.4.1 API), equivalent to the paper's
 *   patch of the compile-time `b2_velocityThreshold` (see constants.ts).
 * Squares get a fixed rotation so they stay axis-aligned, as the renderer draws them. Rings are
 * circle bodies of their outer radius (uniform motion only: no contact sees the hole).
 *
 * A fresh b2World is built for every call and destroyed afterwards, with every def, shape and
 * vector freed, so a video depends only on its scene (no state carried between videos) and
 * generating millions of videos does not grow the wasm heap (test/sim/simulate.test.ts).
 */
/// <reference types="box2d-wasm" />
import { getBox2D } from './box2d';
import { DT, MAX_STRIDE, POSITION_ITERATIONS, RESTITUTION_THRESHOLD, STRIDE, VELOCITY_ITERATIONS } from './constants';
import { SceneSpec, STATE_DIM, Trajectory } from './types';
import { ConfigError } from '../config/profile';

/** Largest clip length accepted (frames). */
export const MAX_FRAMES = 1024;

/** Check a scene; throws a ConfigError naming the bad field and the allowed range. */
export function validateScene(scene: SceneSpec, frames: number): void {
  if (!Number.isInteger(frames) || frames < 1 || frames > MAX_FRAMES) {
    throw new ConfigError(`frames must be an integer in [1, ${MAX_FRAMES}], got ${frames}`);
  }
  if (!Number.isFinite(scene.gravityY)) throw new ConfigError(`gravityY must be a finite number, got ${scene.gravityY}`);
  if (scene.bodies.length === 0) throw new ConfigError('scene.bodies must hold at least one body');
  scene.bodies.forEach((b, j) => {
    if (!(b.radius > 0) || !Number.isFinite(b.radius) || b.radius > 5) {
      throw new ConfigError(`bodies[${j}].radius must be in (0, 5] world units, got ${b.radius}`);
    }
    for (const k of ['x', 'y', 'vx', 'vy'] as const) {
      if (!Number.isFinite(b[k])) throw new ConfigError(`bodies[${j}].${k} must be a finite number, got ${b[k]}`);
    }
    if (Math.abs(b.vx) > 100 || Math.abs(b.vy) > 100) {
      throw new ConfigError(`bodies[${j}] speed must be ≤ 100 units/s (Box2D moves at most 2 units per step), got (${b.vx}, ${b.vy})`);
    }
    if (b.shape !== 'circle' && b.shape !== 'square' && b.shape !== 'ring') throw new ConfigError(`bodies[${j}].shape must be circle, square or ring, got '${b.shape}'`);
  });
}

export interface SimulateOptions {
  /** Restitution velocity threshold (units/s). Default 0.01 (the paper's patch); Box2D's own default is 1. */
  restitutionThreshold?: number;
  /** Physics steps per recorded frame, 1–1000. Default 10 (the paper's 0.1 s per frame). Frame k is the state after k·stride + 1 steps. */
  stride?: number;
}

/**
 * Simulate `frames` frames of `scene`. Returns the per-frame states (T, N, 4) as float32,
 * exactly as Box2D holds them (Box2D computes in float32).
 */
export function simulate(scene: SceneSpec, frames: number, opts: SimulateOptions = {}): Trajectory {
  validateScene(scene, frames);
  const threshold = opts.restitutionThreshold ?? RESTITUTION_THRESHOLD;
  const strideOpt = opts.stride ?? STRIDE;
  if (!Number.isInteger(strideOpt) || strideOpt < 1 || strideOpt > MAX_STRIDE) throw new ConfigError(`stride must be an integer in [1, ${MAX_STRIDE}] physics steps per frame, got ${strideOpt}`);
  const B = getBox2D();
  const n = scene.bodies.length;
  const states = new Float32Array(frames * n * STATE_DIM);

  const gravity = new B.b2Vec2(0, scene.gravityY);
  const world = new B.b2World(gravity);
  const tmp = new B.b2Vec2(0, 0);
  const bodyDef = new B.b2BodyDef();
  const fixtureDef = new B.b2FixtureDef();
  const circle = new B.b2CircleShape();
  const box = new B.b2PolygonShape();
  const bodies: Box2D.b2Body[] = [];
  try {
    world.SetAllowSleeping(false);
    bodyDef.set_type(B.b2_dynamicBody);
    bodyDef.set_linearDamping(0);
    bodyDef.set_angularDamping(0);
    bodyDef.set_allowSleep(false);
    fixtureDef.set_density(1);
    fixtureDef.set_friction(0);
    fixtureDef.set_restitution(1);
    fixtureDef.set_restitutionThreshold(threshold);
    for (const b of scene.bodies) {
      tmp.Set(b.x, b.y);
      bodyDef.set_position(tmp);
      tmp.Set(b.vx, b.vy);
      bodyDef.set_linearVelocity(tmp);
      bodyDef.set_fixedRotation(b.shape === 'square');
      const body = world.CreateBody(bodyDef);
      if (b.shape === 'circle' || b.shape === 'ring') { // a ring is a circle body (no contacts in the ring scenes)
        circle.set_m_radius(b.radius);
        fixtureDef.set_shape(circle);
      } else {
        box.SetAsBox(b.radius, b.radius);
        fixtureDef.set_shape(box);
      }
      body.CreateFixture(fixtureDef); // copies the shape
      bodies.push(body);
    }
    // local copies: imported constants are property reads through module getters under tsx
    const dt = DT;
    const stride = strideOpt;
    const velIters = VELOCITY_ITERATIONS;
    const posIters = POSITION_ITERATIONS;
    const totalSteps = (frames - 1) * stride + 1;
    let t = 0;
    for (let i = 0; i < totalSteps; i++) {
      world.Step(dt, velIters, posIters);
      if (i % stride === 0) {
        for (let j = 0; j < n; j++) {
          const p = bodies[j].GetPosition();
          const v = bodies[j].GetLinearVelocity();
          const o = (t * n + j) * STATE_DIM;
          states[o] = p.get_x();
          states[o + 1] = p.get_y();
          states[o + 2] = v.get_x();
          states[o + 3] = v.get_y();
        }
        t++;
      }
    }
  } finally {
    B.destroy(world); // frees its bodies, fixtures and contacts
    B.destroy(box);
    B.destroy(circle);
    B.destroy(fixtureDef);
    B.destroy(bodyDef);
    B.destroy(tmp);
    B.destroy(gravity);
  }
  return {
    frames,
    objects: scene.bodies.map((b) => ({ radius: b.radius, shape: b.shape, color: b.color })),
    states,
  };
}
