/**
 * Matrix building blocks that stay fast on every TF.js backend (standard tf ops only).
 *
 * Measured on the stock wasm backend (environment-facts.md "TF.js speed", re-measured for this
 * module): a 2-D matMul runs through XNNPACK only when neither operand is transposed and both have
 * batch 1; `transposeA/B` and batched 3-D operands fall to a naive loop (~2 GFLOP/s vs 25–40).
 * A plain 2-D transpose of a tall matrix costs ~10 ns/element; the same transpose done in blocks
 * through rank 3 costs ~1 ns. Reductions over rows (`sum(x, 0)`) cost ~10 ns/element; a matmul
 * with a row of ones costs ~0.15.
 *
 * When matMul's transpose flags are cheap (tfjs-node, WebGPU/WebGL, or the OpenBLAS kernel of
 * lib/engine/native-matmul.ts registered on wasm), `mm`/`bmm` pass the flags through instead of
 * transposing: the choice is made per call by `transposeFlagsFast()`.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeMatMulStatus } from '../engine/native-matmul';

/** How `mm`/`bmm` handle transposed operands: decided per backend (`auto`) or forced (bench/tests). */
export type TransposeMode = 'auto' | 'flags' | 'explicit';
let transposeMode: TransposeMode = 'auto';

/** Force how transposed operands are handled ('auto' restores the per-backend choice). */
export function setTransposeMode(mode: TransposeMode): void {
  transposeMode = mode;
}

/** Whether matMul's transposeA/B flags run at full speed on the active backend. */
export function transposeFlagsFast(): boolean {
  if (transposeMode !== 'auto') return transposeMode === 'flags';
  const b = tf.getBackend();
  if (b === 'wasm') return nativeMatMulStatus().enabled;
  return b !== 'cpu';
}

function blockFor(rows: number, cols: number): number {
  if (rows < 256 || rows <= cols) return 0;
  for (const blk of [32, 64, 16]) if (rows % blk === 0) return blk;
  return 0;
}

/** 2-D transpose (R, C) → (C, R); on wasm tall matrices go through a blocked rank-3 transpose. */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  const [r, c] = x.shape;
  const blk = tf.getBackend() === 'wasm' ? blockFor(r, c) : 0;
  if (blk === 0) return tf.transpose(x);
  return tf.tidy(() => {
    const x3 = tf.reshape(x, [r / blk, blk, c]); // (R/b, b, C)
    const y3 = tf.transpose(tf.transpose(x3, [0, 2, 1]), [1, 0, 2]); // (C, R/b, b)
    return tf.reshape(y3, [c, r]) as tf.Tensor2D;
  });
}

/** 2-D matMul a·b with optional transposed operands, fast on every backend. */
export function mm(a: tf.Tensor2D, b: tf.Tensor2D, transA = false, transB = false): tf.Tensor2D {
  if (!transA && !transB) return tf.matMul(a, b);
  if (transposeFlagsFast()) return tf.matMul(a, b, transA, transB);
  return tf.tidy(() => tf.matMul(transA ? transpose2d(a) : a, transB ? transpose2d(b) : b));
}

/** Batched matMul over leading dims (e.g. (B, H, N, d)), transposes of the last two dims. */
export function bmm<R extends tf.Rank>(a: tf.Tensor<R>, b: tf.Tensor<R>, transA = false, transB = false): tf.Tensor<R> {
  if ((!transA && !transB) || transposeFlagsFast()) return tf.matMul(a, b, transA, transB) as tf.Tensor<R>;
  return tf.tidy(() => tf.matMul(transA ? swapLast(a) : a, transB ? swapLast(b) : b) as tf.Tensor<R>);
}

/** Swap the last two axes. */
export function swapLast<T extends tf.Tensor>(x: T): T {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  perm[n - 2] = n - 1;
  perm[n - 1] = n - 2;
  return tf.transpose(x, perm) as T;
}

const onesCache = new Map<string, tf.Tensor2D>();

/** A cached (1, n) row of ones (kept across tidy scopes; one per backend and length). */
export function onesRow(n: number): tf.Tensor2D {
  const key = `${tf.getBackend()}:${n}`;
  let t = onesCache.get(key);
  if (!t || t.isDisposed) {
    t = tf.keep(tf.ones([1, n]) as tf.Tensor2D);
    onesCache.set(key, t);
  }
  return t;
}

/** Column sums of a (M, K) matrix → (K). On wasm a ones-row matmul (60x faster than sum(x, 0)). */
export function colSum(x: tf.Tensor2D): tf.Tensor1D {
  if (tf.getBackend() !== 'wasm') return tf.sum(x, 0);
  return tf.tidy(() => tf.reshape(tf.matMul(onesRow(x.shape[0]), x), [x.shape[1]]) as tf.Tensor1D);
}

/**
 * Σ of same-shape tensors. tf.addN on webgpu binds every input as a storage buffer in one shader,
 * and WebGPU allows 8 per shader by default (seen on the H200: 168 gradients → an invalid pipeline
 * and a zero sum, silently). There it adds in groups of `group` (default 7); elsewhere it is plain tf.addN.
 */
export function addMany(ts: ReadonlyArray<tf.Tensor>, group = tf.getBackend() === 'webgpu' ? 7 : Infinity): tf.Tensor {
  if (!(group >= 2)) throw new Error(`addMany: group must be ≥ 2, got ${group}`);
  if (ts.length <= group) return tf.addN([...ts]);
  return tf.tidy(() => {
    let parts = [...ts];
    while (parts.length > 1) {
      const next: tf.Tensor[] = [];
      for (let i = 0; i < parts.length; i += group) next.push(i + 1 === parts.length ? parts[i] : tf.addN(parts.slice(i, i + group)));
      parts = next;
    }
    return parts[0];
  });
}

/** Flatten all leading dims: (..., K) → (M, K). */
export function flat2d(x: tf.Tensor): tf.Tensor2D {
  const k = x.shape[x.shape.length - 1];
  return tf.reshape(x, [x.size / k, k]) as tf.Tensor2D;
}

// ---------------------------------------------------------------------------------------------
// Dense layer with hand-written gradients
// ---------------------------------------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyGradFn = (...args: any[]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };

/** tf.customGrad with loose typing (its declared types do not fit functions of several tensors). */
export function customOp(f: AnyGradFn): (...inputs: tf.Tensor[]) => tf.Tensor {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return tf.customGrad(f as any) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor;
}

const denseOp = customOp((x: tf.Tensor, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
  const x2 = flat2d(x); // (M, K)
  const y2 = tf.fused.matMul({ a: x2, b: w, bias: b }); // (M, O)
  save([x2, w]);
  const outShape = [...x.shape.slice(0, -1), w.shape[1]];
  return {
    value: tf.reshape(y2, outShape),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = flat2d(dy); // (M, O)
      const dx = tf.reshape(mm(dy2, ws, false, true), x.shape); // (M, K)
      const dw = mm(xs, dy2, true, false); // (K, O)
      return [dx, dw, colSum(dy2)];
    },
  };
});

/** y = x·w + b over the last axis of x (any rank): (..., K) · (K, O) + (O) → (..., O). */
export function dense(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return denseOp(x, w, b);
}

const linearOp = customOp((x: tf.Tensor, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
  const x2 = flat2d(x); // (M, K)
  save([x2, w]);
  return {
    value: tf.reshape(tf.matMul(x2, w), [...x.shape.slice(0, -1), w.shape[1]]),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = flat2d(dy);
      return [tf.reshape(mm(dy2, ws, false, true), x.shape), mm(xs, dy2, true, false)];
    },
  };
});

/** y = x·w without bias over the last axis of x: (..., K) · (K, O) → (..., O). */
export function linear(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return linearOp(x, w);
}

/** SiLU x·σ(x) (sigmoid is fast on wasm; exp and tanh are ~10x slower). */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
}
