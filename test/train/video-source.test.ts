import { strict as assert } from 'node:assert';
import { SyntheticSquareSource, defaultSyntheticSquareConfig, subsetSource } from '../../lib/train/video-source';

describe('train/video-source', () => {
  it('synthetic square: shape, determinism, red square moving right', () => {
    const a = new SyntheticSquareSource(defaultSyntheticSquareConfig(), 5);
    const b = new SyntheticSquareSource(defaultSyntheticSquareConfig(), 5);
    assert.deepEqual(a.frameShape, [8, 16, 16, 3]);
    const f = a.frames(3);
    assert.equal(f.length, 8 * 16 * 16 * 3);
    assert.deepEqual(f, b.frames(3));
    assert.notDeepEqual(f, new SyntheticSquareSource(defaultSyntheticSquareConfig(), 6).frames(3));
    // red-weighted centroid x grows by the speed every frame
    const { speed } = a.params(3);
    const cx = (t: number) => {
      let s = 0, w = 0;
      for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) {
        const o = ((t * 16 + y) * 16 + x) * 3;
        const red = (255 - f[o + 1]) / 255;
        s += red * x;
        w += red;
      }
      return s / w;
    };
    for (let t = 1; t < 8; t++) assert.ok(Math.abs(cx(t) - cx(t - 1) - speed) < 0.05, `frame ${t}: Δx ${cx(t) - cx(t - 1)} vs ${speed}`);
    assert.throws(() => a.frames(64), /out of range/);
    const sub = subsetSource(a, [3, 1]);
    assert.equal(sub.count, 2);
    assert.deepEqual(sub.frames(0), f);
  });
});
