import { strict as assert } from 'node:assert';
import { defaultDatasetConfig } from '../../lib/data/dataset-config';
import { createVideoMaker, VideoSample } from '../../lib/data/make-video';
import { defaultVelocityErrorConfig, groundTruthFloor, paperGroup, summarizeErrors, validFrames, velocityError } from '../../lib/metrics/velocity-error';
import { FRAME_DT } from '../../lib/sim/constants';

const videos = (scenario: 'uniform' | 'collision' | 'parabola', size: number, frames: number, n: number, seed = 21): VideoSample[] => {
  const m = createVideoMaker({ ...defaultDatasetConfig('quick', scenario, 'id'), size, frames, count: n }, seed);
  return Array.from({ length: n }, (_, i) => m.make(i));
};

describe('metrics/velocity-error', () => {
  // Documented floors (ground-truth parse, 'mask' parser, supersample 4; see velocity-error.ts):
  // 128 px × 32 frames ≈ 0.0015 / 0.007 / 0.002, 32 px × 32 frames ≈ 0.015 / 0.06 / 0.02
  // (uniform / collision / parabola). The asserted bounds leave ~2–3× headroom for sampling.
  const floors: Array<['uniform' | 'collision' | 'parabola', number, number]> = [
    ['uniform', 128, 0.005],
    ['uniform', 32, 0.05],
    ['collision', 128, 0.02],
    ['collision', 32, 0.15],
    ['parabola', 128, 0.006],
    ['parabola', 32, 0.06],
  ];
  for (const [scenario, size, bound] of floors) {
    it(`ground-truth parse recovers the true velocity at ${size} px within the floor (${scenario} < ${bound})`, () => {
      const f = groundTruthFloor(scenario, videos(scenario, size, 32, size === 128 ? 12 : 40));
      // NaN: a collision whose balls leave the view before any post-collision step (the code's NaN too)
      assert.ok(f.nanCount <= f.n / 10, `${f.nanCount} NaN of ${f.n}`);
      assert.ok(f.error < bound, `floor ${f.error}`);
      assert.ok(f.error > 0, 'pixels quantise: the floor is not zero');
    });
  }

  it('uses the frame interval of the video: a 0.3 s stride recovers the true speed; scored as 0.1 s it is 3x off', () => {
    const m = createVideoMaker({ ...defaultDatasetConfig('quick', 'uniform', 'id'), size: 64, frames: 8, count: 6, frameStride: 30 }, 4);
    for (let i = 0; i < 6; i++) {
      const v = m.make(i);
      const right = velocityError('uniform', v.frames, v.frameShape, v);
      assert.ok(right.error < 0.05, `video ${i}: ${right.error}`);
      const asIfFast = velocityError('uniform', v.frames, v.frameShape, { states: v.states, objects: v.objects, frameDt: FRAME_DT }); // scored as 0.1 s
      assert.ok(right.steps === 0 || Math.abs(asIfFast.error - 3 * right.error) < 1e-9, 'both sides scale by the interval');
    }
  });

  it('refuses a ground truth without a positive frame interval (no silent 0.1 s default)', () => {
    const v = createVideoMaker({ ...defaultDatasetConfig('quick', 'uniform', 'id'), count: 1 }, 4).make(0);
    for (const frameDt of [0, -0.1, NaN, undefined as unknown as number]) {
      assert.throws(() => velocityError('uniform', v.frames, v.frameShape, { states: v.states, objects: v.objects, frameDt }), /frameDt must be > 0/);
    }
  });

  it('a wrong video scores far above the floor; a vanished ball costs error instead of NaN', () => {
    const [a, b] = videos('uniform', 64, 16, 2, 5);
    const right = velocityError('uniform', a.frames, a.frameShape, a);
    const wrong = velocityError('uniform', b.frames, b.frameShape, a); // another video's pixels against a's truth
    assert.ok(wrong.error > 10 * right.error + 0.05, `${wrong.error} vs ${right.error}`);
    const gone = a.frames.slice();
    gone.fill(255, 6 * 64 * 64 * 3); // ball vanishes from frame 6 on
    const vanished = velocityError('uniform', gone, a.frameShape, a);
    assert.ok(Number.isFinite(vanished.error) && vanished.error > 0.3, `vanished: ${vanished.error}`);
  });

  it('valid frames skip the 3 conditioning frames and frames where the ball leaves the view', () => {
    const [v] = videos('parabola', 32, 32, 1, 3);
    const valid = validFrames('parabola', v, 32, 3);
    assert.equal(valid[0], 3);
    const last = valid[valid.length - 1];
    const y = v.states[last * 4 + 1];
    assert.ok(y - v.objects[0].radius >= 0 && last < 31, 'the falling ball leaves before the end');
    const yNext = v.states[(last + 1) * 4 + 1];
    assert.ok(yNext - v.objects[0].radius < 0);
  });

  it('collision: finds the collision step, scores post-collision velocities, momentum and energy', () => {
    const vs = videos('collision', 128, 32, 6, 8);
    for (const v of vs) {
      const r = velocityError('collision', v.frames, v.frameShape, v);
      assert.ok(r.collisionIndex !== undefined && r.collisionIndex > 0 && r.collisionIndex < r.steps - 1, `index ${r.collisionIndex} of ${r.steps}`);
      const p = v.objects.reduce((s, o, j) => s + o.radius ** 2 * Math.abs(v.states[j * 4 + 2]), 0);
      assert.ok(r.error < 0.03 && (r.momentumError as number) < 0.06 * p && (r.preMeanVelocity as number) < 0.03, JSON.stringify({ e: r.error, m: r.momentumError, p }));
    }
    // swapping the two balls' pixels after the collision (a model that lets them pass through) is caught
    const v = vs[0];
    const fake = v.frames.slice();
    const T = 32;
    const px = 128 * 128 * 3;
    const r0 = velocityError('collision', v.frames, v.frameShape, v);
    for (let t = (r0.validFrames[0] + (r0.collisionIndex as number) + 2); t < T; t++) {
      for (let p = 0; p < px; p += 3) {
        const o = t * px + p;
        const [R, B] = [fake[o], fake[o + 2]];
        fake[o] = B;
        fake[o + 2] = R;
      }
    }
    const swapped = velocityError('collision', fake, v.frameShape, v);
    assert.ok(swapped.error > 10 * r0.error, `${swapped.error} vs ${r0.error}`);
  });

  it('summarizeErrors skips NaN and counts it', () => {
    const s = summarizeErrors([
      { error: 1, perFrame: 2, meanVelocity: 1 },
      { error: NaN, perFrame: NaN, meanVelocity: NaN },
      { error: 3, perFrame: 4, meanVelocity: 3 },
    ]);
    assert.deepEqual(s, { error: 2, perFrame: 3, meanVelocity: 2, n: 3, nanCount: 1 });
    assert.equal(defaultVelocityErrorConfig().conditionFrames, 3);
  });
});

describe('metrics/velocity-error paperGroup', () => {
  it('groups like the evaluation code (drops small balls, v = 0 apart)', () => {
    assert.equal(paperGroup('uniform', [1], [2]), 'id');
    assert.equal(paperGroup('uniform', [0.55], [2]), 'dropped');
    assert.equal(paperGroup('uniform', [1.8], [2]), 'r');
    assert.equal(paperGroup('uniform', [1], [5]), 'v');
    assert.equal(paperGroup('parabola', [1.8], [0.5]), 'rv');
    assert.equal(paperGroup('uniform', [1], [0]), 'zero');
    assert.equal(paperGroup('collision', [0.5, 1], [2, 2]), 'dropped');
    assert.equal(paperGroup('collision', [0.6, 1.5], [2, 4]), 'id');
    assert.equal(paperGroup('collision', [1.8, 1], [2, 5]), 'rv');
  });
});

describe('metrics/velocity-error: paperGroup reads the ID ranges of data/ranges.ts', () => {
  it('the bounds of ID_RANGES are ID, just outside them OOD, in every scenario', async () => {
    const { paperGroup } = await import('../../lib/metrics/velocity-error');
    const { ID_RANGES } = await import('../../lib/data/ranges');
    for (const scenario of ['uniform', 'parabola', 'collision'] as const) {
      const [[rlo, rhi]] = ID_RANGES[scenario].radius;
      const [[vlo, vhi]] = ID_RANGES[scenario].velocity;
      const n = scenario === 'collision' ? 2 : 1;
      const rs = (r: number) => Array(n).fill(r);
      assert.equal(paperGroup(scenario, rs(scenario === 'collision' ? rlo + 0.01 : rlo), rs(vlo)), 'id'); // collision r ≤ 0.5 is dropped (the paper's rule)
      assert.equal(paperGroup(scenario, rs(rhi), rs(vhi)), 'id');
      assert.equal(paperGroup(scenario, rs(rhi), rs(vhi + 0.01)), 'v');
      assert.equal(paperGroup(scenario, rs(rhi + 0.01), rs(vhi)), 'r');
    }
  });
});
