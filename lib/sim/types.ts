/**
 * Plain data types shared by the simulator, the renderer, the datasets and the metrics.
 * States are stored flat: `states[(t * nObjects + j) * 4 + c]` with c = 0 x, 1 y, 2 vx, 3 vy
 * (world units and units per second, y up).
 */

/**
 * Shapes the renderer can draw: a disc of radius r, an axis-aligned square of half-side r, or a
 * ring (annulus) of outer radius r and inner radius RING_INNER·r (the attribute experiments'
 * ring variant, paper A.5.2; simulated as a circle body of radius r).
 */
export const SHAPES = ['circle', 'square', 'ring'] as const;

/** Inner radius of a ring as a fraction of its outer radius (the paper does not state its rings' thickness). */
export const RING_INNER = 0.5;
export type Shape = (typeof SHAPES)[number];

/** One rigid body at time 0. */
export interface BodySpec {
  /** Centre x (world units). */
  x: number;
  /** Centre y (world units, y up). */
  y: number;
  /** Initial velocity (units/s). */
  vx: number;
  vy: number;
  /** Radius; for a square, half its side. */
  radius: number;
  shape: Shape;
  /** A name from lib/render/colors.ts (e.g. 'red'). */
  color: string;
}

/** A scene: bodies plus gravity. */
export interface SceneSpec {
  bodies: BodySpec[];
  /** Gravity along y (units/s²); 0 for uniform motion and collision. */
  gravityY: number;
}

/** What does not change over a video: one entry per object. */
export interface ObjectInfo {
  radius: number;
  shape: Shape;
  color: string;
}

/** Per-frame ground truth of one object, as exported to states.json. */
export interface ObjectState extends ObjectInfo {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

/** A simulated clip: T frames of N objects. */
export interface Trajectory {
  /** Number of frames T. */
  frames: number;
  objects: ObjectInfo[];
  /** (T, N, 4) float32: x, y, vx, vy per frame and object. */
  states: Float32Array;
}

/** Number of floats per object per frame in `Trajectory.states`. */
export const STATE_DIM = 4;

/** The state of object j at frame t, with its fixed attributes. */
export function objectState(traj: Pick<Trajectory, 'objects' | 'states'>, t: number, j: number): ObjectState {
  const n = traj.objects.length;
  const o = (t * n + j) * STATE_DIM;
  const s = traj.states;
  return { x: s[o], y: s[o + 1], vx: s[o + 2], vy: s[o + 3], ...traj.objects[j] };
}
