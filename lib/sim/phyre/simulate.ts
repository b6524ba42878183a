/**
 * Simulates a PHYRE task with its user ball on box2d-wasm, as PHYRE's simulator does
 * (phyworld combinatorial_data/src/simulator/{task_utils,thrift_box2d_conversion}.{h,cpp}):
 * 60 steps per second (dt = 1/60), 15 velocity / 20 position iterations, 6 scene units per
 * metre, gravity −9.8 m/s², density 0.25 (dynamic), friction 0.5, restitution 0.2, angular
 * damping 0.01, no linear damping, Box2D's default sleeping and restitution threshold (PHYRE's
 * Box2D is unpatched), the four 5-unit walls just outside the scene. A frame is recorded after
 * `Step` when `step % stride == 0` (stride 20 in the paper: 3 frames per second), so frame k is
 * the state after k·stride + 1 steps. A fresh b2World per call, everything freed afterwards.
 */
/// <reference types="box2d-wasm" />
import { getBox2D } from '../box2d';
import { makeWall, PhyreBody, PIXELS_IN_METER, Shape } from './bodies';
import { ConfigError } from '../../config/profile';

export const PHYRE_FPS = 60;
export const PHYRE_VELOCITY_ITERATIONS = 15;
export const PHYRE_POSITION_ITERATIONS = 20;
/** The paper's frame stride (steps per frame) and PHYRE's maximum steps (1000 → 50 frames). */
export const PHYRE_STRIDE = 20;
export const PHYRE_MAX_STEPS = 1000;
export const PHYRE_GRAVITY = -9.8;
export const PHYRE_DENSITY = 0.25;
export const PHYRE_FRICTION = 0.5;
export const PHYRE_RESTITUTION = 0.2;
export const PHYRE_ANGULAR_DAMPING = 0.01;

/** Per body per frame: x, y (scene units), angle (rad), vx, vy (scene units/s), angular velocity (rad/s). */
export const PHYRE_STATE_DIM = 6;

/** What does not change over a video, per body. */
export interface PhyreBodyInfo {
  object: string;
  shapeType: PhyreBody['shapeType'];
  dynamic: boolean;
  color: PhyreBody['color'];
  shapes: Shape[];
}

export interface PhyreTrajectory {
  frames: number;
  stride: number;
  bodies: PhyreBodyInfo[];
  /** (T, N, 6) float32, see PHYRE_STATE_DIM. */
  states: Float32Array;
  /** Total mechanical energy of the dynamic bodies per frame (kinetic + rotational + potential), Box2D units (J at density 0.25). */
  energy: Float64Array;
}

export interface PhyreSimOptions {
  /** Frames to record, 1–1000/stride·… Default 32 (the paper's clip). */
  frames?: number;
  /** Physics steps per frame, 1–1000. Default 20 (the paper's). */
  stride?: number;
}

export function simulatePhyre(bodies: ReadonlyArray<PhyreBody>, opts: PhyreSimOptions = {}): PhyreTrajectory {
  const frames = opts.frames ?? 32;
  const stride = opts.stride ?? PHYRE_STRIDE;
  if (!Number.isInteger(stride) || stride < 1 || stride > 1000) throw new ConfigError(`stride must be an integer in [1, 1000] physics steps per frame, got ${stride}`);
  if (!Number.isInteger(frames) || frames < 1 || frames > 1024) throw new ConfigError(`frames must be an integer in [1, 1024], got ${frames}`);
  const B = getBox2D();
  const n = bodies.length;
  const states = new Float32Array(frames * n * PHYRE_STATE_DIM);
  const energy = new Float64Array(frames);
  const p2m = 1 / PIXELS_IN_METER;
  const gravity = new B.b2Vec2(0, PHYRE_GRAVITY);
  const world = new B.b2World(gravity);
  const bodyDef = new B.b2BodyDef();
  const fixtureDef = new B.b2FixtureDef();
  const circle = new B.b2CircleShape();
  const poly = new B.b2PolygonShape();
  const tmp = new B.b2Vec2(0, 0);
  const made: Box2D.b2Body[] = [];
  const buf = B._malloc(8 * 2 * 4);
  try {
    const add = (b: PhyreBody): Box2D.b2Body => {
      bodyDef.set_type(b.dynamic ? B.b2_dynamicBody : B.b2_staticBody);
      tmp.Set(b.x * p2m, b.y * p2m);
      bodyDef.set_position(tmp);
      bodyDef.set_angle(b.angle);
      bodyDef.set_angularDamping(PHYRE_ANGULAR_DAMPING);
      bodyDef.set_linearDamping(0);
      const body = world.CreateBody(bodyDef);
      fixtureDef.set_density(b.dynamic ? PHYRE_DENSITY : 0);
      fixtureDef.set_friction(PHYRE_FRICTION);
      fixtureDef.set_restitution(PHYRE_RESTITUTION);
      for (const sh of b.shapes) {
        if (sh.kind === 'circle') {
          circle.set_m_radius(sh.radius * p2m);
          circle.get_m_p().Set(0, 0);
          fixtureDef.set_shape(circle);
        } else {
          if (sh.vertices.length > 8) throw new Error('polygon with more than 8 vertices');
          const f32 = B.HEAPF32;
          sh.vertices.forEach(([x, y], i) => {
            f32[(buf >> 2) + 2 * i] = x * p2m;
            f32[(buf >> 2) + 2 * i + 1] = y * p2m;
          });
          poly.Set(buf, sh.vertices.length);
          fixtureDef.set_shape(poly);
        }
        body.CreateFixture(fixtureDef);
      }
      return body;
    };
    for (const side of ['bottom', 'left', 'top', 'right'] as const) add(makeWall(side));
    for (const b of bodies) made.push(add(b));
    const dt = 1 / PHYRE_FPS;
    const g = -PHYRE_GRAVITY;
    const totalSteps = (frames - 1) * stride + 1;
    let t = 0;
    for (let step = 0; step < totalSteps; step++) {
      world.Step(dt, PHYRE_VELOCITY_ITERATIONS, PHYRE_POSITION_ITERATIONS);
      if (step % stride !== 0) continue;
      let e = 0;
      for (let j = 0; j < n; j++) {
        const body = made[j];
        const p = body.GetPosition();
        const v = body.GetLinearVelocity();
        const w = body.GetAngularVelocity();
        const o = (t * n + j) * PHYRE_STATE_DIM;
        states[o] = p.get_x() * PIXELS_IN_METER;
        states[o + 1] = p.get_y() * PIXELS_IN_METER;
        states[o + 2] = body.GetAngle();
        states[o + 3] = v.get_x() * PIXELS_IN_METER;
        states[o + 4] = v.get_y() * PIXELS_IN_METER;
        states[o + 5] = w;
        if (bodies[j].dynamic) {
          const m = body.GetMass();
          const c = body.GetWorldCenter();
          const vx = v.get_x();
          const vy = v.get_y();
          // GetInertia is about the body origin; subtract m·|local centre|² for the centroidal inertia
          const lc = body.GetLocalCenter();
          const ic = body.GetInertia() - m * (lc.get_x() * lc.get_x() + lc.get_y() * lc.get_y());
          e += 0.5 * m * (vx * vx + vy * vy) + 0.5 * ic * w * w + m * g * c.get_y();
        }
      }
      energy[t] = e;
      t++;
    }
  } finally {
    B._free(buf);
    B.destroy(world);
    B.destroy(poly);
    B.destroy(circle);
    B.destroy(fixtureDef);
    B.destroy(bodyDef);
    B.destroy(tmp);
    B.destroy(gravity);
  }
  return {
    frames,
    stride,
    bodies: bodies.map((b) => ({ object: b.object, shapeType: b.shapeType, dynamic: b.dynamic, color: b.color, shapes: b.shapes })),
    states,
    energy,
  };
}
