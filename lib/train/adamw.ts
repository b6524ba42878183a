/**
 * AdamW (Loshchilov & Hutter 2019, Algorithm 2) on a ParamMap, with its state (m, v, t) exposed
 * for exact checkpointing:
 *   g ← c·∇ (c: global-norm clip factor)
 *   m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²
 *   p ← p − lr·( m/(1 − β1ᵗ) / (√(v/(1 − β2ᵗ)) + ε) + λ·p )     (λ only on weight matrices)
 * On wasm with the native addon each tensor is updated by one fused kernel (PhylabAdamW,
 * lib/engine/fused-kernels.ts) that gives the same float32 bits as the tf ops below.
 */
import * as tf from '@tensorflow/tfjs';
import { AdamWAttrs, fusedKernelFits, runFused } from '../engine/fused-kernels';
import { ParamMap } from '../model/params';

export interface AdamWSettings {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** [m', v', p'] by the PhylabAdamW kernel (which returns [p', m', v']). */
function fusedUpdate(p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamWAttrs): tf.Tensor[] {
  const [np, nm, nv] = runFused('PhylabAdamW', { p, g, m, v }, attrs as unknown as tf.NamedAttrMap);
  return [nm, nv, np];
}

export class AdamW {
  /** First moments, by parameter name. */
  m: ParamMap;
  /** Second moments, by parameter name. */
  v: ParamMap;
  /** Number of updates applied so far. */
  t: number;

  /** `decayed` names the parameters that get weight decay. Zero state unless `state` is given (taken over). */
  constructor(params: ParamMap, readonly settings: AdamWSettings, readonly decayed: ReadonlySet<string>, state?: { m: ParamMap; v: ParamMap; t: number }) {
    if (state) {
      this.m = state.m;
      this.v = state.v;
      this.t = state.t;
    } else {
      this.m = {};
      this.v = {};
      for (const [k, p] of Object.entries(params)) {
        this.m[k] = tf.zerosLike(p);
        this.v[k] = tf.zerosLike(p);
      }
      this.t = 0;
    }
  }

  /** Applies one update; returns new parameter tensors (the inputs are not disposed). */
  update(params: ParamMap, grads: ParamMap, lr: number, gradScale: number): ParamMap {
    const { beta1, beta2, eps, weightDecay } = this.settings;
    this.t += 1;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    const stepSize = lr / bc1;
    const invSqrtBc2 = 1 / Math.sqrt(bc2);
    const out: ParamMap = {};
    for (const [k, p] of Object.entries(params)) {
      const g0 = grads[k];
      if (!g0) throw new Error(`AdamW: no gradient for '${k}'`);
      const mk = this.m[k], vk = this.v[k];
      const decayOn = weightDecay > 0 && this.decayed.has(k);
      const decay = lr * weightDecay;
      const [m, v, np] = fusedKernelFits('PhylabAdamW', [p, g0, mk, vk], true)
        ? fusedUpdate(p, g0, mk, vk, { gradScale, beta1, oneMinusBeta1: 1 - beta1, beta2, oneMinusBeta2: 1 - beta2, invSqrtBc2, eps, stepSize, decayOn, decay })
        : tf.tidy(() => {
          const g = gradScale === 1 ? g0 : tf.mul(g0, gradScale);
          const m1 = tf.add(tf.mul(mk, beta1), tf.mul(g, 1 - beta1));
          const v1 = tf.add(tf.mul(vk, beta2), tf.mul(tf.mul(g, g), 1 - beta2));
          const denom = tf.add(tf.mul(tf.sqrt(v1), invSqrtBc2), eps);
          let upd = tf.mul(tf.div(m1, denom), stepSize);
          if (decayOn) upd = tf.add(upd, tf.mul(p, decay));
          return [m1, v1, tf.sub(p, upd)];
        });
      this.m[k].dispose();
      this.v[k].dispose();
      this.m[k] = m;
      this.v[k] = v;
      out[k] = np;
    }
    return out;
  }

  dispose(): void {
    for (const t of [...Object.values(this.m), ...Object.values(this.v)]) t.dispose();
  }
}
