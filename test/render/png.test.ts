import { strict as assert } from 'node:assert';
import { decodePng, encodePng, filmstrip } from '../../lib/render/png';

describe('render/png', () => {
  it('encodes RGB frames that decode to the same bytes', () => {
    const rgb = Uint8Array.from({ length: 5 * 7 * 3 }, (_, i) => (i * 37) % 256);
    const back = decodePng(encodePng(rgb, 5, 7));
    assert.equal(back.height, 5);
    assert.equal(back.width, 7);
    assert.deepEqual(back.rgb, rgb);
  });

  it('filmstrip lays frames side by side with grey gaps, magnifying tiny frames', () => {
    const T = 4;
    const frames = new Uint8Array(T * 8 * 8 * 3);
    for (let t = 0; t < T; t++) frames.fill(t * 60, t * 192, (t + 1) * 192);
    const fs = filmstrip(frames, T, 8, 8, { maxFrames: 3, gap: 1 });
    assert.deepEqual(fs.frames, [0, 2, 3]);
    assert.equal(fs.height, 64); // magnified ×8 to reach 64 px
    assert.equal(fs.width, 3 * 64 + 2);
    assert.equal(fs.rgb[0], 0);
    assert.equal(fs.rgb[64 * 3], 160); // gap
    assert.equal(fs.rgb[(65) * 3], 120); // second slot shows frame 2
  });
});
