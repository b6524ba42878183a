import { strict as assert } from 'node:assert';
import { float16Bits, float16Value, fromFloat16, toFloat16 } from '../../lib/runtime/float16';

describe('runtime/float16', () => {
  it('every finite half value round-trips exactly (bits → value → bits)', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) continue; // NaN payloads
      assert.equal(float16Bits(float16Value(h)), h, `bits 0x${h.toString(16)}`);
    }
  });

  it('known values, ties to even, subnormals, overflow and signed zero', () => {
    assert.equal(float16Bits(1), 0x3c00);
    assert.equal(float16Bits(-2), 0xc000);
    assert.equal(float16Bits(65504), 0x7bff);
    assert.equal(float16Bits(65520), 0x7c00, 'rounds up to Infinity');
    assert.equal(float16Bits(2 ** -24), 0x0001, 'smallest subnormal');
    assert.equal(float16Bits(2 ** -25), 0x0000, 'half of it: tie to even (0)');
    assert.equal(float16Bits(3 * 2 ** -25), 0x0002, '1.5 × smallest: tie to even (2)');
    assert.equal(float16Bits(1 + 2 ** -11), 0x3c00, '1 + half an ulp: tie to even (1)');
    assert.equal(float16Bits(1 + 3 * 2 ** -11), 0x3c02, '1 + 1.5 ulp: tie to even (1 + 2 ulp)');
    assert.equal(float16Bits(-0), 0x8000);
    assert.ok(Number.isNaN(float16Value(float16Bits(NaN))));
    assert.equal(float16Value(0x7c00), Infinity);
  });

  it('float32 arrays: relative error ≤ 2^-11 in the normal range, bytes little-endian; out of range is an error naming the value', () => {
    const x = new Float32Array([0.1, -3.14159, 1e-3, 1234.5, 0]);
    const b = toFloat16(x, 'w');
    assert.equal(b.length, 10);
    assert.equal(b.readUInt16LE(0), float16Bits(0.1));
    const y = fromFloat16(b);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(y[i] - x[i]) <= Math.abs(x[i]) * 2 ** -11, `${x[i]} → ${y[i]}`);
    assert.throws(() => toFloat16(new Float32Array([1, 7e4]), 'ema'), /ema\[1\] = 70000 is beyond the float16 range \(\|x\| ≤ 65504\)/);
    assert.throws(() => fromFloat16(new Uint8Array(3)), /even number of bytes, got 3/);
  });
});
