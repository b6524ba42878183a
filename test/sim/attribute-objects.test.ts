import { strict as assert } from 'node:assert';
import { simulate } from '../../lib/sim/simulate';
import { renderFrames } from '../../lib/render/raster';
import { shapeArea } from '../../lib/metrics/attribute-readers';
import { RING_INNER, SHAPES, Shape } from '../../lib/sim/types';
import { WORLD_SIZE } from '../../lib/sim/constants';

describe('sim + render: objects with attributes (disc, square, ring)', () => {
  it('every shape moves uniformly (no gravity, no friction): x linear in t, velocity constant', () => {
    for (const shape of SHAPES) {
      const traj = simulate({ gravityY: 0, bodies: [{ x: 2, y: 5, vx: 2.7, vy: 0, radius: 0.9, shape, color: 'blue' }] }, 20, { stride: 10 });
      for (let t = 0; t < 20; t++) {
        const x = traj.states[t * 4];
        // frame t is the state after 10t + 1 steps of 0.01 s
        assert.ok(Math.abs(x - (2 + 2.7 * (10 * t + 1) * 0.01)) < 1e-4, `${shape} x(${t}) = ${x}`);
        assert.ok(Math.abs(traj.states[t * 4 + 1] - 5) < 1e-6);
        assert.ok(Math.abs(traj.states[t * 4 + 2] - 2.7) < 1e-5);
      }
    }
  });

  it('rendered coverage area matches each shape area (128 px, within 2%: the square per-axis coverage is quantised to 1/S px), the ring has a hole', () => {
    const size = 128;
    const px = WORLD_SIZE / (size - 1);
    for (const shape of ['circle', 'square', 'ring'] as Shape[]) {
      for (const r of [0.7, 1.05, 1.4]) {
        const img = renderFrames(new Float32Array([5.03, 4.97, 0, 0]), [{ shape, radius: r, color: 'red' }], 1, { size, supersample: 4 });
        let mass = 0;
        for (let p = 0; p < size * size; p++) mass += 1 - img[3 * p + 1] / 255; // red over white: G = 255·(1 − alpha)
        const area = mass * px * px;
        const want = shapeArea(shape, r);
        assert.ok(Math.abs(area / want - 1) < 0.02, `${shape} r=${r}: area ${area.toFixed(4)} vs ${want.toFixed(4)}`);
      }
    }
    const img = renderFrames(new Float32Array([5, 5, 0, 0]), [{ shape: 'ring', radius: 1.4, color: 'red' }], 1, { size, supersample: 4 });
    const at = (x: number, y: number) => img[3 * (Math.round((WORLD_SIZE - y) / px) * size + Math.round(x / px)) + 1];
    assert.equal(at(5, 5), 255, 'the centre of a ring is background');
    assert.equal(at(5 + 1.4 * (1 + RING_INNER) / 2, 5), 0, 'the band of a ring is fully covered');
  });
});
