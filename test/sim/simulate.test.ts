import { strict as assert } from 'node:assert';
import { simulate } from '../../lib/sim/simulate';
import { box2dHeapBytes, getBox2D } from '../../lib/sim/box2d';
import { elasticCollision1D, frameTime } from '../../lib/sim/analytic';
import { BodySpec, SceneSpec } from '../../lib/sim/types';
import { ConfigError } from '../../lib/config/profile';
import { PARABOLA_GRAVITY } from '../../lib/sim/constants';

const ball = (x: number, y: number, vx: number, vy: number, radius: number, color = 'red'): BodySpec => ({ x, y, vx, vy, radius, shape: 'circle', color });

/** Least-squares polynomial fit (degree 1 or 2) of ys on ts; returns coefficients [c0, c1, (c2)]. */
function polyfit(ts: number[], ys: number[], degree: 1 | 2): number[] {
  const m = degree + 1;
  const A = Array.from({ length: m }, () => new Array(m + 1).fill(0));
  ts.forEach((t, i) => {
    const pw = Array.from({ length: m }, (_, k) => t ** k);
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) A[r][c] += pw[r] * pw[c];
      A[r][m] += pw[r] * ys[i];
    }
  });
  for (let c = 0; c < m; c++) {
    for (let r = c + 1; r < m; r++) {
      const f = A[r][c] / A[c][c];
      for (let k = c; k <= m; k++) A[r][k] -= f * A[c][k];
    }
  }
  const x = new Array(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    let s = A[r][m];
    for (let k = r + 1; k < m; k++) s -= A[r][k] * x[k];
    x[r] = s / A[r][r];
  }
  return x;
}

/** Run a head-on collision long enough to finish; return initial and final velocities. */
function collide(r1: number, r2: number, v1: number, v2: number, threshold?: number) {
  const gap = r1 + r2 + 0.3;
  const scene: SceneSpec = { gravityY: 0, bodies: [ball(3, 5, v1, 0, r1), ball(3 + gap, 5, -v2, 0, r2, 'blue')] };
  const frames = Math.ceil(0.3 / Math.max(v1 + v2, 1e-3) / 0.1) + 12;
  const tr = simulate(scene, frames, threshold === undefined ? {} : { restitutionThreshold: threshold });
  const last = (frames - 1) * 2 * 4;
  return { w1: tr.states[last + 2], w2: tr.states[last + 6], states: tr.states, frames };
}

describe('sim/simulate', () => {
  it('uniform motion: x is linear in t with slope v, y and the velocity stay constant', () => {
    const tr = simulate({ gravityY: 0, bodies: [ball(1.2, 4.4, 2.7, 0, 0.9)] }, 32);
    const ts = Array.from({ length: 32 }, (_, k) => frameTime(k));
    const xs = ts.map((_, k) => tr.states[k * 4]);
    const [x0, v] = polyfit(ts, xs, 1);
    assert.ok(Math.abs(v - 2.7) < 1e-4, `slope ${v}`);
    assert.ok(Math.abs(x0 - 1.2) < 1e-4, `intercept ${x0}`);
    ts.forEach((t, k) => {
      assert.ok(Math.abs(xs[k] - (1.2 + 2.7 * t)) < 1e-4, `x at frame ${k}`);
      assert.equal(tr.states[k * 4 + 1], Math.fround(4.4));
      assert.equal(tr.states[k * 4 + 2], Math.fround(2.7));
      assert.equal(tr.states[k * 4 + 3], 0);
    });
  });

  it('frame k is the state after k·10 + 1 steps of 0.01 s', () => {
    const tr = simulate({ gravityY: 0, bodies: [ball(0, 5, 1, 0, 1)] }, 4);
    assert.deepEqual(Array.from({ length: 4 }, (_, k) => Number(tr.states[k * 4].toFixed(5))), [0.01, 0.11, 0.21, 0.31]);
  });

  it('parabola: y is quadratic in t with g = −2.5 (within 1%), x uniform', () => {
    const tr = simulate({ gravityY: PARABOLA_GRAVITY, bodies: [ball(1, 8.5, 1.5, 0, 0.8)] }, 32);
    const ts = Array.from({ length: 32 }, (_, k) => frameTime(k));
    const ys = ts.map((_, k) => tr.states[k * 4 + 1]);
    const [, , c2] = polyfit(ts, ys, 2);
    const g = 2 * c2;
    assert.ok(Math.abs(g - PARABOLA_GRAVITY) < 0.01 * 2.5, `fitted g = ${g}`);
    const [, vx] = polyfit(ts, ts.map((_, k) => tr.states[k * 4]), 1);
    assert.ok(Math.abs(vx - 1.5) < 1e-4, `vx = ${vx}`);
  });

  const cases: Array<[number, number, number, number]> = [
    [0.8, 1.2, 2, 3],
    [1.5, 0.5, 4, 1],
    [0.5, 1.5, 1, 4],
    [1, 1, 2.5, 2.5],
    [0.7, 1.3, 0.3, 0.2], // slow: relative speed 0.5 < Box2D's default threshold 1
    [1.2, 0.6, 0.05, 0.5],
    [0.9, 0.9, 0.02, 0.03], // relative speed 0.05
    [0.4, 1.9, 0.6, 0.1],
  ];
  for (const [r1, r2, v1, v2] of cases) {
    it(`collision r=(${r1}, ${r2}) v=(${v1}, −${v2}): momentum and energy (m ∝ r²) conserved and velocities match the 1-D elastic formula within 1%`, () => {
      const { w1, w2 } = collide(r1, r2, v1, v2);
      const m1 = r1 * r1;
      const m2 = r2 * r2;
      const p0 = m1 * v1 - m2 * v2;
      const e0 = 0.5 * (m1 * v1 * v1 + m2 * v2 * v2);
      const p1 = m1 * w1 + m2 * w2;
      const e1 = 0.5 * (m1 * w1 * w1 + m2 * w2 * w2);
      const scale = m1 * Math.abs(v1) + m2 * Math.abs(v2);
      assert.ok(Math.abs(p1 - p0) <= 0.01 * scale, `momentum ${p0} → ${p1}`);
      assert.ok(Math.abs(e1 - e0) <= 0.01 * e0, `energy ${e0} → ${e1}`);
      const [a1, a2] = elasticCollision1D(m1, v1, m2, -v2);
      const vs = Math.abs(v1) + Math.abs(v2);
      assert.ok(Math.abs(w1 - a1) <= 0.01 * vs, `ball 1: ${w1} vs analytic ${a1}`);
      assert.ok(Math.abs(w2 - a2) <= 0.01 * vs, `ball 2: ${w2} vs analytic ${a2}`);
    });
  }

  it('the restitution threshold matters: with Box2D\'s default (1 u/s) a slow collision is inelastic', () => {
    const slow = collide(1, 1, 0.3, 0.2, 1.0);
    const e0 = 0.5 * (0.3 ** 2 + 0.2 ** 2);
    const e1 = 0.5 * (slow.w1 ** 2 + slow.w2 ** 2);
    assert.ok(e1 < 0.5 * e0, `expected energy loss without the patch, got ${e0} → ${e1}`);
    const fixed = collide(1, 1, 0.3, 0.2);
    assert.ok(Math.abs(fixed.w1 - -0.2) < 1e-3 && Math.abs(fixed.w2 - 0.3) < 1e-3, 'equal masses swap velocities');
  });

  it('is deterministic: the same scene gives identical bytes', () => {
    const scene: SceneSpec = { gravityY: 0, bodies: [ball(2, 5, 3, 0, 0.7), ball(7, 5, -1.5, 0, 1.1, 'blue')] };
    const a = simulate(scene, 32).states;
    simulate({ gravityY: -2.5, bodies: [ball(1, 8, 2, 0, 1)] }, 10); // unrelated work in between
    const b = simulate(scene, 32).states;
    assert.deepEqual(Buffer.from(a.buffer), Buffer.from(b.buffer));
  });

  it('rejects bad parameters with ConfigErrors naming the field and range', () => {
    const ok = ball(5, 5, 1, 0, 1);
    assert.throws(() => simulate({ gravityY: 0, bodies: [{ ...ok, radius: -0.5 }] }, 8), (e: Error) => e instanceof ConfigError && /bodies\[0\]\.radius must be in \(0, 5\]/.test(e.message) && /-0\.5/.test(e.message));
    assert.throws(() => simulate({ gravityY: 0, bodies: [ok] }, 0), (e: Error) => e instanceof ConfigError && /frames must be an integer in \[1, 1024\], got 0/.test(e.message));
    assert.throws(() => simulate({ gravityY: 0, bodies: [{ ...ok, x: NaN }] }, 8), (e: Error) => e instanceof ConfigError && /bodies\[0\]\.x/.test(e.message));
    assert.throws(() => simulate({ gravityY: 0, bodies: [] }, 8), ConfigError);
  });

  it('frees what it allocates: 3000 simulations do not grow the wasm heap or the wrapper caches', () => {
    const B = getBox2D();
    const scene: SceneSpec = { gravityY: 0, bodies: [ball(2, 5, 3, 0, 0.7), ball(7, 5, -1.5, 0, 1.1, 'blue')] };
    for (let i = 0; i < 200; i++) simulate(scene, 8);
    const heap = box2dHeapBytes();
    const caches = () => ['b2Vec2', 'b2Body', 'b2Fixture', 'b2World', 'b2BodyDef', 'b2FixtureDef', 'b2CircleShape'].reduce((s, k) => s + Object.keys(B.getCache((B as unknown as Record<string, typeof Box2D.WrapperObject>)[k])).length, 0);
    const c0 = caches();
    for (let i = 0; i < 3000; i++) simulate(scene, 8);
    assert.equal(box2dHeapBytes(), heap, 'wasm heap grew');
    assert.ok(caches() <= c0 + 8, `wrapper caches grew from ${c0} to ${caches()}`);
  });
});
