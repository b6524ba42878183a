import { strict as assert } from 'node:assert';
import { classCoverage, frameObjects } from '../../lib/metrics/object-components';
import { drawItems, whiteFrames } from '../../lib/render/polygons';
import { WAD_COLORS } from '../../lib/render/wad-palette';

function frameWith(items: Parameters<typeof drawItems>[4], size = 64): Uint8Array {
  const f = whiteFrames(1, size);
  drawItems(f, 0, size, 512, items, 4);
  return f;
}

describe('metrics/object-components', () => {
  it('classifies WAD colours and their anti-aliased blends with white', () => {
    const f = new Uint8Array([255, 255, 255, ...WAD_COLORS.red, ...WAD_COLORS.gray, 0, 0, 0, 178, 178, 178]);
    const c = classCoverage(f, 1, 5);
    assert.equal(c.red[1], 1);
    assert.equal(c.gray[2], 1);
    assert.equal(c.black[3], 1);
    // 30% black over white is black coverage 0.3, not gray
    assert.ok(Math.abs(c.black[4] - 0.302) < 0.01 && c.gray[4] === 0);
    assert.equal(c.red[0] + c.gray[0] + c.black[0], 0);
  });

  it('finds components with mass ≈ area, centroid and elongation', () => {
    const size = 64;
    const k = size / 512;
    const f = frameWith([
      { shapes: [{ kind: 'circle', cx: 128, cy: 384, r: 40 }], color: WAD_COLORS.red },
      { shapes: [{ kind: 'polygon', pts: [[300, 100], [460, 100], [460, 120], [300, 120]] }], color: WAD_COLORS.gray },
    ]);
    const fo = frameObjects(f, size, size);
    assert.equal(fo.components.length, 2);
    const ball = fo.components.find((c) => c.cls === 'red')!;
    const bar = fo.components.find((c) => c.cls === 'gray')!;
    assert.ok(Math.abs(ball.mass - Math.PI * (40 * k) ** 2) < 0.03 * ball.mass, `ball mass ${ball.mass}`);
    assert.ok(Math.abs(ball.cx - 128 * k) < 0.1 && Math.abs(ball.cy - (512 - 384) * k) < 0.1);
    assert.ok(Math.abs(bar.mass - 160 * 20 * k * k) < 0.03 * bar.mass, `bar mass ${bar.mass}`);
    assert.ok(bar.l1 > 20 * bar.l2, 'the bar is elongated');
    assert.ok(ball.l1 / ball.l2 < 1.05, 'the ball is round');
  });

  it('a moving rigid body keeps its mass (sub-pixel positions)', () => {
    const masses = [0, 0.3, 0.55, 0.8].map((dx) => frameObjects(frameWith([{ shapes: [{ kind: 'circle', cx: 200 + dx * 8, cy: 250, r: 30 }], color: WAD_COLORS.gray }], 32), 32, 32).components[0].mass);
    for (const m of masses) assert.ok(Math.abs(m - masses[0]) < 0.05 * masses[0], `masses ${masses}`);
  });
});
