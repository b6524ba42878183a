import { strict as assert } from 'node:assert';
import { makePhyreVideo, renderPhyre, videoBodies } from '../../../lib/sim/phyre/video';
import { buildTask, sceneClearance } from '../../../lib/sim/phyre/scene';
import { actionToBall, BALL_MAX_RADIUS, BALL_MIN_RADIUS, sampleUserBall, userBallRadiusRange } from '../../../lib/sim/phyre/action';
import { PHYRE_STATE_DIM } from '../../../lib/sim/phyre/simulate';
import { TEMPLATES } from '../../../lib/sim/phyre/templates';
import { WAD_COLORS } from '../../../lib/render/wad-palette';

// A spread of (template, seed, trial): every template once, small clips (CPU-frugal).
const CASES = TEMPLATES.map((_, k) => ({ template: k, seed: (k * 7) % 100, trial: (k * 13) % 1000 }));

describe('sim/phyre: scenes, user ball, simulation', function () {
  this.timeout(120000);
  const videos = CASES.map((c) => makePhyreVideo({ ...c, frames: 24, size: 32, supersample: 1 }));

  it('no dynamic body overlaps another body or leaves the scene at t = 0 (red ball included)', () => {
    for (const v of videos) assert.ok(sceneClearance(videoBodies(v.task, v.userBall)) > -1e-6, v.name);
  });

  it('each task holds the template objects, in its order', () => {
    for (const v of videos) {
      const kinds = [...new Set(v.task.bodies.map((b) => b.object))];
      assert.deepEqual(kinds, [...TEMPLATES[v.cfg.template]], v.name);
      for (const b of v.task.bodies) assert.equal(b.dynamic, b.object.startsWith('dynamic'), `${v.name} ${b.object}`);
    }
  });

  it('static bodies never move', () => {
    for (const v of videos) {
      const n = v.traj.bodies.length;
      v.traj.bodies.forEach((b, j) => {
        if (b.dynamic) return;
        for (let t = 1; t < v.traj.frames; t++) for (let c = 0; c < 3; c++) assert.equal(v.traj.states[(t * n + j) * PHYRE_STATE_DIM + c], v.traj.states[j * PHYRE_STATE_DIM + c], `${v.name} body ${j}`);
      });
    }
  });

  it("the red ball's radius lies within the original's range", () => {
    for (const v of videos) {
      const [lo, hi] = userBallRadiusRange(v.task.bodies);
      assert.ok(lo >= 0.02 - 1e-12 && hi <= 0.2 + 1e-12 && lo <= hi, v.name);
      const r = v.userBall.radius;
      assert.ok(r >= Math.round(BALL_MIN_RADIUS + 5 * lo * (BALL_MAX_RADIUS - BALL_MIN_RADIUS)) && r <= Math.round(BALL_MIN_RADIUS + 5 * hi * (BALL_MAX_RADIUS - BALL_MIN_RADIUS)), `${v.name}: r = ${r}`);
      assert.ok(r >= 8 && r <= 64, `${v.name}: r = ${r}`);
      assert.equal(v.traj.bodies[v.traj.bodies.length - 1].color, 'red');
    }
  });

  it('total mechanical energy never grows between frames beyond contact tolerance (1% of its scale)', () => {
    for (const v of videos) {
      const e = v.traj.energy;
      const scale = Math.max(...Array.from(e, Math.abs));
      for (let t = 1; t < e.length; t++) assert.ok(e[t] - e[t - 1] <= 0.01 * scale, `${v.name} frame ${t}: ${e[t - 1]} → ${e[t]}`);
    }
  });

  it('the same (template, seed, trial) gives byte-identical videos; trials differ', () => {
    const a = makePhyreVideo({ template: 23, seed: 4, trial: 9, frames: 12, size: 48 });
    const b = makePhyreVideo({ template: 23, seed: 4, trial: 9, frames: 12, size: 48 });
    assert.ok(Buffer.from(a.frames).equals(Buffer.from(b.frames)));
    assert.ok(Buffer.from(a.traj.states.buffer).equals(Buffer.from(b.traj.states.buffer)));
    const c = makePhyreVideo({ template: 23, seed: 4, trial: 10, frames: 12, size: 48 });
    assert.ok(!Buffer.from(a.frames).equals(Buffer.from(c.frames)));
    // the task (scene) depends on the seed only, not on the trial
    assert.deepEqual(a.task.bodies, c.task.bodies);
  });

  it('PHYRE occlusion check: a ball on top of a body is rejected', () => {
    const task = buildTask(5, 0);
    const b = task.bodies[0];
    assert.equal(actionToBall([b.x / 511, b.y / 511, 0.1], task.bodies), null);
    const ok = sampleUserBall(task, 0);
    assert.notEqual(actionToBall(ok.action, task.bodies), null);
  });

  it('renders the WAD palette at any size, anti-aliased', () => {
    const v = videos[23];
    for (const size of [64, 128, 200]) {
      const f = renderPhyre(v.traj, { size, supersample: 4 });
      assert.equal(f.length, v.traj.frames * size * size * 3);
      const seen = new Set<string>();
      let mixed = 0;
      for (let p = 0; p < size * size * 3; p += 3) {
        const k = `${f[p]},${f[p + 1]},${f[p + 2]}`;
        seen.add(k);
        if (![WAD_COLORS.white, WAD_COLORS.red, WAD_COLORS.gray, WAD_COLORS.black].some((c) => c.join(',') === k)) mixed++;
      }
      for (const c of [WAD_COLORS.white, WAD_COLORS.red, WAD_COLORS.gray, WAD_COLORS.black]) assert.ok(seen.has(c.join(',')), `size ${size}: ${c}`);
      assert.ok(mixed > 0, 'edge pixels are blended');
    }
  });

  it('rejects bad configs naming the parameter', () => {
    assert.throws(() => makePhyreVideo({ template: 70 }), /template must be an integer template index in \[0, 69\]/);
    assert.throws(() => makePhyreVideo({ size: 4 }), /size must be an integer number of pixels in \[8, 512\]/);
    assert.throws(() => makePhyreVideo({ trial: -1 }), /trial must be a non-negative integer/);
  });
});
