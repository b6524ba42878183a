import { strict as assert } from 'node:assert';
import { encodeGif } from '../../lib/render/gif';
import { renderFrames } from '../../lib/render/raster';

/** Minimal GIF decoder for the test: global palette + LZW image data, all frames full-size. */
function decodeGif(bytes: Uint8Array): { width: number; height: number; frames: Uint8Array[] } {
  const str = (a: number, n: number) => String.fromCharCode(...bytes.subarray(a, a + n));
  assert.equal(str(0, 6), 'GIF89a');
  const width = bytes[6] | (bytes[7] << 8);
  const height = bytes[8] | (bytes[9] << 8);
  const flags = bytes[10];
  let palette = bytes.subarray(13, flags & 0x80 ? 13 + (2 << (flags & 7)) * 3 : 13);
  let p = 13 + palette.length;
  const frames: Uint8Array[] = [];
  for (;;) {
    const b = bytes[p++];
    if (b === 0x3b) break;
    if (b === 0x21) {
      p++; // label
      while (bytes[p] !== 0) p += bytes[p] + 1;
      p++;
      continue;
    }
    assert.equal(b, 0x2c);
    const local = bytes[p + 8];
    p += 9;
    if (local & 0x80) {
      palette = bytes.subarray(p, p + (2 << (local & 7)) * 3);
      p += palette.length;
    }
    const minCode = bytes[p++];
    const data: number[] = [];
    while (bytes[p] !== 0) {
      const n = bytes[p];
      data.push(...bytes.subarray(p + 1, p + 1 + n));
      p += n + 1;
    }
    p++;
    // LZW decode
    const clear = 1 << minCode;
    const eoi = clear + 1;
    let size = minCode + 1;
    let dict: number[][] = [];
    const reset = () => {
      dict = Array.from({ length: clear + 2 }, (_, i) => [i]);
      size = minCode + 1;
    };
    reset();
    const out: number[] = [];
    let bit = 0;
    let prev: number[] | null = null;
    for (;;) {
      let code = 0;
      for (let k = 0; k < size; k++, bit++) code |= ((data[bit >> 3] >> (bit & 7)) & 1) << k;
      if (code === clear) {
        reset();
        prev = null;
        continue;
      }
      if (code === eoi) break;
      let entry: number[];
      if (code < dict.length) entry = dict[code];
      else entry = [...(prev as number[]), (prev as number[])[0]];
      out.push(...entry);
      if (prev) dict.push([...prev, entry[0]]);
      if (dict.length === 1 << size && size < 12) size++;
      prev = entry;
    }
    const rgb = new Uint8Array(width * height * 3);
    for (let k = 0; k < width * height; k++) rgb.set(palette.subarray(out[k] * 3, out[k] * 3 + 3), k * 3);
    frames.push(rgb);
  }
  return { width, height, frames };
}

describe('render/gif', () => {
  it('round-trips rendered frames exactly (≤ 256 colours per frame) through LZW', () => {
    const objs = [
      { radius: 1.2, shape: 'circle' as const, color: 'red' },
      { radius: 0.8, shape: 'circle' as const, color: 'blue' },
    ];
    const T = 6;
    const st = new Float32Array(T * 2 * 4);
    for (let t = 0; t < T; t++) st.set([2 + t * 0.4, 5, 0, 0, 8 - t * 0.3, 5, 0, 0], t * 8);
    const frames = renderFrames(st, objs, T, { size: 48, supersample: 2 });
    const gif = encodeGif(frames, T, 48, 48);
    const dec = decodeGif(gif);
    assert.equal(dec.width, 48);
    assert.equal(dec.frames.length, T);
    for (let t = 0; t < T; t++) assert.deepEqual(dec.frames[t], frames.subarray(t * 48 * 48 * 3, (t + 1) * 48 * 48 * 3));
  });

  it('handles long runs that overflow the 4096-entry code table (clear codes)', () => {
    const T = 3;
    const n = 200 * 200;
    const frames = new Uint8Array(T * n * 3);
    for (let k = 0; k < T * n; k++) frames.set([(k * 7) % 256, (k * 13) % 200, k % 5 === 0 ? 255 : 0], k * 3);
    const dec = decodeGif(encodeGif(frames, T, 200, 200));
    // more than 256 colours: every pixel maps to its nearest palette entry; check a few exact ones
    assert.equal(dec.frames.length, T);
    assert.equal(dec.frames[0].length, n * 3);
  });
});
