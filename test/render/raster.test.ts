import { strict as assert } from 'node:assert';
import { renderFrames, worldToPixel } from '../../lib/render/raster';
import { ObjectInfo } from '../../lib/sim/types';
import { ConfigError } from '../../lib/config/profile';

const px = (f: Uint8Array, size: number, row: number, col: number, t = 0) => Array.from(f.subarray(((t * size + row) * size + col) * 3, ((t * size + row) * size + col) * 3 + 3));
const states = (...xyvv: number[]) => Float32Array.from(xyvv);

describe('render/raster', () => {
  it('white background, a red disc at its centre, world y up (row 0 = top)', () => {
    const size = 64;
    const objs: ObjectInfo[] = [{ radius: 1, shape: 'circle', color: 'red' }];
    const f = renderFrames(states(5, 8, 0, 0), objs, 1, { size, supersample: 4 });
    assert.deepEqual(px(f, size, 0, 0), [255, 255, 255]);
    assert.deepEqual(px(f, size, size - 1, size - 1), [255, 255, 255]);
    const [c, r] = worldToPixel(5, 8, size);
    assert.ok(r < size / 2, 'high y is near the top');
    assert.deepEqual(px(f, size, Math.round(r), Math.round(c)), [255, 0, 0]);
    // nothing red in the bottom half
    for (let i = size / 2; i < size; i++) for (let j = 0; j < size; j++) assert.deepEqual(px(f, size, i, j), [255, 255, 255]);
  });

  it('supersample 1 is exactly the paper\'s formula alpha = clip((r² − d²)/(0.03 r²), 0, 1), truncated', () => {
    const size = 128;
    const objs: ObjectInfo[] = [{ radius: 1.3, shape: 'circle', color: 'blue' }];
    const x = 4.321;
    const y = 6.789;
    const f = renderFrames(states(x, y, 0, 0), objs, 1, { size, supersample: 1 });
    let rim = 0;
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const X = j / (size - 1);
        const Y = i / (size - 1); // paper grid before its vertical flip
        const d2 = (X - x / 10) ** 2 + (Y - (10 - y) / 10) ** 2;
        const r2 = (1.3 / 10) ** 2;
        const a = Math.min(1, Math.max(0, (r2 - d2) / (0.03 * r2)));
        const want = [Math.trunc((1 - a) * 255), Math.trunc((1 - a) * 255), Math.trunc((1 - a) * 255 + a * 255)];
        const got = px(f, size, i, j);
        for (let k = 0; k < 3; k++) assert.ok(Math.abs(got[k] - want[k]) <= 1, `pixel (${i}, ${j}) ${got} vs ${want}`);
        if (a > 0 && a < 1) rim++;
      }
    }
    assert.ok(rim > 0, 'the soft rim exists');
  });

  it('supersampling anti-aliases: sub-pixel motion changes edge pixels smoothly', () => {
    const size = 16;
    const objs: ObjectInfo[] = [{ radius: 1, shape: 'circle', color: 'red' }];
    const sum = (f: Uint8Array) => f.reduce((a, b) => a + b, 0);
    const a = renderFrames(states(5.13, 4.71, 0, 0), objs, 1, { size, supersample: 4 });
    const b = renderFrames(states(5.15, 4.71, 0, 0), objs, 1, { size, supersample: 4 });
    const point = renderFrames(states(5.13, 4.71, 0, 0), objs, 1, { size, supersample: 1 });
    const point2 = renderFrames(states(5.15, 4.71, 0, 0), objs, 1, { size, supersample: 1 });
    assert.deepEqual(Array.from(point), Array.from(point2), 'point sampling cannot see a 0.03-pixel move');
    assert.notDeepEqual(Array.from(a), Array.from(b));
    const levels = new Set<number>();
    for (let p = 0; p < size * size; p++) levels.add(a[p * 3 + 1]);
    assert.ok(levels.size > 3, `edge pixels take intermediate values (${levels.size} levels)`);
    assert.ok(Math.abs(sum(a) - sum(b)) < 255 * 3, 'the drawn area is the same');
  });

  it('squares are hard-edged (half-side r) at supersample 1 and drawn over earlier objects', () => {
    const size = 32;
    const objs: ObjectInfo[] = [
      { radius: 2, shape: 'square', color: 'blue' },
      { radius: 1, shape: 'square', color: 'red' },
    ];
    const f = renderFrames(states(5, 5, 0, 0, 5, 5, 0, 0), objs, 1, { size, supersample: 1 });
    const colours = new Set<string>();
    let blue = 0;
    for (let p = 0; p < size * size; p++) {
      colours.add(Array.from(f.subarray(p * 3, p * 3 + 3)).join(','));
      if (f[p * 3] === 0 && f[p * 3 + 2] === 255) blue++;
    }
    assert.deepEqual([...colours].sort(), ['0,0,255', '255,0,0', '255,255,255']);
    const [c, r] = worldToPixel(5, 5, size);
    assert.deepEqual(px(f, size, Math.round(r), Math.round(c)), [255, 0, 0]);
    // side 4 world units = 4·31/10 = 12.4 px → 12 or 13 pixels per side
    const side = Math.sqrt(blue + 0);
    assert.ok(blue > 0 && side < 13.5);
  });

  it('renders several frames (T, H, W, 3) and validates sizes', () => {
    const objs: ObjectInfo[] = [{ radius: 1, shape: 'circle', color: 'green' }];
    const f = renderFrames(states(2, 5, 0, 0, 8, 5, 0, 0), objs, 2, { size: 16, supersample: 2 });
    assert.equal(f.length, 2 * 16 * 16 * 3);
    assert.notDeepEqual(Array.from(f.subarray(0, 768)), Array.from(f.subarray(768)));
    assert.throws(() => renderFrames(states(0, 0, 0, 0), objs, 1, { size: 4, supersample: 1 }), (e: Error) => e instanceof ConfigError && /size must be an integer number of pixels in \[8, 256\], got 4/.test(e.message));
    assert.throws(() => renderFrames(states(0, 0, 0, 0), [{ ...objs[0], color: 'mauve' }], 1, { size: 16, supersample: 1 }), (e: Error) => e instanceof ConfigError && /unknown colour 'mauve'; allowed: red, blue/.test(e.message));
  });
});
