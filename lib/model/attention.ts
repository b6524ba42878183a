/**
 * Multi-head self-attention over all tokens (full space-time attention, paper-spec §2), with
 * optional 3-D RoPE on queries and keys, as one op with hand-written gradients:
 *
 *   q, k, v = h·Wq + bq, h·Wk + bk, h·Wv + bv          (M, W), M = B·N
 *   q, k ← RoPE(q), RoPE(k)                              (rope.ts)
 *   P = softmax(q_h k_hᵀ / √hd) per head h               (B, H, N, N)
 *   out = concat_h(P v_h)·Wo + bo                        (B, N, W)
 *
 * Backward (per head, S = q kᵀ/√hd): dV = Pᵀ dO, dP = dO Vᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P)),
 * dQ = dS K/√hd, dK = dSᵀ Q/√hd. Transposed operands go through `mm`/`bmm` (fast-ops.ts).
 *
 * On wasm with the native addon the attention core (after the projections and RoPE, before the
 * output projection) runs as one fused kernel each way (lib/engine/fused-kernels.ts:
 * PhylabAttnFwd, PhylabAttnBwd) on the token-layout (M, W) tensors, instead of ~14 and ~20
 * kernels with head transposes, and RoPE of q and k as one kernel each way (PhylabRopeFwd/Bwd).
 * `impl` (layer-impl.ts) picks the fused kernels (default, where registered), the composite tf code
 * below, or attentionReference.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelFits, fusedKernelReady, ropeFusable, runFused } from '../engine/fused-kernels';
import { bmm, colSum, customOp, mm, transpose2d, transposeFlagsFast } from './fast-ops';
import { DEFAULT_LAYER_IMPL, LayerImpl } from './layer-impl';
import { linearSpecs, ParamSpec } from './param-spec';
import { RopeTables } from './rope';

/** Attention weights: q, k, v, o each (W, W) with (W) biases. */
export interface AttentionParams {
  wq: tf.Tensor; bq: tf.Tensor;
  wk: tf.Tensor; bk: tf.Tensor;
  wv: tf.Tensor; bv: tf.Tensor;
  wo: tf.Tensor; bo: tf.Tensor;
}

/** The parameters of an attention layer `prefix` of width W: q, k, v, o linears (W → W), Xavier weights, zero biases (checkpoint order). */
export function attentionParamSpecs(prefix: string, width: number): ParamSpec[] {
  return ['q', 'k', 'v', 'o'].flatMap((n) => linearSpecs(`${prefix}.${n}`, width, width));
}

/** An attention layer's tensors from a parameter map, by the names attentionParamSpecs gives them. */
export function attentionParamsOf(p: Record<string, tf.Tensor>, prefix: string): AttentionParams {
  const get = (n: string) => {
    const t = p[`${prefix}.${n}`];
    if (!t) throw new Error(`attention: missing parameter '${prefix}.${n}'`);
    return t;
  };
  return { wq: get('q.w'), bq: get('q.b'), wk: get('k.w'), bk: get('k.b'), wv: get('v.w'), bv: get('v.b'), wo: get('o.w'), bo: get('o.b') };
}

/** (M, W) → (B, H, N, hd) */
function toHeads(x: tf.Tensor, b: number, n: number, heads: number): tf.Tensor4D {
  const w = x.shape[x.shape.length - 1];
  return tf.transpose(tf.reshape(x, [b, n, heads, w / heads]), [0, 2, 1, 3]) as tf.Tensor4D;
}

/** (B, H, N, hd) → (M, W) */
function toTokens(x: tf.Tensor): tf.Tensor2D {
  const [b, h, n, d] = x.shape;
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [b * n, h * d]) as tf.Tensor2D;
}

/** RoPE forward on (M, W) features of B sequences of N tokens. */
function ropeForward(x: tf.Tensor2D, rope: RopeTables, b: number, n: number): tf.Tensor2D {
  const w = x.shape[1];
  const rotated = tf.reshape(tf.matMul(x, rope.rot), [b, n, w]); // rotateHalf(x)
  const y = tf.add(tf.mul(tf.reshape(x, [b, n, w]), rope.cos), tf.mul(rotated, rope.sin));
  return tf.reshape(y, [b * n, w]) as tf.Tensor2D;
}

/** RoPE backward: dx = dy ⊙ cos + (dy ⊙ sin)·Rᵀ. */
function ropeBackward(dy: tf.Tensor2D, rope: RopeTables, b: number, n: number): tf.Tensor2D {
  const w = dy.shape[1];
  const d3 = tf.reshape(dy, [b, n, w]);
  const viaSin = tf.matMul(tf.reshape(tf.mul(d3, rope.sin), [b * n, w]), rope.rotT);
  return tf.add(tf.reshape(tf.mul(d3, rope.cos), [b * n, w]), viaSin) as tf.Tensor2D;
}

/**
 * RoPE forward (or, with `backward`, its backward) of q and k (M, W) together: one fused kernel
 * where registered (bit-identical; it assumes rope.ts's rotate-half layout of `rot`), else the tf ops.
 */
function ropePair(q: tf.Tensor2D, k: tf.Tensor2D, rope: RopeTables, b: number, n: number, headDim: number, backward: boolean, allowFused: boolean): [tf.Tensor2D, tf.Tensor2D] {
  const name = backward ? 'PhylabRopeBwd' : 'PhylabRopeFwd';
  const attrs = { b, n, headDim };
  if (allowFused && fusedKernelReady(name) && ropeFusable(q, k, rope.cos, rope.sin, attrs)) {
    return runFused(name, { a: q, b: k, cos: rope.cos, sin: rope.sin }, attrs) as [tf.Tensor2D, tf.Tensor2D];
  }
  const f = backward ? ropeBackward : ropeForward;
  return [f(q, rope, b, n), f(k, rope, b, n)];
}

/** Self-attention of h (B, N, W) with `heads` heads; `rope` null = no rotary embedding; `impl` see layer-impl.ts (default 'fused'). */
export function attention(h: tf.Tensor3D, p: AttentionParams, heads: number, rope: RopeTables | null, impl: LayerImpl = DEFAULT_LAYER_IMPL): tf.Tensor3D {
  if (impl === 'reference') return attentionReference(h, p, heads, rope);
  const allowFused = impl === 'fused';
  const [b, n, w] = h.shape;
  if (w % heads !== 0) throw new Error(`attention: width ${w} is not divisible by ${heads} heads`);
  const hd = w / heads;
  const scale = 1 / Math.sqrt(hd);
  const m = b * n;
  const op = customOp((x: tf.Tensor3D, wq: tf.Tensor2D, bq: tf.Tensor1D, wk: tf.Tensor2D, bk: tf.Tensor1D, wv: tf.Tensor2D, bv: tf.Tensor1D, wo: tf.Tensor2D, bo: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const h2 = tf.reshape(x, [m, w]) as tf.Tensor2D; // (M, W)
    let q = tf.fused.matMul({ a: h2, b: wq, bias: bq }) as tf.Tensor2D; // (M, W)
    let k = tf.fused.matMul({ a: h2, b: wk, bias: bk }) as tf.Tensor2D;
    const v = tf.fused.matMul({ a: h2, b: wv, bias: bv }) as tf.Tensor2D;
    if (rope) [q, k] = ropePair(q, k, rope, b, n, hd, false, allowFused);
    // fused core: saves q, k, v (M, W) unscaled; composite: the (B, H, N, hd) heads, q pre-scaled
    const fusedCore = allowFused && fusedKernelFits('PhylabAttnFwd', [q, k, v]) && fusedKernelReady('PhylabAttnBwd');
    let core: tf.Tensor[]; // q, k, v, probs as the backward reads them
    let o2: tf.Tensor2D;
    if (fusedCore) {
      const [o, probs] = runFused('PhylabAttnFwd', { q, k, v }, { b, n, heads, scale }); // (M, W), (B, H, N, N)
      o2 = o as tf.Tensor2D;
      core = [q, k, v, probs];
    } else {
      const qh = tf.mul(toHeads(q, b, n, heads), scale) as tf.Tensor4D; // (B, H, N, hd), pre-scaled
      const kh = toHeads(k, b, n, heads); // (B, H, N, hd)
      const vh = toHeads(v, b, n, heads); // (B, H, N, hd)
      const probs = tf.softmax(bmm(qh, kh, false, true)); // (B, H, N, N)
      o2 = toTokens(bmm(probs, vh)); // (M, W)
      core = [qh, kh, vh, probs];
    }
    const y = tf.fused.matMul({ a: o2, b: wo, bias: bo }); // (M, W)
    save([h2, ...core, o2, wq, wk, wv, wo]);
    return {
      value: tf.reshape(y, [b, n, w]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        // qs, ks, vs: (M, W) with the fused core, else (B, H, N, hd) heads (qs pre-scaled)
        const [hs, qs, ks, vs, ps, os, wqs, wks, wvs, wos] = saved as [tf.Tensor2D, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor4D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const dy2 = tf.reshape(dy, [m, w]) as tf.Tensor2D; // (M, W)
        const dwo = mm(os, dy2, true, false);
        const dbo = colSum(dy2);
        const dO2 = mm(dy2, wos, false, true); // (M, W)
        let dq: tf.Tensor2D, dk: tf.Tensor2D, dv: tf.Tensor2D; // (M, W); dq w.r.t. the unscaled q
        if (fusedCore) {
          [dq, dk, dv] = runFused('PhylabAttnBwd', { dO: dO2, q: qs, k: ks, v: vs, probs: ps }, { b, n, heads, scale }) as tf.Tensor2D[];
        } else {
          const dO = toHeads(dO2, b, n, heads); // (B, H, N, hd)
          const dP = bmm(dO, vs, false, true); // (B, H, N, N)
          const dV = bmm(ps, dO, true, false); // (B, H, N, hd)
          const dS = tf.mul(ps, tf.sub(dP, tf.sum(tf.mul(dP, ps), -1, true))); // softmax backward
          const dQ = bmm(dS, ks); // gradient of the pre-scaled q (B, H, N, hd)
          const dK = bmm(dS, qs, true, false); // (B, H, N, hd)
          dq = tf.mul(toTokens(dQ), scale) as tf.Tensor2D; // (M, W)
          dk = toTokens(dK);
          dv = toTokens(dV);
        }
        if (rope) [dq, dk] = ropePair(dq, dk, rope, b, n, hd, true, allowFused);
        // weight gradients share one transpose of h on backends where transposed matMuls are slow
        const hT = transposeFlagsFast() ? null : transpose2d(hs);
        const dW = (g: tf.Tensor2D) => (hT ? tf.matMul(hT, g) : tf.matMul(hs, g, true, false));
        const dh = tf.addN([mm(dq, wqs, false, true), mm(dk, wks, false, true), mm(dv, wvs, false, true)]);
        return [tf.reshape(dh, [b, n, w]), dW(dq), colSum(dq), dW(dk), colSum(dk), dW(dv), colSum(dv), dwo, dbo];
      },
    };
  });
  return op(h, p.wq, p.bq, p.wk, p.bk, p.wv, p.bv, p.wo, p.bo) as tf.Tensor3D;
}

/** Reference with plain ops and autograd (tests compare the two). */
export function attentionReference(h: tf.Tensor3D, p: AttentionParams, heads: number, rope: RopeTables | null): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, n, w] = h.shape;
    const h2 = tf.reshape(h, [b * n, w]) as tf.Tensor2D;
    const proj = (wt: tf.Tensor, bias: tf.Tensor) => tf.add(tf.matMul(h2, wt as tf.Tensor2D), bias) as tf.Tensor2D;
    let q = proj(p.wq, p.bq);
    let k = proj(p.wk, p.bk);
    if (rope) {
      q = ropeForward(q, rope, b, n);
      k = ropeForward(k, rope, b, n);
    }
    const qh = toHeads(q, b, n, heads);
    const kh = toHeads(k, b, n, heads);
    const vh = toHeads(proj(p.wv, p.bv), b, n, heads);
    const att = tf.softmax(tf.div(tf.matMul(qh, kh, false, true), Math.sqrt(w / heads)));
    const o = toTokens(tf.matMul(att, vh));
    return tf.reshape(tf.add(tf.matMul(o, p.wo as tf.Tensor2D), p.bo), [b, n, w]) as tf.Tensor3D;
  });
}
