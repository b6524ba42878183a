/**
 * The transformer MLP, fc1 → GELU(tanh approximation, as in DiT) → fc2, as one op with
 * hand-written gradients.
 *
 * GELU_tanh(u) = ½u(1 + tanh(z)), z = √(2/π)(u + 0.044715u³) (Hendrycks & Gimpel 2016, eq. for
 * the tanh approximation). Since ½(1 + tanh z) = σ(2z), it is computed as u·σ(2z): on wasm sigmoid
 * costs ~1 ns/element and tanh ~18. The cube is u·u·u (pow is slow).
 *
 * On wasm with the native addon the GELU forward and backward each run as one fused kernel
 * (lib/engine/fused-kernels.ts: PhylabGeluFwd, PhylabGeluBwd) instead of 6 and 10 small ones.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelFits, runFused } from '../engine/fused-kernels';
import { colSum, customOp, flat2d, mm } from './fast-ops';
import { DEFAULT_LAYER_IMPL, LayerImpl } from './layer-impl';
import { linearSpecs, ParamSpec } from './param-spec';

/** The parameters of an MLP `prefix`: fc1 (W → F) and fc2 (F → W), Xavier weights, zero biases (checkpoint order). */
export function mlpParamSpecs(prefix: string, width: number, hidden: number): ParamSpec[] {
  return [...linearSpecs(`${prefix}.fc1`, width, hidden), ...linearSpecs(`${prefix}.fc2`, hidden, width)];
}

const GELU_A = 0.044715;
/** 2·√(2/π). */
const GELU_K = 2 * Math.sqrt(2 / Math.PI);

/** GELU (tanh approximation) with autograd, for references and small tensors. */
export function gelu(u: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z2 = tf.mul(tf.mul(u, tf.add(tf.mul(tf.mul(u, u), GELU_A), 1)), GELU_K); // 2z
    return tf.mul(u, tf.sigmoid(z2));
  });
}

/** s = σ(2z), a = GELU(u) = u·s for u (M, F): one fused kernel where registered, else 6 tf ops. */
function geluForward(u: tf.Tensor2D, allowFused: boolean): [tf.Tensor2D, tf.Tensor2D] {
  if (allowFused && fusedKernelFits('PhylabGeluFwd', [u])) {
    const [s, a] = runFused('PhylabGeluFwd', { u }, { A: GELU_A, K: GELU_K });
    return [s as tf.Tensor2D, a as tf.Tensor2D];
  }
  const u2 = tf.mul(u, u);
  const s = tf.sigmoid(tf.mul(tf.mul(u, tf.add(tf.mul(u2, GELU_A), 1)), GELU_K)) as tf.Tensor2D; // σ(2z) (M, F)
  return [s, tf.mul(u, s) as tf.Tensor2D];
}

/** du = da·GELU'(u) given s = σ(2z): one fused kernel where registered, else 10 tf ops. */
function geluBackward(da: tf.Tensor2D, u: tf.Tensor2D, s: tf.Tensor2D, allowFused: boolean): tf.Tensor2D {
  if (allowFused && fusedKernelFits('PhylabGeluBwd', [da, u, s])) {
    return runFused('PhylabGeluBwd', { da, u, s }, { A3: 3 * GELU_A, K: GELU_K })[0] as tf.Tensor2D;
  }
  // GELU'(u) = σ(2z) + u·σ(2z)(1 − σ(2z))·2z',  2z' = K(1 + 3A·u²)
  const dz2 = tf.mul(tf.add(tf.mul(tf.mul(u, u), 3 * GELU_A), 1), GELU_K);
  const gp = tf.add(s, tf.mul(tf.mul(tf.mul(u, s), tf.sub(1, s)), dz2));
  return tf.mul(da, gp) as tf.Tensor2D; // (M, F)
}

const mlpOp = (allowFused: boolean) => customOp((h: tf.Tensor3D, w1: tf.Tensor2D, b1: tf.Tensor1D, w2: tf.Tensor2D, b2: tf.Tensor1D, save: tf.GradSaveFunc) => {
  const h2 = flat2d(h); // (M, W)
  const u = tf.fused.matMul({ a: h2, b: w1, bias: b1 }) as tf.Tensor2D; // (M, F)
  const [s, a] = geluForward(u, allowFused); // σ(2z), GELU(u) (M, F)
  const y = tf.fused.matMul({ a, b: w2, bias: b2 }); // (M, W)
  save([h2, u, s, a, w1, w2]);
  return {
    value: tf.reshape(y, h.shape),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [hs, us, ss, as, w1s, w2s] = saved as tf.Tensor2D[];
      const dy2 = flat2d(dy); // (M, W)
      const dw2 = mm(as, dy2, true, false); // (F, W)
      const db2 = colSum(dy2);
      const da = mm(dy2, w2s, false, true); // (M, F)
      const du = geluBackward(da, us, ss, allowFused); // (M, F)
      const dw1 = mm(hs, du, true, false); // (W, F)
      const db1 = colSum(du);
      const dh = tf.reshape(mm(du, w1s, false, true), h.shape); // (B, N, W)
      return [dh, dw1, db1, dw2, db2];
    },
  };
});

const mlpFused = mlpOp(true);
const mlpComposite = mlpOp(false);

/** MLP(h) = GELU(h·w1 + b1)·w2 + b2. h: (B, N, W); w1: (W, F); w2: (F, W); `impl` see layer-impl.ts (default 'fused'). */
export function mlp(h: tf.Tensor3D, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor, impl: LayerImpl = DEFAULT_LAYER_IMPL): tf.Tensor3D {
  if (impl === 'reference') return mlpReference(h, w1, b1, w2, b2);
  return (impl === 'fused' ? mlpFused : mlpComposite)(h, w1, b1, w2, b2) as tf.Tensor3D;
}

/** Reference with plain ops and autograd (tests compare the two). */
export function mlpReference(h: tf.Tensor3D, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor): tf.Tensor3D {
  return tf.tidy(() => {
    const u = tf.add(tf.matMul(flat2d(h), w1 as tf.Tensor2D), b1);
    const y = tf.add(tf.matMul(gelu(u) as tf.Tensor2D, w2 as tf.Tensor2D), b2);
    return tf.reshape(y, h.shape) as tf.Tensor3D;
  });
}
