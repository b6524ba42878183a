import { strict as assert } from 'node:assert';
import { addNoise, boxBlur, corrupt, removeObjects } from '../../lib/metrics/corruptions';
import { makePhyreVideo } from '../../lib/sim/phyre/video';
import { psnrFrame } from '../../lib/metrics/psnr';

describe('metrics/corruptions', () => {
  const v = makePhyreVideo({ template: 23, seed: 2, trial: 0, size: 32, frames: 6 });
  it('level 0 is the clean video; damage grows with the level (PSNR falls)', () => {
    assert.equal(corrupt(v, 'noise', 0), v.frames);
    for (const kind of ['noise', 'blur', 'removal'] as const) {
      const levels = kind === 'noise' ? [0.03, 0.08, 0.2] : [1, 2, 3];
      const p = levels.map((l) => psnrFrame(corrupt(v, kind, l), v.frames));
      assert.ok(p[0] > p[1] && p[1] > p[2], `${kind}: ${p}`);
    }
  });
  it('seeded noise; blur keeps a flat image flat; removal keeps the red ball', () => {
    assert.deepEqual(addNoise(v.frames, 0.1, 3), addNoise(v.frames, 0.1, 3));
    assert.deepEqual([...boxBlur(new Uint8Array(4 * 4 * 3).fill(200), 1, 4, 4, 2)], Array(48).fill(200));
    const r = removeObjects(v, 4);
    let red = 0;
    for (let p = 0; p < r.length; p += 3) if (r[p] === 0xf3 && r[p + 1] === 0x4f) red++;
    assert.ok(red > 0);
  });
});
