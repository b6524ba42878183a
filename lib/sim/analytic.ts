/**
 * Closed-form references for the three laws, used by the tests and handy in notebooks:
 * uniform motion, free fall with Box2D's semi-implicit Euler integrator, and the 1-D elastic
 * collision.
 */
import { DT, FRAME_DT, frameTime, stepsBeforeFrame } from './constants';

/** Velocities after a 1-D perfectly elastic collision of masses m1, m2 moving at u1, u2. */
export function elasticCollision1D(m1: number, u1: number, m2: number, u2: number): [number, number] {
  const s = m1 + m2;
  return [((m1 - m2) * u1 + 2 * m2 * u2) / s, ((m2 - m1) * u2 + 2 * m1 * u1) / s];
}

/** Time (s) at which frame k is recorded (constants.ts; re-exported for the tests and notebooks). */
export { frameTime };

/**
 * y after the steps of frame k under gravity g from (y0, vy0), as Box2D integrates it
 * (v ← v + g·dt, then y ← y + v·dt): y = y0 + vy0·n·dt + g·dt²·n(n+1)/2 with n = k·10 + 1.
 * A quadratic in t = n·dt whose second derivative is exactly g.
 */
export function fallY(y0: number, vy0: number, g: number, k: number): number {
  const n = stepsBeforeFrame(k);
  return y0 + vy0 * n * DT + (g * DT * DT * n * (n + 1)) / 2;
}

/** Frames per second at the paper's frame stride (10). */
export const FPS = 1 / FRAME_DT;
