/** Shared helpers for the model/diffusion/train tests: backend setup and close-enough checks. */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { rngFor } from '../../lib/rng/rng';

/** Use the wasm backend (what the CLI picks on this machine). */
export async function useWasm(): Promise<void> {
  if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
  await tf.ready();
}

/** A seeded N(0, scale²) tensor. */
export function randn(shape: number[], seed: number, scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = rngFor(seed, 'test-randn');
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = scale * r.normal();
  return tf.tensor(v, shape);
}

/** Max |a − b| ≤ tol·(1 + max |b|). */
export function assertClose(a: tf.Tensor, b: tf.Tensor, tol: number, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  const x = a.dataSync();
  const y = b.dataSync();
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < x.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
    maxRef = Math.max(maxRef, Math.abs(y[i]));
  }
  assert.ok(Number.isFinite(maxDiff) && maxDiff <= tol * (1 + maxRef), `${what}: max |diff| ${maxDiff} > ${tol}·(1 + ${maxRef})`);
}

/** Compare op(...xs) with ref(...xs) in value and in all input gradients (for a random cotangent). */
export function checkOpAgainstReference(op: (...xs: tf.Tensor[]) => tf.Tensor, ref: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], tol: number, what: string): void {
  tf.tidy(() => {
    const y = op(...xs);
    const yr = ref(...xs);
    assertClose(y, yr, tol, `${what} value`);
    const dy = randn(y.shape, 99);
    const g = tf.grads((...a: tf.Tensor[]) => op(...a))(xs, dy);
    const gr = tf.grads((...a: tf.Tensor[]) => ref(...a))(xs, dy);
    g.forEach((gi, i) => assertClose(gi, gr[i], tol, `${what} grad of input ${i}`));
  });
}
