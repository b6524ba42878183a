/**
 * The 8 object types and their randomisation, as the paper's component_utils.py builds them
 * (paper-spec §4.1). Coordinates are fractions of the scene (×512). Draws come from our seeded
 * Rng (never Math.random), in the same order as the original's numpy / random calls; the exact
 * numbers differ from the paper's (numpy's generator is not reproduced), the distributions match.
 */
import { Rng } from '../../rng/rng';
import { makeBall, makeBar, makeJar, makeStandingSticks, PhyreBody, SCENE_SIZE, setAll, setAngle, setBottom, setCenterX, setRight } from './bodies';
import { ObjectType } from './templates';

const W = SCENE_SIZE;

/** Python's `random.randint(a, b)` (inclusive) on our generator. */
function randint(rng: Rng, a: number, b: number): number {
  return a + rng.int(b - a + 1);
}

/** `build_dynamic_ball`: scale U(0.06, 0.12), centre x U(0.3, 0.6), bottom U(0.4, 0.85). */
export function buildDynamicBall(rng: Rng, object: string): PhyreBody[] {
  const scale = rng.range(0.06, 0.12);
  const x = rng.range(0.3, 0.6);
  const h = rng.range(0.4, 0.85);
  return [setAll(makeBall(object, true, scale), { centerX: x * W, bottom: h * W })];
}

/**
 * `build_static_ball`: black balls of scale 0.04 on a random-walk chain from (0.4, 0.55): steps
 * U(0.05, 0.2) turning by a fixed random increment, restarting from a random earlier point with
 * p = 0.2 once a line has ≥ 3 points; points with y ≥ 0.5 are skipped; it stops after
 * randint(2, 6) points inside the scene. The start point is drawn too (the original's loop draws
 * every chain point inside [0, 1]², the start included).
 */
export function buildStaticBalls(rng: Rng): PhyreBody[] {
  const maxPoints = randint(rng, 2, 6);
  let angle = rng.uniform() * 2 * Math.PI;
  let angleDiff = (rng.uniform() * 2 * Math.PI) / 10;
  const stars: Array<[number, number]> = [[0.4, 0.55]];
  let lineLength = 1;
  let nValid = 0;
  const top = 0.5;
  let guard = 0;
  while (nValid < maxPoints && guard++ < 10000) {
    let x: number;
    let y: number;
    if (lineLength >= 3 && rng.uniform() < 0.2) {
      [x, y] = stars[rng.int(stars.length)];
      lineLength = 1;
      angle = rng.uniform() * 2 * Math.PI;
      angleDiff = (rng.uniform() * 2 * Math.PI) / 10;
    } else {
      lineLength += 1;
      const step = rng.range(0.05, 0.2);
      angle += angleDiff;
      [x, y] = stars[stars.length - 1];
      x += step * Math.cos(angle);
      y += step * Math.sin(angle);
    }
    if (y >= top) continue;
    stars.push([x, y]);
    if (x > 0 && x < 1 && y > 0 && y < 1) nValid++;
  }
  const out: PhyreBody[] = [];
  for (const [x, y] of stars) {
    if (x >= 0 && x <= 1 && y >= 0 && y <= 1) out.push(setAll(makeBall('static_ball', false, 0.04), { centerX: W * x, centerY: W * y }));
  }
  return out;
}

/** `build_dynamic_bar`: scale U(0.15, 0.5), centre x U(0.3, 0.6), bottom U(0.2, 0.8), then angle U(−90°, 90°). */
export function buildDynamicBar(rng: Rng): PhyreBody[] {
  const scale = rng.range(0.15, 0.5);
  const x = rng.range(0.3, 0.6);
  const y = rng.range(0.2, 0.8);
  const angle = rng.range(-90, 90);
  const b = makeBar('dynamic_bar', true, scale);
  setCenterX(b, x * W);
  setBottom(b, y * W);
  return [setAngle(b, angle)];
}

/**
 * `build_dynamic_standing_bars`: randint(1, 4) vertical bars on the floor, lengths 0.2 + 0.05·i,
 * left edges at offset + 0.15·idx (idx from −⌊n/2⌋… as Python's `-n//2`), offset U(0.45, 0.6),
 * mirrored (multiplier −0.15, offset 1 − offset) with p = 0.5.
 */
export function buildDynamicStandingBars(rng: Rng): PhyreBody[] {
  let offset = rng.range(0.45, 0.6);
  let multiplier = 0.15;
  if (rng.uniform() < 0.5) {
    multiplier = -multiplier;
    offset = 1.0 - offset;
  }
  const n = randint(rng, 1, 4);
  const start = Math.floor(-n / 2); // Python's -n//2
  const out: PhyreBody[] = [];
  for (let i = 0; i < n; i++) {
    const idx = start + i;
    out.push(setAll(makeBar('dynamic_standing_bars', true, 0.2 + 0.05 * i), { angle: 90, bottom: 0, left: (offset + multiplier * idx) * W }));
  }
  return out;
}

/** `build_static_bar`: scale U(0.2, 0.5), bottom U(0.1, 0.5), angle U(−60°, 60°), right edge U(0.3, 0.4); angle applied last. */
export function buildStaticBar(rng: Rng): PhyreBody[] {
  const scale = rng.range(0.2, 0.5);
  const y = rng.range(0.1, 0.5);
  const angle = rng.range(-60, 60);
  const x = rng.range(0.3, 0.4);
  const b = makeBar('static_bar', false, scale);
  setRight(b, x * W);
  setBottom(b, y * W);
  return [setAngle(b, angle)];
}

/** `build_dynamic_jar`: scale U(0.08, 0.3), x U(0.3, 0.6); p = 0.7 tilted (angle U(−45°, 45°)) at bottom U(0.2, 0.8), else upright on the floor. */
export function buildDynamicJar(rng: Rng): PhyreBody[] {
  const scale = rng.range(0.08, 0.3);
  const x = rng.range(0.3, 0.6);
  const y = rng.range(0.2, 0.8);
  const angle = rng.range(-45, 45);
  const b = makeJar('dynamic_jar', true, scale);
  if (rng.uniform() < 0.7) return [setAll(b, { bottom: y * W, centerX: x * W, angle })];
  return [setAll(b, { bottom: 0, centerX: x * W, angle: 0 })];
}

/** `build_dynamic_standingsticks`: scale U(0.3, 0.6), x U(0.3, 0.6); p = 0.3 upright on the floor, else bottom U(0.2, 0.5), angle U(−90°, 90°). */
export function buildDynamicStandingSticks(rng: Rng): PhyreBody[] {
  const scale = rng.range(0.3, 0.6);
  const x = rng.range(0.3, 0.6);
  const y = rng.range(0.2, 0.5);
  const angle = rng.range(-90, 90);
  const b = makeStandingSticks('dynamic_standingsticks', true, scale);
  if (rng.uniform() < 0.3) return [setAll(b, { bottom: 0, centerX: x * W })];
  return [setAll(b, { bottom: y * W, centerX: x * W, angle })];
}

/** Builds the bodies of one object type. */
export function buildObject(type: ObjectType, rng: Rng): PhyreBody[] {
  switch (type) {
    case 'dynamic_ball_1':
    case 'dynamic_ball_2':
      return buildDynamicBall(rng, type);
    case 'static_ball':
      return buildStaticBalls(rng);
    case 'dynamic_bar':
      return buildDynamicBar(rng);
    case 'dynamic_standing_bars':
      return buildDynamicStandingBars(rng);
    case 'static_bar':
      return buildStaticBar(rng);
    case 'dynamic_jar':
      return buildDynamicJar(rng);
    case 'dynamic_standingsticks':
      return buildDynamicStandingSticks(rng);
  }
}
