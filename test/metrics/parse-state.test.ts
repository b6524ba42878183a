import { strict as assert } from 'node:assert';
import { defaultParserConfig, parseVideo } from '../../lib/metrics/parse-state';
import { renderFrames } from '../../lib/render/raster';
import { ObjectInfo } from '../../lib/sim/types';
import { ConfigError } from '../../lib/config/profile';

const render = (xy: number[], objs: ObjectInfo[], size: number, supersample = 4) => renderFrames(Float32Array.from(xy.flatMap((v, k) => (k % 2 === 1 ? [v, 0, 0] : [v]))), objs, xy.length / (2 * objs.length), { size, supersample });

describe('metrics/parse-state', () => {
  const red: ObjectInfo = { radius: 1.1, shape: 'circle', color: 'red' };
  const blue: ObjectInfo = { radius: 0.7, shape: 'circle', color: 'blue' };

  it('recovers centre and radius of discs at 128 px (world units)', () => {
    const f = render([3.37, 6.81, 7.2, 2.45], [red, blue], 128);
    const p = parseVideo(f, [1, 128, 128, 3], ['red', 'blue']);
    assert.ok(Math.abs(p.x[0] - 3.37) < 0.01 && Math.abs(p.y[0] - 6.81) < 0.01, `red at (${p.x[0]}, ${p.y[0]})`);
    assert.ok(Math.abs(p.x[1] - 7.2) < 0.01 && Math.abs(p.y[1] - 2.45) < 0.01, `blue at (${p.x[1]}, ${p.y[1]})`);
    assert.ok(Math.abs(p.r[0] - 1.1) < 0.02 && Math.abs(p.r[1] - 0.7) < 0.02, `radii ${p.r[0]}, ${p.r[1]}`);
    assert.deepEqual(Array.from(p.present), [1, 1]);
  });

  it("'paper-code' coordinates reproduce the code's ×10/W scale ((W−1)/W of the true position)", () => {
    const f = render([6, 5], [red], 32, 1);
    const grid = parseVideo(f, [1, 32, 32, 3], ['red']);
    const code = parseVideo(f, [1, 32, 32, 3], ['red'], undefined, { ...defaultParserConfig(), coordinates: 'paper-code' });
    assert.ok(Math.abs(code.x[0] - (grid.x[0] * 31) / 32) < 1e-9);
  });

  it("'alpha' centroid finds sub-pixel positions on anti-aliased 16 px frames", () => {
    const truth = [4.03, 5.71];
    const f = render(truth, [red], 16, 4);
    const mask = parseVideo(f, [1, 16, 16, 3], ['red']);
    const alpha = parseVideo(f, [1, 16, 16, 3], ['red'], undefined, { ...defaultParserConfig(), centroid: 'alpha' });
    const err = (p: typeof mask) => Math.hypot(p.x[0] - truth[0], p.y[0] - truth[1]);
    assert.ok(err(alpha) < 0.03, `alpha error ${err(alpha)}`);
    assert.ok(err(alpha) < err(mask), `alpha ${err(alpha)} vs mask ${err(mask)}`);
  });

  it('absent colour (§3.1 rule): x = absentX, y and r carried from the previous frame', () => {
    const frames = render([2, 4, 3, 4, 4, 4], [red], 32);
    frames.fill(255, 2 * 32 * 32 * 3); // the ball vanishes in frame 2
    const p = parseVideo(frames, [3, 32, 32, 3], ['red']);
    assert.deepEqual(Array.from(p.present), [1, 1, 0]);
    assert.equal(p.x[2], 10);
    assert.equal(p.y[2], p.y[1]);
    assert.equal(p.r[2], p.r[1]);
    const two = parseVideo(render([2, 4, 8, 4], [red, blue], 32).fill(255), [1, 32, 32, 3], ['red', 'blue'], [0, 10]);
    assert.deepEqual([two.x[0], two.x[1], two.y[0], two.r[0]], [0, 10, 5, 0], 'collision rule; never seen → centre, r 0');
  });

  it('takes plain (T, H, W, 3) uint8 frames and checks their shape', () => {
    assert.throws(() => parseVideo(new Uint8Array(10), [1, 2, 2, 3], ['red']), (e: Error) => e instanceof ConfigError && /needs 12/.test(e.message));
    assert.throws(() => parseVideo(new Uint8Array(12), [1, 2, 2, 3], ['red', 'magenta', 'red']), ConfigError);
  });
});
