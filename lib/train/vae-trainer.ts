/**
 * Trains the frame VAE (lib/model/vae.ts) on the frames of a VideoSource, then fixes its latent
 * scale factor (1 / std of the posterior means over sampled training frames, SD's 0.18215 idea) so
 * the DiT sees latents of about unit variance.
 *
 * Step s draws from its own streams: frames (clip, frame) from rngFor(seed, 'vae-batch', s) and
 * the reparameterisation noise from rngFor(seed, 'vae-noise', s); initialisation from
 * rngFor(seed, 'vae-init', name). Same seed and source → identical weights.
 */
import * as tf from '@tensorflow/tfjs';
import { Profile } from '../config/profile';
import { ProfileTable, resolveProfile } from '../config/profile-table';
import { ConfigError } from '../config/profile';
import { Progress } from '../runtime/progress';
import { seededNormal } from '../diffusion/sampler';
import { ParamMap, disposeParams } from '../model/params';
import { VaeConfig, VaeMeta, defaultVaeConfig, initVaeParams, saveVae, vaeEncode, vaeFactor, vaeLoss, vaeParamSpecs, validateVaeConfig, vaeDecode } from '../model/vae';
import { rngFor } from '../rng/rng';
import { AdamW } from './adamw';
import { VideoSource } from './video-source';
import { yieldToEvents } from '../runtime/yield-to-events';

export interface VaeTrainConfig {
  /** Optimizer steps. Default 300 (smoke) / 4000 (quick, about a minute on one CPU thread). */
  steps: number;
  /** Frames per batch (drawn at random from all clips and frames). Default 32. */
  batchSize: number;
  /** AdamW learning rate (constant after a linear warm-up). Default 2e-3. */
  lr: number;
  /** Linear warm-up steps. Default 20. */
  warmupSteps: number;
  /** Weight of the mean per-element KL term (small: the latent should stay informative). Default 1e-5. */
  klWeight: number;
  /** AdamW decoupled weight decay on weight matrices. Default 0. */
  weightDecay: number;
  /** AdamW β1. Default 0.9. */
  beta1: number;
  /** AdamW β2. Default 0.999. */
  beta2: number;
  /** AdamW ε. Default 1e-8. */
  eps: number;
  /** Frames used to measure the latent std (scale factor) and the final reconstruction error. Default 256. */
  scaleFrames: number;
}

/** VAE training defaults per profile, stated once: 4000 steps, smoke 300. */
export const VAE_TRAIN_PROFILES: ProfileTable<VaeTrainConfig> = {
  default: {
    steps: 4000,
    batchSize: 32,
    lr: 2e-3,
    warmupSteps: 20,
    klWeight: 1e-5,
    weightDecay: 0,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    scaleFrames: 256,
  },
  smoke: { steps: 300 },
};

export function defaultVaeTrainConfig(profile: Profile = 'quick'): VaeTrainConfig {
  return resolveProfile(VAE_TRAIN_PROFILES, profile);
}

export function validateVaeTrainConfig(c: VaeTrainConfig): void {
  const bad = (k: string, want: string, v: number) => new ConfigError(`vae train.${k} must be ${want}, got ${v}`);
  if (!Number.isInteger(c.steps) || c.steps < 1) throw bad('steps', 'an integer ≥ 1', c.steps);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1) throw bad('batchSize', 'an integer ≥ 1', c.batchSize);
  if (!(c.lr > 0)) throw bad('lr', '> 0', c.lr);
  if (!(c.klWeight >= 0)) throw bad('klWeight', '≥ 0', c.klWeight);
  if (!Number.isInteger(c.scaleFrames) || c.scaleFrames < 1) throw bad('scaleFrames', 'an integer ≥ 1', c.scaleFrames);
}

export interface VaeStepInfo {
  /** Steps completed. */
  step: number;
  loss: number;
  /** Reconstruction MSE of the batch (pixels in [−1, 1]). */
  mse: number;
  /** Mean KL per latent element. */
  kl: number;
}

/** The (clip, frame) pairs of step s. */
export function vaeBatchIndices(source: VideoSource, seed: number, s: number, batchSize: number): Array<[number, number]> {
  const r = rngFor(seed, 'vae-batch', s);
  const out: Array<[number, number]> = [];
  for (let j = 0; j < batchSize; j++) out.push([r.int(source.count), r.int(source.frameShape[0])]);
  return out;
}

/** Frames (N, H, W, 3) in [−1, 1] for (clip, frame) pairs. */
export function framesBatch(source: VideoSource, pairs: ReadonlyArray<[number, number]>): tf.Tensor4D {
  const [, h, w, c] = source.frameShape;
  const per = h * w * c;
  const buf = new Float32Array(per * pairs.length);
  pairs.forEach(([i, t], k) => {
    const clip = source.frames(i);
    for (let j = 0; j < per; j++) buf[k * per + j] = clip[t * per + j] / 127.5 - 1;
  });
  return tf.tensor4d(buf, [pairs.length, h, w, c]);
}

export class VaeTrainer {
  readonly params: ParamMap;
  readonly optimizer: AdamW;
  step = 0;
  private readonly names: string[];

  constructor(readonly source: VideoSource, readonly config: VaeConfig, readonly train: VaeTrainConfig, readonly seed: number) {
    validateVaeConfig(config);
    validateVaeTrainConfig(train);
    const f = vaeFactor(config);
    const [, h, w, c] = source.frameShape;
    if (c !== 3 || h % f !== 0 || w % f !== 0) throw new ConfigError(`VAE: frames ${h}×${w}×${c} need 3 channels and a size divisible by the factor ${f} (vae.patches ${JSON.stringify(config.patches)})`);
    if (source.count < 1) throw new ConfigError('VAE: the training source has no clips');
    this.names = vaeParamSpecs(config).map((p) => p.name);
    const decayed = new Set(vaeParamSpecs(config).filter((p) => p.decay).map((p) => p.name));
    this.params = initVaeParams(config, seed);
    this.optimizer = new AdamW(this.params, { beta1: train.beta1, beta2: train.beta2, eps: train.eps, weightDecay: train.weightDecay }, decayed);
  }

  /** One AdamW step on a fresh batch of frames. */
  async trainStep(): Promise<VaeStepInfo> {
    const s = this.step;
    const tc = this.train;
    const f = vaeFactor(this.config);
    const [, h, w] = this.source.frameShape;
    const x = framesBatch(this.source, vaeBatchIndices(this.source, this.seed, s, tc.batchSize)); // (N, H, W, 3)
    const eps = seededNormal([tc.batchSize, h / f, w / f, this.config.latentChannels], this.seed, 'vae-noise', s) as tf.Tensor4D; // (N, h, w, C)
    const names = this.names;
    const kept: tf.Tensor[] = [];
    const { value, grads } = tf.tidy(() => {
      const fn = (...ps: tf.Tensor[]) => {
        const pm: ParamMap = {};
        names.forEach((n, i) => (pm[n] = ps[i]));
        const r = vaeLoss(pm, this.config, x, eps, tc.klWeight);
        kept.push(tf.keep(tf.stack([r.mse, r.kl]))); // (2,) for the log
        return r.loss;
      };
      return tf.valueAndGrads(fn)(names.map((n) => this.params[n]));
    });
    x.dispose();
    eps.dispose();
    const [loss] = Array.from(await value.data());
    const [mse, kl] = Array.from(await kept[0].data());
    value.dispose();
    tf.dispose(kept);
    if (!Number.isFinite(loss)) {
      tf.dispose(grads);
      throw new Error(`VAE training: loss is ${loss} at step ${s + 1} (non-finite); try a lower --lr`);
    }
    const gm: ParamMap = {};
    names.forEach((n, i) => (gm[n] = grads[i]));
    const lr = tc.lr * Math.min(1, (s + 1) / Math.max(1, tc.warmupSteps));
    const next = this.optimizer.update(this.params, gm, lr, 1);
    tf.dispose(grads);
    for (const n of names) {
      this.params[n].dispose();
      this.params[n] = next[n];
    }
    this.step = s + 1;
    return { step: this.step, loss, mse, kl };
  }

  /** Trains to `train.steps`. */
  async run(opts: { progress?: boolean; onStep?: (i: VaeStepInfo) => void } = {}): Promise<VaeStepInfo[]> {
    const out: VaeStepInfo[] = [];
    const bar = opts.progress ? new Progress({ label: `train-vae ${vaeFactor(this.config)}×/${this.config.latentChannels}ch`, total: this.train.steps, unit: 'steps', initial: this.step }) : null;
    while (this.step < this.train.steps) {
      await yieldToEvents(); // lets Ctrl-C / scancel's SIGTERM be handled mid-training
      const info = await this.trainStep();
      out.push(info);
      bar?.tick(1, `loss ${info.loss.toFixed(5)} | mse ${info.mse.toFixed(5)} | kl ${info.kl.toFixed(3)}`);
      opts.onStep?.(info);
    }
    bar?.finish();
    return out;
  }

  /** Frames used for the scale factor and the evaluation: drawn from rngFor(seed, 'vae-eval'). */
  private evalPairs(): Array<[number, number]> {
    const r = rngFor(this.seed, 'vae-eval');
    const out: Array<[number, number]> = [];
    for (let j = 0; j < this.train.scaleFrames; j++) out.push([r.int(this.source.count), r.int(this.source.frameShape[0])]);
    return out;
  }

  /** Reconstruction MSE (pixels in [−1, 1]) through the posterior mean on `pairs` (default: the evaluation frames). */
  async reconMse(pairs: ReadonlyArray<[number, number]> = this.evalPairs()): Promise<number> {
    const x = framesBatch(this.source, pairs);
    const m = tf.tidy(() => tf.mean(tf.squaredDifference(vaeDecode(this.params, this.config, vaeEncode(this.params, this.config, x).mean), x)));
    const v = (await m.data())[0];
    x.dispose();
    m.dispose();
    return v;
  }

  /** 1 / std of the posterior means over the evaluation frames (all channels pooled). */
  async latentScale(): Promise<number> {
    const x = framesBatch(this.source, this.evalPairs());
    const sd = tf.tidy(() => {
      const mean = vaeEncode(this.params, this.config, x).mean;
      return tf.sqrt(tf.moments(mean).variance);
    });
    const v = (await sd.data())[0];
    x.dispose();
    sd.dispose();
    return v > 1e-8 ? 1 / v : 1;
  }

  /** Computes the scale factor and the final reconstruction error and writes the checkpoint folder. */
  async save(dir: string): Promise<Omit<VaeMeta, 'format' | 'version' | 'tensors' | 'saved'>> {
    const [, h, w, c] = this.source.frameShape;
    const meta = {
      config: this.config,
      scale: await this.latentScale(),
      frameShape: [h, w, c],
      seed: this.seed,
      steps: this.step,
      data: this.source.description ?? `${this.source.count} clips of [${this.source.frameShape}]`,
      reconMse: await this.reconMse(),
    };
    await saveVae(dir, this.params, meta);
    return meta;
  }

  dispose(): void {
    disposeParams(this.params);
    this.optimizer.dispose();
  }
}

/** Trains a VAE on `source` and writes it to `dir` (when given); returns the trainer (dispose it) and the step log. */
export async function trainVae(opts: { source: VideoSource; seed: number; config?: Partial<VaeConfig>; train?: Partial<VaeTrainConfig>; profile?: Profile; dir?: string | null; progress?: boolean; onStep?: (i: VaeStepInfo) => void }): Promise<{ trainer: VaeTrainer; log: VaeStepInfo[]; meta: Omit<VaeMeta, 'format' | 'version' | 'tensors' | 'saved'> | null }> {
  const cfg = { ...defaultVaeConfig(), ...opts.config };
  const tc = { ...defaultVaeTrainConfig(opts.profile ?? 'quick'), ...opts.train };
  const trainer = new VaeTrainer(opts.source, cfg, tc, opts.seed);
  try {
    const log = await trainer.run({ progress: opts.progress, onStep: opts.onStep });
    const meta = opts.dir ? await trainer.save(opts.dir) : null;
    return { trainer, log, meta };
  } catch (e) {
    trainer.dispose();
    throw e;
  }
}
