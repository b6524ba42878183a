/**
 * Exponential moving average of the weights, used for sampling (DiT keeps an EMA with 0.9999):
 * ema ← d·ema + (1 − d)·p, with the warm-up d_s = min(decay, (1 + s)/(10 + s)) when enabled
 * (s = number of updates so far), so short runs are not dominated by the initial weights.
 * On wasm with the native addon each tensor is one fused kernel (PhylabEma), same float32 bits.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedKernelFits, runFused } from '../engine/fused-kernels';
import { ParamMap } from '../model/params';

export function emaDecayAt(decay: number, warmup: boolean, step: number): number {
  return warmup ? Math.min(decay, (1 + step) / (10 + step)) : decay;
}

/** Updates `ema` in place (its tensors are replaced and the old ones disposed). */
export function updateEma(ema: ParamMap, params: ParamMap, decay: number): void {
  for (const [k, p] of Object.entries(params)) {
    const e = ema[k];
    const next = fusedKernelFits('PhylabEma', [e, p], true)
      ? runFused('PhylabEma', { ema: e, p }, { d: decay, c: 1 - decay })[0]
      : tf.tidy(() => tf.add(tf.mul(e, decay), tf.mul(p, 1 - decay)));
    ema[k].dispose();
    ema[k] = next;
  }
}
