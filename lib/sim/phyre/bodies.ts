/**
 * PHYRE bodies and their shapes, in PHYRE's scene units: a 512×512 "pixel" scene, y up, origin at
 * the bottom-left corner (phyworld combinatorial_data/src/python/phyre/creator/{constants,shapes,
 * creator}.py). A body is a pose (x, y, angle) plus convex shapes in body coordinates.
 *
 * Shape builders, as PHYRE's `ShapeBuilder.default_sizes(scale)` + `_build`:
 * - ball: radius = int(scale · 256) + 0.5 (the "+0.5 rasterisation buffer");
 * - bar: a box of width scale · 512 and height 512/50;
 * - jar: height scale · 512, width height/1.2, base 0.8·width, wall thickness
 *   log(height)/log(0.3·512)·512/50: a base box and two tilted side walls (3 convex polygons);
 * - standing sticks: two bars of width 2/3·(scale·512) and height 2/3·(512/50), rotated by ∓77.5°.
 * Placement setters follow `Body.set_left/right/top/bottom/center_x/center_y/angle`: extents are
 * those of the (rotated) vertices, circles by centre ± radius.
 */

/** Side of PHYRE's square scene in its own units ("pixels"; 512 in the paper's fork). */
export const SCENE_SIZE = 512;
/** PHYRE's Box2D scale: scene units per metre (thrift_box2d_conversion.h). */
export const PIXELS_IN_METER = 6;
/** Bar thickness: SCENE_WIDTH / 50. */
export const BAR_HEIGHT = SCENE_SIZE / 50;

export type Shape = { kind: 'circle'; radius: number } | { kind: 'polygon'; vertices: ReadonlyArray<readonly [number, number]> };

/** PHYRE's shape types (the featurised one-hot order: ball, bar, jar, standing sticks). */
export type ShapeType = 'ball' | 'bar' | 'jar' | 'standingsticks' | 'wall';
/** WAD palette roles: red = the user ball, gray = dynamic, black = static. */
export type BodyColor = 'red' | 'gray' | 'black';

export interface PhyreBody {
  /** The object type that created it (e.g. 'dynamic_jar'), 'user_ball' or '<side>-wall'. */
  object: string;
  shapeType: ShapeType;
  dynamic: boolean;
  color: BodyColor;
  /** Pose: position of the body origin (scene units) and angle (radians, counter-clockwise). */
  x: number;
  y: number;
  angle: number;
  shapes: Shape[];
  /** PHYRE's `diameter` of the body (scene units), used by the action heuristic. */
  diameter: number;
}

function box(width: number, height: number): Shape {
  // PHYRE Box._build: (w/2, h/2), (−w/2, h/2), (−w/2, −h/2), (w/2, −h/2): counter-clockwise
  const v: Array<[number, number]> = [];
  for (let i = 0; i < 4; i++) v.push([((1 - 2 * (i === 1 || i === 2 ? 1 : 0)) / 2) * width, ((1 - 2 * (i === 2 || i === 3 ? 1 : 0)) / 2) * height]);
  return { kind: 'polygon', vertices: v };
}

function newBody(object: string, shapeType: ShapeType, dynamic: boolean, shapes: Shape[], diameter: number): PhyreBody {
  return { object, shapeType, dynamic, color: dynamic ? 'gray' : 'black', x: 0, y: 0, angle: 0, shapes, diameter };
}

export function makeBall(object: string, dynamic: boolean, scale: number): PhyreBody {
  const radius = Math.trunc(scale * (SCENE_SIZE / 2)) + 0.5;
  return newBody(object, 'ball', dynamic, [{ kind: 'circle', radius }], 2 * (Math.trunc(radius) + 0.5));
}

export function makeBar(object: string, dynamic: boolean, scale: number): PhyreBody {
  const w = scale * SCENE_SIZE;
  return newBody(object, 'bar', dynamic, [box(w, BAR_HEIGHT)], Math.hypot(w, BAR_HEIGHT));
}

export function makeJar(object: string, dynamic: boolean, scale: number): PhyreBody {
  const height = scale * SCENE_SIZE;
  const width = height / 1.2;
  const thickness = (Math.log(height) / Math.log(0.3 * SCENE_SIZE)) * (SCENE_SIZE / 50);
  const baseWidth = width * 0.8;
  const base = (width - baseWidth) / 2;
  const hyp = Math.sqrt(height * height + base * base);
  const cos = base / hyp;
  const sin = height / hyp;
  const xDelta = thickness * sin;
  const xDeltaTop = thickness / sin;
  const yDelta = thickness * cos;
  const t2 = thickness / 2;
  const left: Array<[number, number]> = [
    [-width / 2, height - t2],
    [-baseWidth / 2, -t2],
    [-baseWidth / 2 + xDelta, yDelta - t2],
    [-width / 2 + xDeltaTop, height - t2],
  ];
  const right: Array<[number, number]> = [
    [width / 2, height - t2],
    [width / 2 - xDeltaTop, height - t2],
    [baseWidth / 2 - xDelta, yDelta - t2],
    [baseWidth / 2, -t2],
  ];
  const diamBase = (width - baseWidth) / 2 + baseWidth;
  return newBody(object, 'jar', dynamic, [box(baseWidth, thickness), { kind: 'polygon', vertices: left }, { kind: 'polygon', vertices: right }], Math.sqrt(diamBase * diamBase + height * height));
}

/** The angle of PHYRE's standing sticks (degrees). */
export const STICKS_ANGLE = 77.5;

export function makeStandingSticks(object: string, dynamic: boolean, scale: number): PhyreBody {
  const width = scale * SCENE_SIZE;
  const height = BAR_HEIGHT;
  const bar: Array<[number, number]> = [];
  for (let i = 0; i < 4; i++) bar.push([((1 - 2 * (i === 1 || i === 2 ? 1 : 0)) / 3) * width, ((1 - 2 * (i === 2 || i === 3 ? 1 : 0)) / 3) * height]);
  const shapes: Shape[] = [-STICKS_ANGLE, STICKS_ANGLE].map((deg) => {
    const a = (deg / 180) * Math.PI;
    const c = Math.cos(a);
    const s = Math.sin(a);
    return { kind: 'polygon', vertices: bar.map(([x, y]) => [c * x - s * y, c * y + s * x] as [number, number]) };
  });
  return newBody(object, 'standingsticks', dynamic, shapes, Math.hypot(width, height));
}

/** A static wall box (PHYRE's creator adds four, 5 units thick, just outside the scene). */
export function makeWall(side: 'bottom' | 'left' | 'top' | 'right'): PhyreBody {
  const t = 5;
  const vertical = side === 'left' || side === 'right';
  const b = newBody(`${side}-wall`, 'wall', false, [box(vertical ? t : SCENE_SIZE, vertical ? SCENE_SIZE : t)], 0);
  if (side === 'bottom') setLeft(setTop(b, 0), 0);
  else if (side === 'left') setBottom(setRight(b, 0), 0);
  else if (side === 'top') setBottom(setLeft(b, 0), SCENE_SIZE);
  else setBottom(setLeft(b, SCENE_SIZE), 0);
  return b;
}

/** The body's shapes in scene coordinates: circles as [cx, cy, r], polygons as vertex lists. */
export function worldShapes(b: Pick<PhyreBody, 'x' | 'y' | 'angle' | 'shapes'>): Array<{ kind: 'circle'; cx: number; cy: number; r: number } | { kind: 'polygon'; pts: Array<[number, number]> }> {
  const c = Math.cos(b.angle);
  const s = Math.sin(b.angle);
  return b.shapes.map((sh) => (sh.kind === 'circle' ? { kind: 'circle' as const, cx: b.x, cy: b.y, r: sh.radius } : { kind: 'polygon' as const, pts: sh.vertices.map(([x, y]) => [b.x + c * x - s * y, b.y + s * x + c * y] as [number, number]) }));
}

/** Axis-aligned extents [left, bottom, right, top] as PHYRE computes them. */
export function extents(b: PhyreBody): [number, number, number, number] {
  let l = Infinity;
  let bo = Infinity;
  let r = -Infinity;
  let t = -Infinity;
  for (const sh of worldShapes(b)) {
    if (sh.kind === 'circle') {
      l = Math.min(l, sh.cx - sh.r);
      r = Math.max(r, sh.cx + sh.r);
      bo = Math.min(bo, sh.cy - sh.r);
      t = Math.max(t, sh.cy + sh.r);
    } else {
      for (const [x, y] of sh.pts) {
        l = Math.min(l, x);
        r = Math.max(r, x);
        bo = Math.min(bo, y);
        t = Math.max(t, y);
      }
    }
  }
  return [l, bo, r, t];
}

export function setLeft(b: PhyreBody, v: number): PhyreBody {
  b.x += v - extents(b)[0];
  return b;
}
export function setRight(b: PhyreBody, v: number): PhyreBody {
  b.x += v - extents(b)[2];
  return b;
}
export function setBottom(b: PhyreBody, v: number): PhyreBody {
  b.y += v - extents(b)[1];
  return b;
}
export function setTop(b: PhyreBody, v: number): PhyreBody {
  b.y += v - extents(b)[3];
  return b;
}
/** `set_center_x`: moves the extents' centre to x. */
export function setCenterX(b: PhyreBody, v: number): PhyreBody {
  const [l, , r] = extents(b);
  return setLeft(b, v - (r - l) / 2);
}
export function setCenterY(b: PhyreBody, v: number): PhyreBody {
  const [, bo, , t] = extents(b);
  return setBottom(b, v - (t - bo) / 2);
}
export function setAngle(b: PhyreBody, degrees: number): PhyreBody {
  b.angle = (degrees / 180) * Math.PI;
  return b;
}

/** PHYRE's `Body.set(**kw)`: applies angle, left, right, top, bottom, center_x, center_y in that order. */
export function setAll(b: PhyreBody, kw: { angle?: number; left?: number; right?: number; top?: number; bottom?: number; centerX?: number; centerY?: number }): PhyreBody {
  if (kw.angle !== undefined) setAngle(b, kw.angle);
  if (kw.left !== undefined) setLeft(b, kw.left);
  if (kw.right !== undefined) setRight(b, kw.right);
  if (kw.top !== undefined) setTop(b, kw.top);
  if (kw.bottom !== undefined) setBottom(b, kw.bottom);
  if (kw.centerX !== undefined) setCenterX(b, kw.centerX);
  if (kw.centerY !== undefined) setCenterY(b, kw.centerY);
  return b;
}
