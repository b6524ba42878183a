import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { defaultDatasetConfig } from '../../lib/data/dataset-config';
import { createVideoMaker, makeVideo, sampleStates } from '../../lib/data/make-video';
import { ConfigError } from '../../lib/config/profile';

const sum = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};
const sha = (a: Uint8Array) => createHash('sha256').update(a).digest('hex').slice(0, 16);

describe('data/make-video', () => {
  it('golden numbers: video 3 of the seeded smoke datasets (seed 1)', () => {
    // Pinned: any change to simulator, renderer or samplers shows up here (then bump DATA_VERSION).
    const got = (['uniform', 'collision', 'parabola'] as const).map((s) => {
      const v = makeVideo(defaultDatasetConfig('smoke', s, 'train'), 1, 3);
      return [s, sum(v.frames), Number(sum(v.states).toFixed(3))];
    });
    assert.deepEqual(got, [
      ['uniform', 1552860, 138.83],
      ['collision', 1510010, 75.275],
      ['parabola', 1551525, 131.544],
    ]);
  });

  it('is a pure function of (config, seed, index): same bytes in any order, different seeds differ', () => {
    const cfg = { ...defaultDatasetConfig('quick', 'collision', 'id'), count: 20 };
    const a = makeVideo(cfg, 5, 7);
    for (let i = 0; i < 7; i++) makeVideo(cfg, 5, i);
    const fresh = createVideoMaker(cfg, 5).make(7);
    assert.equal(sha(a.frames), sha(fresh.frames));
    assert.deepEqual(Array.from(a.states), Array.from(fresh.states));
    assert.notEqual(sha(makeVideo(cfg, 6, 7).frames), sha(a.frames));
    assert.notEqual(sha(makeVideo(cfg, 5, 8).frames), sha(a.frames));
  });

  it('returns (T, H, W, 3) frames, per-frame states of every object and the scenario parameters', () => {
    const cfg = { ...defaultDatasetConfig('quick', 'collision', 'train'), count: 10, frames: 12, size: 24 };
    const v = makeVideo(cfg, 1, 4);
    assert.deepEqual(v.frameShape, [12, 24, 24, 3]);
    assert.equal(v.frames.length, 12 * 24 * 24 * 3);
    assert.equal(v.states.length, 12 * 2 * 4);
    const st = sampleStates(v);
    assert.equal(st.length, 12);
    assert.deepEqual(Object.keys(st[0][1]).sort(), ['color', 'radius', 'shape', 'vx', 'vy', 'x', 'y']);
    assert.deepEqual([st[0][0].color, st[0][1].color], ['red', 'blue']);
    assert.equal(st[0][0].radius, v.params.scene.objects[0].radius);
    assert.ok(st[0][0].vx > 0 && st[0][1].vx < 0, 'red moves right, blue left');
    assert.ok(v.placementOk);
  });

  it('maker.batch streams (B, T, H, W, 3) without a cache', () => {
    const cfg = { ...defaultDatasetConfig('smoke', 'parabola', 'id'), count: 10 };
    const m = createVideoMaker(cfg, 2);
    const b = m.batch([9, 2]);
    const vb = 8 * 16 * 16 * 3;
    assert.equal(b.length, 2 * vb);
    assert.deepEqual(Buffer.from(b.subarray(vb)), Buffer.from(makeVideo(cfg, 2, 2).frames));
  });

  it('index outside the dataset and bad configs are ConfigErrors', () => {
    const cfg = { ...defaultDatasetConfig('smoke'), count: 4 };
    assert.throws(() => makeVideo(cfg, 1, 4), (e: Error) => e instanceof ConfigError && /video index must be an integer in \[0, 3\], got 4/.test(e.message));
    assert.throws(() => makeVideo({ ...cfg, frames: 0 }, 1, 0), (e: Error) => e instanceof ConfigError && /frames/.test(e.message));
  });
});
