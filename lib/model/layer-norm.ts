/**
 * LayerNorm without affine parameters followed by adaLN modulation (DiT, Peebles & Xie 2023 §3.2):
 *   y = LN(x)·(1 + scale) + shift,   LN(x) = (x − mean) / sqrt(var + eps) over the last axis,
 * with hand-written gradients (one op instead of ~12 autograd nodes; no broadcast-gradient sums).
 * On wasm with the native addon, forward and backward are one fused kernel each
 * (lib/engine/fused-kernels.ts: PhylabLnModFwd, PhylabLnModBwd) instead of 9 small ones each.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelReady, lnModFusable, runFused } from '../engine/fused-kernels';
import { customOp } from './fast-ops';
import { DEFAULT_LAYER_IMPL, LayerImpl } from './layer-impl';

/** LayerNorm epsilon (DiT: 1e-6). */
export const LN_EPS = 1e-6;

const lnModOp = (allowFused: boolean) => customOp((x: tf.Tensor3D, shift: tf.Tensor3D, scale: tf.Tensor3D, save: tf.GradSaveFunc) => {
  // x (B, N, W); shift, scale (B, 1, W)
  if (allowFused && lnModFusable(x, shift, scale) && fusedKernelReady('PhylabLnModFwd') && fusedKernelReady('PhylabLnModBwd')) {
    const [y, xhat, rstd] = runFused('PhylabLnModFwd', { x, shift, scale }, { eps: LN_EPS }); // (B, N, W), (B, N, W), (B, N, 1)
    save([xhat, rstd, scale]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, rs, sc] = saved;
        if (fusedKernelReady('PhylabLnModBwd')) return runFused('PhylabLnModBwd', { dy, xhat: xh, rstd: rs, scale: sc }); // [dx, dShift, dScale]
        return lnModBackward(dy, xh, rs, tf.add(sc, 1));
      },
    };
  }
  const mean = tf.mean(x, -1, true); // (B, N, 1)
  const xc = tf.sub(x, mean);
  const variance = tf.mean(tf.mul(xc, xc), -1, true); // (B, N, 1)
  const rstd = tf.rsqrt(tf.add(variance, LN_EPS)); // (B, N, 1)
  const xhat = tf.mul(xc, rstd); // (B, N, W)
  const gain = tf.add(scale, 1); // (B, 1, W)
  const y = tf.add(tf.mul(xhat, gain), shift);
  save([xhat, rstd, gain]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xh, rs, g] = saved;
      return lnModBackward(dy, xh, rs, g);
    },
  };
});

/** [dx, dShift, dScale] from dy, xhat, rstd and gain = 1 + scale, with tf ops. */
function lnModBackward(dy: tf.Tensor, xh: tf.Tensor, rs: tf.Tensor, g: tf.Tensor): tf.Tensor[] {
  const dShift = tf.sum(dy, 1, true); // (B, 1, W)
  const dScale = tf.sum(tf.mul(dy, xh), 1, true); // (B, 1, W)
  const dxhat = tf.mul(dy, g); // (B, N, W)
  // dx = rstd·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat))   (standard LayerNorm backward)
  const m1 = tf.mean(dxhat, -1, true);
  const m2 = tf.mean(tf.mul(dxhat, xh), -1, true);
  const dx = tf.mul(tf.sub(tf.sub(dxhat, m1), tf.mul(xh, m2)), rs);
  return [dx, dShift, dScale];
}

const lnModFused = lnModOp(true);
const lnModComposite = lnModOp(false);

/** LN(x)·(1 + scale) + shift. x: (B, N, W); shift, scale: (B, 1, W); `impl` see layer-impl.ts (default 'fused'). */
export function layerNormModulate(x: tf.Tensor3D, shift: tf.Tensor3D, scale: tf.Tensor3D, impl: LayerImpl = DEFAULT_LAYER_IMPL): tf.Tensor3D {
  if (impl === 'reference') return layerNormModulateReference(x, shift, scale);
  return (impl === 'fused' ? lnModFused : lnModComposite)(x, shift, scale) as tf.Tensor3D;
}

/** Reference implementation with plain ops and autograd (tests compare the two). */
export function layerNormModulateReference(x: tf.Tensor3D, shift: tf.Tensor3D, scale: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const xhat = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LN_EPS)));
    return tf.add(tf.mul(xhat, tf.add(scale, 1)), shift) as tf.Tensor3D;
  });
}
