import { strict as assert } from 'node:assert';
import { defaultDatasetConfig, makeVideo } from '../../lib/data/index';
import { defaultReaderOptions, radiusFromArea, readAttributes, shapeArea } from '../../lib/metrics/attribute-readers';
import { ALL_R, ALL_V, comboClasses } from '../../lib/experiments/attribute-priority/pairs';

describe('metrics/attribute-readers', () => {
  it('radiusFromArea inverts shapeArea for every shape', () => {
    for (const s of ['circle', 'square', 'ring'] as const) assert.ok(Math.abs(radiusFromArea(s, shapeArea(s, 1.23)) - 1.23) < 1e-12);
  });

  it('reads colour, shape, size and velocity of ground-truth clips at 32 px (paper radii 0.7–1.4)', () => {
    const cfg = {
      ...defaultDatasetConfig('quick', 'uniform', 'id'), frames: 8, size: 32, count: 60, frameStride: 30, sampling: 'random' as const,
      classes: comboClasses([
        { color: 'red', shape: 'circle', radius: ALL_R, velocity: ALL_V },
        { color: 'blue', shape: 'square', radius: ALL_R, velocity: ALL_V },
        { color: 'red', shape: 'ring', radius: ALL_R, velocity: ALL_V },
        { color: 'blue', shape: 'ring', radius: ALL_R, velocity: ALL_V },
      ]),
    };
    let maxSize = 0;
    let maxV = 0;
    for (let i = 0; i < cfg.count; i++) {
      const v = makeVideo(cfg, 3, i);
      const o = v.objects[0];
      const r = readAttributes(v.frames, v.frameShape, defaultReaderOptions(v.frameDt, 3));
      assert.equal(r.color, o.color, `video ${i} colour`);
      assert.equal(r.shape, o.shape, `video ${i} shape (r ${o.radius.toFixed(3)})`);
      maxSize = Math.max(maxSize, Math.abs(r.size! - o.radius));
      maxV = Math.max(maxV, Math.abs(r.velocity! - v.states[2]));
    }
    assert.ok(maxSize < 0.05, `size error ${maxSize}`);
    assert.ok(maxV < 0.1, `velocity error ${maxV}`);
  });

  it('a blank clip reads as nothing', () => {
    const r = readAttributes(new Uint8Array(4 * 16 * 16 * 3).fill(255), [4, 16, 16, 3], defaultReaderOptions(0.1));
    assert.deepEqual([r.color, r.shape, r.size, r.velocity, r.frames], [null, null, null, null, 0]);
  });
});
