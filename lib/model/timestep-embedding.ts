/**
 * Sinusoidal timestep features (DiT `TimestepEmbedder.timestep_embedding`, after the Transformer
 * position encoding): [cos(t·f_i), sin(t·f_i)], f_i = 10000^(−i/half), i < half = dim/2.
 * t is the diffusion timestep index in [0, T).
 */
import * as tf from '@tensorflow/tfjs';

export const MAX_PERIOD = 10000;

/** (B) timesteps → (B, dim) features. */
export function timestepFeatures(t: tf.Tensor1D, dim: number): tf.Tensor2D {
  return tf.tidy(() => {
    const half = dim / 2;
    const freqs = new Float32Array(half);
    for (let i = 0; i < half; i++) freqs[i] = Math.exp((-Math.log(MAX_PERIOD) * i) / half);
    const args = tf.mul(tf.reshape(t, [-1, 1]), tf.tensor2d(freqs, [1, half])); // (B, half)
    return tf.concat([tf.cos(args), tf.sin(args)], -1) as tf.Tensor2D;
  });
}
