/**
 * Planted violations for validating the abnormal detector: a clean simulated PHYRE video is
 * re-rendered with one physical law broken from a frame k on (k drawn in [3, T − 4]), one kind
 * at a time, seeded per (kind, index):
 * - `vanished`: one body stops being drawn;
 * - `appeared`: a copy of a body appears at a free spot and stays there;
 * - `size-change`: a dynamic body (or the red ball) is scaled by 0.55–0.75 or 1.35–1.6;
 * - `static-moved`: a static body shifts by 8–20% of the scene;
 * - `interpenetration`: a dynamic body sinks 70% of the way into its nearest body within two
 *   frames and then moves with it;
 * - `teleport`: a dynamic body jumps by 25–40% of the scene and carries on from there.
 * The object to break is drawn among the video's objects (template object types and the red
 * ball), then a body of it, so scenes with many static balls are not dominated by them.
 */
import { hashKey, Rng } from '../rng/rng';
import { AbnormalKind } from './abnormal';
import { PhyreVideo } from '../sim/phyre/video';
import { PHYRE_STATE_DIM, PhyreBodyInfo } from '../sim/phyre/simulate';
import { SCENE_SIZE, Shape, worldShapes } from '../sim/phyre/bodies';
import { DrawItem, drawItems, whiteFrames } from '../render/polygons';
import { WAD_COLORS } from '../render/wad-palette';
import { shapeGap } from '../sim/phyre/geometry';

/** A pose per body per frame, editable. */
interface Pose {
  x: number;
  y: number;
  angle: number;
  visible: boolean;
  shapes: Shape[];
}

export interface PlantedVideo {
  kind: AbnormalKind;
  /** First frame that breaks the law. */
  frame: number;
  /** Index of the body that breaks it (in the trajectory's body order). */
  body: number;
  detail: string;
  frames: Uint8Array;
}

function poses(v: PhyreVideo): Pose[][] {
  const { traj } = v;
  const n = traj.bodies.length;
  const out: Pose[][] = [];
  for (let t = 0; t < traj.frames; t++) {
    const row: Pose[] = [];
    for (let j = 0; j < n; j++) {
      const o = (t * n + j) * PHYRE_STATE_DIM;
      row.push({ x: traj.states[o], y: traj.states[o + 1], angle: traj.states[o + 2], visible: true, shapes: traj.bodies[j].shapes });
    }
    out.push(row);
  }
  return out;
}

function scaleShapes(shapes: ReadonlyArray<Shape>, s: number): Shape[] {
  return shapes.map((sh) => (sh.kind === 'circle' ? { kind: 'circle', radius: sh.radius * s } : { kind: 'polygon', vertices: sh.vertices.map(([x, y]) => [x * s, y * s] as [number, number]) }));
}

/** Picks an object (group of bodies with the same `object` name) then one of its bodies. */
function pickBody(bodies: ReadonlyArray<PhyreBodyInfo>, rng: Rng, filter: (b: PhyreBodyInfo) => boolean): number {
  const groups = new Map<string, number[]>();
  bodies.forEach((b, j) => {
    if (!filter(b)) return;
    if (!groups.has(b.object)) groups.set(b.object, []);
    groups.get(b.object)!.push(j);
  });
  const keys = [...groups.keys()];
  if (keys.length === 0) return -1;
  return rng.choice(groups.get(rng.choice(keys))!);
}

/** Renders edited poses with the video's colours (and extra items per frame). */
function renderPoses(v: PhyreVideo, ps: Pose[][], extra: Array<DrawItem | null>): Uint8Array {
  const { size, supersample } = v.cfg;
  const buf = whiteFrames(ps.length, size);
  ps.forEach((row, t) => {
    const items: DrawItem[] = [];
    row.forEach((p, j) => {
      if (p.visible) items.push({ shapes: worldShapes(p), color: WAD_COLORS[v.traj.bodies[j].color] });
    });
    if (extra[t]) items.push(extra[t]!);
    drawItems(buf, t * size * size * 3, size, SCENE_SIZE, items, supersample);
  });
  return buf;
}

/**
 * A point at distance U(lo, hi)·W from (x, y) in a random direction, inside [m, 1 − m]·W: the
 * direction is redrawn (up to 50 times) until the point fits, then the point is clamped.
 */
function jumpTarget(rng: Rng, x: number, y: number, lo: number, hi: number, m: number): [number, number] {
  const W = SCENE_SIZE;
  const len = rng.range(lo, hi) * W;
  let nx = x;
  let ny = y;
  for (let a = 0; a < 50; a++) {
    const ang = rng.range(0, 2 * Math.PI);
    nx = x + len * Math.cos(ang);
    ny = y + len * Math.sin(ang);
    if (nx >= m * W && nx <= (1 - m) * W && ny >= m * W && ny <= (1 - m) * W) break;
  }
  return [Math.min((1 - m) * W, Math.max(m * W, nx)), Math.min((1 - m) * W, Math.max(m * W, ny))];
}

/** Whether a planted violation of `kind` is possible in this video. */
export function canPlant(v: PhyreVideo, kind: AbnormalKind): boolean {
  if (kind === 'static-moved') return v.traj.bodies.some((b) => !b.dynamic);
  return true;
}

/** Plants one violation of `kind` into video `v`; deterministic in (kind, index, video). */
export function plantViolation(v: PhyreVideo, kind: AbnormalKind, index: number): PlantedVideo {
  const rng = new Rng(hashKey('plant', kind, index, v.name));
  const T = v.traj.frames;
  if (T < 8) throw new Error(`plantViolation: needs at least 8 frames, got ${T}`);
  const k = 3 + rng.int(T - 6);
  const ps = poses(v);
  const extra: Array<DrawItem | null> = Array(T).fill(null);
  const bodies = v.traj.bodies;
  let body = -1;
  let detail = '';
  const W = SCENE_SIZE;
  if (kind === 'vanished') {
    body = pickBody(bodies, rng, () => true);
    for (let t = k; t < T; t++) ps[t][body].visible = false;
    detail = `${bodies[body].object} removed`;
  } else if (kind === 'appeared') {
    body = pickBody(bodies, rng, () => true);
    const src = ps[k][body];
    let best: Pose | null = null;
    for (let a = 0; a < 60 && !best; a++) {
      const cand: Pose = { x: rng.range(0.15, 0.85) * W, y: rng.range(0.15, 0.85) * W, angle: rng.range(0, 2 * Math.PI), visible: true, shapes: src.shapes };
      const cs = worldShapes(cand);
      const free = ps[k].every((p) => worldShapes(p).every((s) => cs.every((c) => shapeGap(s, c) > 2)));
      if (free) best = cand;
    }
    const pose = best ?? { ...src, x: W - src.x, y: Math.min(0.85 * W, src.y + 0.3 * W) };
    for (let t = k; t < T; t++) extra[t] = { shapes: worldShapes(pose), color: WAD_COLORS[bodies[body].color] };
    detail = `copy of ${bodies[body].object} at (${(pose.x / W).toFixed(2)}, ${(pose.y / W).toFixed(2)})`;
  } else if (kind === 'size-change') {
    body = pickBody(bodies, rng, (b) => b.dynamic);
    const s = rng.bernoulli(0.5) ? rng.range(0.55, 0.75) : rng.range(1.35, 1.6);
    for (let t = k; t < T; t++) ps[t][body].shapes = scaleShapes(ps[t][body].shapes, s);
    detail = `${bodies[body].object} scaled ×${s.toFixed(2)}`;
  } else if (kind === 'static-moved') {
    body = pickBody(bodies, rng, (b) => !b.dynamic);
    if (body < 0) throw new Error(`plantViolation: ${v.name} has no static body`);
    const p0 = ps[k][body];
    const [nx, ny] = jumpTarget(rng, p0.x, p0.y, 0.08, 0.2, 0.08);
    const [x0, y0] = [p0.x, p0.y];
    for (let t = k; t < T; t++) {
      ps[t][body].x = nx;
      ps[t][body].y = ny;
    }
    detail = `${bodies[body].object} moved by (${((nx - x0) / W).toFixed(2)}, ${((ny - y0) / W).toFixed(2)})`;
  } else if (kind === 'interpenetration') {
    body = pickBody(bodies, rng, (b) => b.dynamic);
    const a = ps[k][body];
    let other = -1;
    ps[k].forEach((p, j) => {
      if (j !== body && (other < 0 || Math.hypot(p.x - a.x, p.y - a.y) < Math.hypot(ps[k][other].x - a.x, ps[k][other].y - a.y))) other = j;
    });
    const off = [a.x - ps[k][other].x, a.y - ps[k][other].y];
    for (let t = k; t < T; t++) {
      const lam = t === k ? 0.35 : 0.7;
      const b = ps[t][other];
      const own = ps[t][body];
      const tx = b.x + off[0] * (1 - 0.7);
      const ty = b.y + off[1] * (1 - 0.7);
      own.x = t === k ? own.x + lam * (tx - own.x) : tx;
      own.y = t === k ? own.y + lam * (ty - own.y) : ty;
    }
    detail = `${bodies[body].object} sinks into ${bodies[other].object}`;
  } else {
    body = pickBody(bodies, rng, (b) => b.dynamic);
    const p0 = ps[k][body];
    const [nx, ny] = jumpTarget(rng, p0.x, p0.y, 0.25, 0.4, 0.1);
    const dx = nx - p0.x;
    const dy = ny - p0.y;
    for (let t = k; t < T; t++) {
      ps[t][body].x += dx;
      ps[t][body].y += dy;
    }
    detail = `${bodies[body].object} jumps by (${(dx / W).toFixed(2)}, ${(dy / W).toFixed(2)})`;
  }
  return { kind, frame: k, body, detail, frames: renderPoses(v, ps, extra) };
}
