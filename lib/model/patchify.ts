/**
 * Spacetime patches: (B, T, H, W, C) ↔ (B, N, pt·ph·pw·C), token n = (t'·H' + y')·W' + x' with
 * features ordered (pt, ph, pw, C). Two rank-4 transposes each way (rank-5+ transposes take a slow
 * generic path on wasm).
 */
import * as tf from '@tensorflow/tfjs';

export function patchify(x: tf.Tensor5D, patch: readonly [number, number, number]): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, t, h, w, c] = x.shape;
    const [pt, ph, pw] = patch;
    const [gt, gh, gw] = [t / pt, h / ph, w / pw];
    let y: tf.Tensor = x;
    if (pt > 1) {
      // (B·T', pt, H', ph·W·C) → (B·T', H', pt, ph·W·C)
      y = tf.transpose(tf.reshape(y, [b * gt, pt, gh, ph * w * c]), [0, 2, 1, 3]);
    }
    // (B·T'·H', pt·ph, W', pw·C) → (B·T'·H', W', pt·ph, pw·C)
    y = tf.transpose(tf.reshape(y, [b * gt * gh, pt * ph, gw, pw * c]), [0, 2, 1, 3]);
    return tf.reshape(y, [b, gt * gh * gw, pt * ph * pw * c]) as tf.Tensor3D;
  });
}

/** Inverse of `patchify` for a latent of shape [T, H, W, C]. */
export function unpatchify(tokens: tf.Tensor3D, latentShape: readonly [number, number, number, number], patch: readonly [number, number, number]): tf.Tensor5D {
  return tf.tidy(() => {
    const b = tokens.shape[0];
    const [t, h, w, c] = latentShape;
    const [pt, ph, pw] = patch;
    const [gt, gh, gw] = [t / pt, h / ph, w / pw];
    // (B·T'·H', W', pt·ph, pw·C) → (B·T'·H', pt·ph, W', pw·C)
    let y: tf.Tensor = tf.transpose(tf.reshape(tokens, [b * gt * gh, gw, pt * ph, pw * c]), [0, 2, 1, 3]);
    if (pt > 1) {
      // (B·T', H', pt, ph·W·C) → (B·T', pt, H', ph·W·C)
      y = tf.transpose(tf.reshape(y, [b * gt, gh, pt, ph * w * c]), [0, 2, 1, 3]);
    }
    return tf.reshape(y, [b, t, h, w, c]) as tf.Tensor5D;
  });
}
