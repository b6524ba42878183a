/**
 * v-parameterisation (Salimans & Ho 2022 §4; the paper's target, [P A.2]) with α_t = √ᾱ_t and
 * σ_t = √(1 − ᾱ_t), per sample as (B, 1, 1, 1, 1) tensors:
 *
 *   x_t = α_t·x_0 + σ_t·ε                  (Ho et al. 2020, Eq. 4)
 *   v   = α_t·ε − σ_t·x_0                  (Salimans & Ho 2022, Eq. in §4)
 *   x̂_0 = α_t·x_t − σ_t·v̂,   ε̂ = σ_t·x_t + α_t·v̂
 *
 * paper-spec §2 writes the target as √(1−γ)·ε − √γ·V; at zero terminal SNR (γ = 0) that would be
 * plain ε, which carries no information about x_0 — the standard v above is used (as Lin et al.
 * 2024 require for zero terminal SNR).
 */
import * as tf from '@tensorflow/tfjs';
import { NoiseSchedule } from './schedule';

/** Per-sample coefficients for timesteps `ts`: α and σ as (B, 1, 1, 1, 1) tensors. */
export function coefficients(schedule: NoiseSchedule, ts: ReadonlyArray<number>): { alpha: tf.Tensor5D; sigma: tf.Tensor5D } {
  const a = new Float32Array(ts.length);
  const s = new Float32Array(ts.length);
  ts.forEach((t, i) => {
    a[i] = schedule.signal[t];
    s[i] = schedule.noise[t];
  });
  const shape: [number, number, number, number, number] = [ts.length, 1, 1, 1, 1];
  return { alpha: tf.tensor5d(a, shape), sigma: tf.tensor5d(s, shape) };
}

/** x_t = α·x_0 + σ·ε. */
export function qSample(x0: tf.Tensor, eps: tf.Tensor, alpha: tf.Tensor, sigma: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(alpha, x0), tf.mul(sigma, eps)));
}

/** v = α·ε − σ·x_0. */
export function vTarget(x0: tf.Tensor, eps: tf.Tensor, alpha: tf.Tensor, sigma: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.mul(alpha, eps), tf.mul(sigma, x0)));
}

/** x̂_0 = α·x_t − σ·v̂. */
export function x0FromV(xt: tf.Tensor, v: tf.Tensor, alpha: tf.Tensor | number, sigma: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.mul(alpha, xt), tf.mul(sigma, v)));
}

/** ε̂ = σ·x_t + α·v̂. */
export function epsFromV(xt: tf.Tensor, v: tf.Tensor, alpha: tf.Tensor | number, sigma: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(sigma, xt), tf.mul(alpha, v)));
}

/**
 * MSE on the generated frames only: Σ (v̂ − v)²·w / Σ w over all elements, where w (B, T, 1, 1, 1)
 * is 1 on generated frames and 0 on conditioning frames. `count` = Σ w·H·W·C (known in JS).
 */
export function maskedMse(pred: tf.Tensor5D, target: tf.Tensor5D, weight: tf.Tensor5D, count: number): tf.Scalar {
  return tf.tidy(() => {
    const d = tf.sub(pred, target);
    return tf.div(tf.sum(tf.mul(tf.mul(d, d), weight)), count) as tf.Scalar;
  });
}
