/**
 * IEEE 754 half precision (binary16) for storing weights at half the bytes (shipped models,
 * lib/sample/model-registry.ts). `toFloat16` rounds each float32 to the nearest half (ties to even,
 * subnormals kept), `fromFloat16` widens back exactly. Node 20 has no Float16Array, so the bits are
 * converted here; half values are stored little-endian, 2 bytes each.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Largest finite half: 65504. */
export const FLOAT16_MAX = 65504;

/** The half bits nearest to `x` (round to nearest, ties to even); |x| ≥ 65520 becomes ±Infinity, NaN stays NaN. */
export function float16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf, NaN
  const e = exp - 127 + 15; // the half's biased exponent
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    // subnormal half: value / 2^-24, the implicit bit included
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++; // a carry into the exponent is the right rounding (up to Inf)
  return sign | h;
}

/** The value of half bits `h` (exact). */
export function float16Value(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/**
 * float32 values → half values, little-endian, 2 bytes each. A finite value beyond the half range
 * (|x| > 65504) is an error naming `what` and its index: it would become Infinity.
 */
export function toFloat16(values: Float32Array, what = 'values'): Buffer {
  const out = Buffer.alloc(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const h = float16Bits(values[i]);
    if ((h & 0x7c00) === 0x7c00 && Number.isFinite(values[i])) throw new RangeError(`${what}[${i}] = ${values[i]} is beyond the float16 range (|x| ≤ ${FLOAT16_MAX}); store it as float32`);
    out.writeUInt16LE(h, 2 * i);
  }
  return out;
}

/** Half values (little-endian, 2 bytes each) → float32 values (exact). */
export function fromFloat16(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % 2 !== 0) throw new RangeError(`float16 data must have an even number of bytes, got ${bytes.byteLength}`);
  const n = bytes.byteLength / 2;
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) out[i] = float16Value(view.getUint16(2 * i, true));
  return out;
}
