/**
 * Samplers for a v-prediction model (diffusers-style numbered steps with equation references).
 *
 * Both are the generalised DDIM update (Song et al. 2021, Eq. 12) from timestep t to s < t:
 *   1. v̂ = model(x_t, t)
 *   2. x̂_0 = α_t x_t − σ_t v̂,   ε̂ = σ_t x_t + α_t v̂                     (v-prediction.ts)
 *   3. σ_η = η·√((1 − ᾱ_s)/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_s)                      (Eq. 16)
 *   4. x_s = √ᾱ_s x̂_0 + √(1 − ᾱ_s − σ_η²) ε̂ + σ_η z,   z ~ N(0, I)         (Eq. 12)
 * - 'ddim': η = 0, deterministic given x_T.
 * - 'ancestral': η = 1, which is the DDPM posterior q(x_s | x_t, x̂_0) (Ho et al. 2020, Eq. 6–7).
 * The last step goes to s = −1 with ᾱ = 1, i.e. returns x̂_0. Timesteps use trailing spacing, so
 * the first step starts at T−1 where, with zero terminal SNR, x_T is pure noise (Lin et al. 2024).
 *
 * Randomness, per video id k: x_T from rngFor(seed, 'sample-init', k), the noise of step i from
 * rngFor(seed, 'sample-noise', k, i): a video depends on (seed, k) only, not on how videos are
 * batched.
 */
import * as tf from '@tensorflow/tfjs';
import { rngFor } from '../rng/rng';
import { NoiseSchedule, SamplerKind, samplingTimesteps } from './schedule';
import { epsFromV, x0FromV } from './v-prediction';

/** Predicts v̂ (same shape as x_t) at integer timestep t for the whole batch. */
export type Denoiser = (xt: tf.Tensor5D, t: number) => tf.Tensor5D;

export interface SampleOptions {
  sampler: SamplerKind;
  /** Number of denoising steps. */
  steps: number;
  /** Seed of the initial noise and of the ancestral step noise. */
  seed: number;
  /** Id of each video in the batch (its noise stream); default 0 … B−1. */
  ids?: ReadonlyArray<number>;
  /** Called after each step (for progress). */
  onStep?: (done: number, total: number) => void;
}

/** N(0, 1) values from a seeded stream as a tensor of `shape`. */
export function seededNormal(shape: number[], seed: number, ...stream: Array<string | number>): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = rngFor(seed, ...stream);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = r.normal();
  return tf.tensor(v, shape);
}

/** N(0, 1) noise (B, ...) whose row k comes from rngFor(seed, ...stream, ids[k], ...suffix). */
export function perVideoNormal(shape: number[], seed: number, ids: ReadonlyArray<number>, stream: string, ...suffix: number[]): tf.Tensor {
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  const v = new Float32Array(per * shape[0]);
  for (let k = 0; k < shape[0]; k++) {
    const r = rngFor(seed, stream, ids[k], ...suffix);
    for (let i = 0; i < per; i++) v[k * per + i] = r.normal();
  }
  return tf.tensor(v, shape);
}

/** Runs the sampler from pure noise; returns x̂_0 (B, T, H, W, C). The caller owns the result. */
export function sample(denoise: Denoiser, shape: [number, number, number, number, number], schedule: NoiseSchedule, opts: SampleOptions): tf.Tensor5D {
  const eta = opts.sampler === 'ddim' ? 0 : 1;
  const ts = samplingTimesteps(schedule.timesteps, opts.steps);
  const ids = opts.ids ?? Array.from({ length: shape[0] }, (_, k) => k);
  if (ids.length !== shape[0]) throw new Error(`sample: ${ids.length} ids for a batch of ${shape[0]}`);
  let x = perVideoNormal(shape, opts.seed, ids, 'sample-init') as tf.Tensor5D; // x_T
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    const s = i + 1 < ts.length ? ts[i + 1] : -1;
    const next = tf.tidy(() => {
      const v = denoise(x, t); // 1.
      const at = schedule.signal[t];
      const st = schedule.noise[t];
      const x0 = x0FromV(x, v, at, st); // 2.
      if (s < 0) return x0;
      const eps = epsFromV(x, v, at, st);
      const abT = schedule.alphaBar[t];
      const abS = schedule.alphaBar[s];
      const sigEta = eta * Math.sqrt((1 - abS) / (1 - abT)) * Math.sqrt(Math.max(0, 1 - abT / abS)); // 3.
      const dirCoef = Math.sqrt(Math.max(0, 1 - abS - sigEta * sigEta));
      let xs = tf.add(tf.mul(x0, Math.sqrt(abS)), tf.mul(eps, dirCoef)); // 4.
      if (sigEta > 0) xs = tf.add(xs, tf.mul(perVideoNormal(shape, opts.seed, ids, 'sample-noise', i), sigEta));
      return xs;
    }) as tf.Tensor5D;
    x.dispose();
    x = next;
    opts.onStep?.(i + 1, ts.length);
  }
  return x;
}
