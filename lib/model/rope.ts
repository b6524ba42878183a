/**
 * 3-D rotary position embedding (RoPE, Su et al. 2021) over the token grid (t, y, x): the paper's
 * DiT uses full space-time attention with 3D RoPE (paper-spec §2). Each head's dimensions form
 * hd/2 rotation pairs (i, i + hd/2) (the "rotate half" layout); the pairs are split between the
 * three axes and pair j of an axis turns by pos·base^(−2j/d_axis), d_axis = 2·(pairs of the axis).
 *
 *   q' = q ⊙ cos + rotateHalf(q) ⊙ sin,   rotateHalf(q) = q · R
 *
 * R is a signed permutation (W × W, block-diagonal over heads): rotating by a matmul costs less on
 * wasm than slicing the last axis (~10 ns/element) or `reverse` (~30 ns/element).
 */
import * as tf from '@tensorflow/tfjs';

/** Rotation pairs given to the (t, y, x) axes for a head dimension: spatial axes get ⌊hd/6⌋ each. */
export function ropePairs(headDim: number): [number, number, number] {
  if (headDim % 2 !== 0) throw new Error(`RoPE needs an even head dimension, got ${headDim}`);
  const half = headDim / 2;
  const s = Math.floor(half / 3);
  return [half - 2 * s, s, s];
}

export interface RopeArrays {
  /** cos of each token's angle per feature, (N, W) row-major. */
  cos: Float32Array;
  /** sin of each token's angle per feature, (N, W). */
  sin: Float32Array;
  /** The signed permutation R with (q·R) = rotateHalf(q) per head, (W, W). */
  rot: Float32Array;
}

/**
 * Tables for a token grid of gt × gy × gx tokens (token n = (t·gy + y)·gx + x) and `heads`
 * heads of `headDim` features (feature f = head·headDim + d).
 */
export function ropeArrays(grid: readonly [number, number, number], heads: number, headDim: number, base: number): RopeArrays {
  const [gt, gy, gx] = grid;
  const n = gt * gy * gx;
  const w = heads * headDim;
  const half = headDim / 2;
  const [pt, py] = ropePairs(headDim);
  const cos = new Float32Array(n * w);
  const sin = new Float32Array(n * w);
  // angle of pair i for a token at (t, y, x)
  const pairAxis: number[] = [];
  const pairFreq: number[] = [];
  for (let i = 0; i < half; i++) {
    const axis = i < pt ? 0 : i < pt + py ? 1 : 2;
    const j = axis === 0 ? i : axis === 1 ? i - pt : i - pt - py;
    const dAxis = 2 * (axis === 0 ? pt : py);
    pairAxis.push(axis);
    pairFreq.push(Math.pow(base, (-2 * j) / dAxis));
  }
  for (let t = 0; t < gt; t++) {
    for (let y = 0; y < gy; y++) {
      for (let x = 0; x < gx; x++) {
        const tok = (t * gy + y) * gx + x;
        const pos = [t, y, x];
        for (let i = 0; i < half; i++) {
          const a = pos[pairAxis[i]] * pairFreq[i];
          const c = Math.cos(a);
          const s = Math.sin(a);
          for (let h = 0; h < heads; h++) {
            const f = tok * w + h * headDim + i;
            cos[f] = c;
            cos[f + half] = c;
            sin[f] = s;
            sin[f + half] = s;
          }
        }
      }
    }
  }
  const rot = new Float32Array(w * w);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < half; i++) {
      const lo = h * headDim + i;
      const hi = lo + half;
      rot[hi * w + lo] = -1; // out[lo] = −q[hi]
      rot[lo * w + hi] = 1; // out[hi] = +q[lo]
    }
  }
  return { cos, sin, rot };
}

/** RoPE tables as tensors, owned by a model (dispose with it). */
export interface RopeTables {
  /** (N, W) */
  cos: tf.Tensor2D;
  /** (N, W) */
  sin: tf.Tensor2D;
  /** (W, W) */
  rot: tf.Tensor2D;
  /** Rᵀ (W, W), for the backward pass. */
  rotT: tf.Tensor2D;
}

export function ropeTables(grid: readonly [number, number, number], heads: number, headDim: number, base: number): RopeTables {
  const a = ropeArrays(grid, heads, headDim, base);
  const n = grid[0] * grid[1] * grid[2];
  const w = heads * headDim;
  // created outside any tidy's reach: the model owns and disposes them
  const out: RopeTables = {
    cos: tf.keep(tf.tensor2d(a.cos, [n, w])),
    sin: tf.keep(tf.tensor2d(a.sin, [n, w])),
    rot: tf.keep(tf.tensor2d(a.rot, [w, w])),
    rotT: tf.keep(tf.tensor2d(transposeSquare(a.rot, w), [w, w])),
  };
  return out;
}

function transposeSquare(m: Float32Array, w: number): Float32Array {
  const t = new Float32Array(w * w);
  for (let i = 0; i < w; i++) for (let j = 0; j < w; j++) t[j * w + i] = m[i * w + j];
  return t;
}

/** Apply RoPE to (B, N, W) features with plain ops (reference and gradient check). */
export function applyRope(q: tf.Tensor3D, tables: RopeTables): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, n, w] = q.shape;
    const qr = tf.reshape(tf.matMul(tf.reshape(q, [b * n, w]), tables.rot), [b, n, w]);
    return tf.add(tf.mul(q, tables.cos), tf.mul(qr, tables.sin)) as tf.Tensor3D;
  });
}
