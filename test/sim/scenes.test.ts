import { strict as assert } from 'node:assert';
import { collisionFeasible, defaultTiming, parseScenario, placeScene, SceneParams } from '../../lib/sim/scenes';
import { simulate } from '../../lib/sim/simulate';
import { Rng } from '../../lib/rng/rng';
import { ConfigError } from '../../lib/config/profile';

const obj = (radius: number, speed: number, color = 'red') => ({ radius, speed, color, shape: 'circle' as const });

describe('sim/scenes', () => {
  it('defaultTiming reproduces the paper at 32 frames and scales to short clips', () => {
    assert.deepEqual(defaultTiming(32), { frames: 32, minVisibleFrames: 24, contactFrames: [8, 24], frameDt: 0.1 });
    assert.deepEqual(defaultTiming(8), { frames: 8, minVisibleFrames: 6, contactFrames: [3, 6], frameDt: 0.1 });
    assert.equal(defaultTiming(8, 0.3).frameDt, 0.3);
  });

  it('uniform: starts inside the world, moves right at v, and stays in view for minVisibleFrames', () => {
    const timing = defaultTiming(32);
    const rng = new Rng(3);
    for (let k = 0; k < 200; k++) {
      const r = rng.range(0.7, 1.4);
      const v = rng.range(1, 4);
      const p = placeScene({ scenario: 'uniform', objects: [obj(r, v)], direction: 1 }, timing, rng);
      const b = p.scene.bodies[0];
      assert.ok(b.x >= r && b.y >= r + 0.5 - 1e-12 && b.y <= 9.5 - r + 1e-12, `start (${b.x}, ${b.y}) r=${r}`);
      assert.equal(b.vx, v);
      assert.equal(p.scene.gravityY, 0);
      if (24 * v * 0.1 + 2 * r <= 10) assert.ok(b.x + r + 24 * v * 0.1 <= 10 + 1e-9, 'in view for 24 frames');
    }
  });

  it('parabola: starts near the top with gravity −2.5', () => {
    const p = placeScene({ scenario: 'parabola', objects: [obj(1, 2)], direction: 1 }, defaultTiming(32), new Rng(1));
    const b = p.scene.bodies[0];
    assert.ok(b.y >= 9.5 - 1 - 1 && b.y <= 9.5 - 1, `y0 ${b.y}`);
    assert.equal(p.scene.gravityY, -2.5);
  });

  it('collision: contact happens between contactFrames[0] and contactFrames[1] for feasible parameters', () => {
    const timing = defaultTiming(32);
    const rng = new Rng(5);
    let checked = 0;
    for (let k = 0; k < 60; k++) {
      const [r1, r2, v1, v2] = [rng.range(0.5, 1.5), rng.range(0.5, 1.5), rng.range(1, 4), rng.range(1, 4)];
      if (!collisionFeasible(r1, r2, v1, v2, timing)) continue;
      const p = placeScene({ scenario: 'collision', objects: [obj(r1, v1), obj(r2, v2, 'blue')], direction: 1 }, timing, rng);
      assert.ok(p.ok);
      const [a, b] = p.scene.bodies;
      assert.equal(a.y, b.y);
      assert.ok(a.x < b.x && a.vx > 0 && b.vx < 0 && a.x >= r1 && b.x <= 10 - r2 + 1e-12);
      const tr = simulate(p.scene, 32);
      let contact = -1;
      for (let t = 0; t < 32 && contact < 0; t++) if (Math.abs(tr.states[t * 8 + 2] - v1) > 1e-3) contact = t;
      assert.ok(contact >= timing.contactFrames[0] && contact <= timing.contactFrames[1] + 1, `contact at frame ${contact} for r=(${r1}, ${r2}) v=(${v1}, ${v2})`);
      checked++;
    }
    assert.ok(checked > 20);
  });

  it('collisionFeasible follows the code: fast large balls cannot collide late enough in 10 units', () => {
    const t = defaultTiming(32);
    assert.equal(collisionFeasible(0.5, 0.5, 1, 1, t), true);
    assert.equal(collisionFeasible(1.5, 1.5, 4, 4, t), false);
  });

  it('direction −1 mirrors the scene', () => {
    const params: SceneParams = { scenario: 'uniform', objects: [obj(1, 2)], direction: 1 };
    const a = placeScene(params, defaultTiming(32), new Rng(9)).scene.bodies[0];
    const b = placeScene({ ...params, direction: -1 }, defaultTiming(32), new Rng(9)).scene.bodies[0];
    assert.equal(b.x, 10 - a.x);
    assert.equal(b.vx, -a.vx);
    assert.equal(b.y, a.y);
  });

  it('unknown scenarios are ConfigErrors listing the allowed ones', () => {
    assert.throws(() => parseScenario('pendulum'), (e: Error) => e instanceof ConfigError && /unknown scenario 'pendulum'; allowed: uniform, collision, parabola/.test(e.message));
  });
});
