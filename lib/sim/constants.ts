/**
 * Physical and timing constants of the basic scenarios (paper-spec §1.1), taken from the
 * paper's generator scripts (phyworld/id_ood_data/*.py): a 10×10 world, Box2D stepped at
 * dt = 0.01 s with 15 velocity / 20 position iterations, one frame every 10 steps.
 */

/** Side of the square world in world units; the image spans [0, WORLD_SIZE]² (y up). */
export const WORLD_SIZE = 10;
/** Physics step in seconds. */
export const DT = 0.01;
/** Physics steps per video frame (so a frame is 0.1 s). */
export const STRIDE = 10;
/** Seconds between frames at the paper's stride (0.1 s). Videos carry their own (`frameDt`); use that. */
export const FRAME_DT = frameDtFor(STRIDE);
/** Box2D solver iterations, as in the paper's `world.Step(0.01, 15, 20)`. */
export const VELOCITY_ITERATIONS = 15;
export const POSITION_ITERATIONS = 20;
/**
 * Box2D restitution velocity threshold: relative normal speeds below it bounce inelastically.
 * Box2D's default is 1 u/s; the paper patched `b2_velocityThreshold` to 0.01 (b2Settings.h).
 * Box2D 2.4.1 (box2d-wasm 7.0.0) exposes it per fixture (`b2FixtureDef.restitutionThreshold`;
 * a contact uses the smaller of its two fixtures' values), so no patched build is needed.
 */
export const RESTITUTION_THRESHOLD = 0.01;
/** Gravity of the parabola scenario (u/s², along y). */
export const PARABOLA_GRAVITY = -2.5;

/**
 * Physics steps taken before frame k is recorded. The paper's loop records after `Step` when
 * `i % 10 == 0` (i from 0), so frame k is the state after k·10 + 1 steps.
 */
export function stepsBeforeFrame(k: number, stride = STRIDE): number {
  return k * stride + 1;
}

/** Largest physics-steps-per-frame accepted (10 s between frames). */
export const MAX_STRIDE = 1000;

/**
 * Seconds between frames for `stride` physics steps per frame (the paper's 10: 0.1 s): the one
 * place seconds per frame are computed from a stride.
 */
export function frameDtFor(stride: number = STRIDE): number {
  return DT * stride;
}

/** Physics steps per frame of a video whose frames are `frameDt` seconds apart (its `frameDt`); throws when that is not a whole number of steps. */
export function strideOfFrameDt(frameDt: number): number {
  const stride = Math.round(frameDt / DT);
  if (!(stride >= 1 && stride <= MAX_STRIDE) || Math.abs(frameDtFor(stride) - frameDt) > 1e-9) {
    throw new Error(`frameDt must be a whole number (1–${MAX_STRIDE}) of ${DT} s physics steps, got ${frameDt} s`);
  }
  return stride;
}

/** Time (s) at which frame k is recorded: after k·stride + 1 physics steps of DT. */
export function frameTime(k: number, stride: number = STRIDE): number {
  return stepsBeforeFrame(k, stride) * DT;
}
