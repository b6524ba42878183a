/**
 * The DiT training loop: v-prediction MSE on generated frames, AdamW with warm-up, global-norm
 * gradient clipping, EMA weights, checkpoints that resume bit-exactly, and a NaN/Inf guard.
 *
 * Step s (0-based) draws, each from its own stream of rngFor(seed, name, s):
 *   clips    — epoch-wise shuffles: sample p = s·B + j of the run is perm_e[p mod count],
 *              perm_e = shuffle(0..count−1) with rngFor(seed, 'epoch', e), e = ⌊p / count⌋
 *   'cond'   — conditioning frame count per sample (mixed batches)
 *   'timestep' — t per sample: U{0 … T−1}, or as train.timestepSampling says (diffusion/timestep-sampling.ts)
 *   'noise'  — ε ~ N(0, I)
 * so a run resumed from a checkpoint at step s continues exactly as an uninterrupted one.
 */
import * as tf from '@tensorflow/tfjs';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../config/profile';
import { stableStringify } from '../config/hash';
import { buildConditioning } from '../diffusion/conditioning';
import { seededNormal } from '../diffusion/sampler';
import { lossWeights } from '../diffusion/loss-weighting';
import { NoiseSchedule } from '../diffusion/schedule';
import { sampleTimesteps } from '../diffusion/timestep-sampling';
import { coefficients, maskedMse, qSample, vTarget } from '../diffusion/v-prediction';
import { Progress } from '../runtime/progress';
import { FrameAutoencoder, createAutoencoder, framesToTensor } from '../model/autoencoder';
import { DiT } from '../model/dit';
import { addMany } from '../model/fast-ops';
import { ParamMap, cloneParams, disposeParams, paramSpecs } from '../model/params';
import { rngFor } from '../rng/rng';
import { AdamW } from './adamw';
import { CheckpointMeta, loadCheckpoint, readCheckpointMeta, resolveCheckpointDir, saveCheckpoint } from './checkpoint';
import { emaDecayAt, updateEma } from './ema';
import { DiTRunConfig, learningRate, validateRunConfig } from './train-config';
import { VideoSource } from './video-source';
import { currentBackend } from '../runtime/backend';
import { yieldToEvents } from '../runtime/yield-to-events';

/** Raised when the loss or the gradient norm is NaN/±Inf; no update was applied. */
export class NonFiniteLossError extends Error {
  constructor(readonly step: number, readonly loss: number, readonly gradNorm: number, readonly lastCheckpointStep: number | null) {
    super(
      `training stopped at step ${step + 1}: ${Number.isFinite(loss) ? `gradient norm is ${gradNorm}` : `loss is ${loss}`} ` +
        `(non-finite; the update was not applied). ` +
        (lastCheckpointStep === null ? 'No checkpoint was saved yet.' : `The last good checkpoint (step ${lastCheckpointStep}) is kept.`) +
        ' Try a lower train.lr, a smaller train.gradClip, or a longer train.warmupSteps.',
    );
    this.name = 'NonFiniteLossError';
  }
}

export interface StepInfo {
  /** Optimizer steps completed after this one. */
  step: number;
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  lr: number;
  /** Wall time of the step, ms. */
  ms: number;
}

export interface TrainerOptions {
  config: DiTRunConfig;
  source: VideoSource;
  /** Checkpoint folder (e.g. `<run>/checkpoint`); null = never save. */
  checkpointDir?: string | null;
  /** Resume from `checkpointDir` when it holds a checkpoint. Default true. */
  resume?: boolean;
  /** Append one JSON line per step here. */
  logFile?: string | null;
  /** How the source was made (stored in checkpoints so `phylab sample` can find matching test clips). */
  dataConfig?: unknown;
}

export interface TrainOptions {
  /** Stop when this many steps are completed in total (default: config.train.steps). */
  untilStep?: number;
  /** Show a progress bar (lib/runtime/progress.ts). Default false. */
  progress?: boolean;
  /** Called after every step. */
  onStep?: (info: StepInfo) => void;
}

/** Drop log lines of steps after `step` (written before a kill; they are redone on resume). */
function truncateLog(file: string, step: number): void {
  if (!existsSync(file)) return;
  const keep = readFileSync(file, 'utf8').split('\n').filter((l) => {
    if (!l.trim()) return false;
    try {
      return (JSON.parse(l) as StepInfo).step <= step;
    } catch {
      return false;
    }
  });
  writeFileSync(file, keep.map((l) => l + '\n').join(''));
}

/** A warning when a checkpoint saved under engine `saved` is resumed under `now` (null when the same or unrecorded). */
export function engineChangeNote(dir: string, saved: string | null | undefined, now: string | null): string | null {
  if (saved === undefined || saved === null || now === null || saved === now) return null;
  return `resuming ${dir} under another engine (saved under '${saved}', now '${now}'): training continues, but the result is not bit-identical to an uninterrupted run on one engine`;
}

/** Keys that may differ between a checkpoint and a resumed run (more steps, other save cadence). */
const RESUMABLE_TRAIN_KEYS = new Set(['steps', 'checkpointEvery']);

export function configMismatch(saved: DiTRunConfig, now: DiTRunConfig): string[] {
  const diffs: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      for (const k of new Set([...Object.keys(a as object), ...Object.keys(b as object)])) {
        if (path === 'train' && RESUMABLE_TRAIN_KEYS.has(k)) continue;
        if (path === 'model' && k === 'impl') continue; // like the engine: float rounding only
        walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      }
    } else if (stableStringify(a) !== stableStringify(b)) diffs.push(`${path}: checkpoint ${stableStringify(a)} vs now ${stableStringify(b)}`);
  };
  walk(saved, now, '');
  return diffs;
}

export class DiTTrainer {
  readonly config: DiTRunConfig;
  readonly model: DiT;
  /** EMA weights (sampling uses these). */
  ema: ParamMap;
  readonly optimizer: AdamW;
  /** Optimizer steps completed. */
  step: number;
  lastLoss: number | null;
  /** Set when this trainer resumed a checkpoint saved under another engine (the run is then not bit-exact); null otherwise. */
  resumeNote: string | null = null;
  /** Step of the last checkpoint written or loaded, or null. */
  lastCheckpointStep: number | null;
  readonly schedule: NoiseSchedule;
  readonly autoencoder: FrameAutoencoder;
  private readonly names: string[];
  private perm: { epoch: number; order: number[] } | null = null;
  /** Stored in checkpoints (TrainerOptions.dataConfig). */
  dataConfig: unknown = undefined;

  private constructor(readonly source: VideoSource, config: DiTRunConfig, model: DiT, ema: ParamMap, optimizer: AdamW, step: number, lastLoss: number | null, readonly checkpointDir: string | null, readonly logFile: string | null) {
    this.config = config;
    this.model = model;
    this.ema = ema;
    this.optimizer = optimizer;
    this.step = step;
    this.lastLoss = lastLoss;
    this.lastCheckpointStep = step > 0 ? step : null;
    this.schedule = new NoiseSchedule(config.diffusion);
    this.autoencoder = createAutoencoder(config.autoencoder);
    this.names = paramSpecs(config.model).map((s) => s.name);
  }

  /** A fresh trainer, or one resumed from `checkpointDir` when it holds a checkpoint. */
  static create(opts: TrainerOptions): DiTTrainer {
    const cfg = structuredClone(opts.config);
    validateRunConfig(cfg);
    const ae = createAutoencoder(cfg.autoencoder);
    const latent = ae.latentShape(opts.source.frameShape);
    if (latent.join(',') !== cfg.model.latentShape.join(',')) {
      throw new ConfigError(`model.latentShape [${cfg.model.latentShape}] does not match the data: clips [${opts.source.frameShape}] give latents [${latent}] with autoencoder '${cfg.autoencoder.kind}'`);
    }
    if (opts.source.count < 1) throw new ConfigError('the training source has no clips');
    const decayed = new Set(paramSpecs(cfg.model).filter((s) => s.decay).map((s) => s.name));
    const ckDir = opts.checkpointDir ?? null;
    const found = ckDir && opts.resume !== false ? resolveCheckpointDir(ckDir) : null;
    if (found && ckDir) {
      const meta: CheckpointMeta = readCheckpointMeta(ckDir);
      const diffs = configMismatch(meta.config, cfg);
      if (diffs.length) throw new ConfigError(`cannot resume from '${found}': the config differs (${diffs.join('; ')}). Use another --out folder or the same settings.`);
      const src = opts.source;
      const sameData = meta.data.count === src.count && meta.data.frameShape.join(',') === src.frameShape.join(',') &&
        (opts.dataConfig === undefined || meta.data.source === undefined || stableStringify(opts.dataConfig) === stableStringify(meta.data.source));
      if (!sameData) throw new ConfigError(`cannot resume from '${found}': it was trained on ${meta.data.description}, not on ${src.description ?? `${src.count} clips of [${src.frameShape}]`}. Use another --out folder or the same data.`);
      const ld = loadCheckpoint(ckDir);
      const model = new DiT(cfg.model, ld.params as ParamMap);
      const opt = new AdamW(model.params, cfg.train, decayed, ld.adam);
      if (opts.logFile) truncateLog(opts.logFile, meta.step);
      const tr = new DiTTrainer(opts.source, cfg, model, ld.ema, opt, meta.step, meta.lastLoss, ckDir, opts.logFile ?? null);
      tr.dataConfig = opts.dataConfig;
      tr.resumeNote = engineChangeNote(found, meta.engine, currentBackend()?.label ?? null);
      if (tr.resumeNote) process.stderr.write(`[phylab] ${tr.resumeNote}\n`);
      return tr;
    }
    const model = DiT.create(cfg.model, cfg.seed);
    const ema = cloneParams(model.params);
    const opt = new AdamW(model.params, cfg.train, decayed);
    const tr = new DiTTrainer(opts.source, cfg, model, ema, opt, 0, null, ckDir, opts.logFile ?? null);
    tr.dataConfig = opts.dataConfig;
    return tr;
  }

  /** Clip indices of step `s` (epoch-wise shuffles, see module comment). */
  batchIndices(s: number): number[] {
    const b = this.config.train.batchSize;
    const n = this.source.count;
    const out: number[] = [];
    for (let j = 0; j < b; j++) {
      const p = s * b + j;
      const e = Math.floor(p / n);
      if (!this.perm || this.perm.epoch !== e) {
        const order = Array.from({ length: n }, (_, i) => i);
        rngFor(this.config.seed, 'epoch', e).shuffle(order);
        this.perm = { epoch: e, order };
      }
      out.push(this.perm.order[p % n]);
    }
    return out;
  }

  /** The loss of step `s`'s batch under `params` (a differentiable function of the params). */
  private batchLoss(s: number): (params: ParamMap) => tf.Scalar {
    const cfg = this.config;
    const idx = this.batchIndices(s);
    const rc = rngFor(cfg.seed, 'cond', s);
    const drop = cfg.train.condDropout ?? 0;
    const rd = drop > 0 ? rngFor(cfg.seed, 'cond-dropout', s) : null; // its own stream: runs without dropout draw as before
    const condLens = idx.map(() => rc.choice(cfg.train.condFrames)).map((c) => (rd && rd.uniform() < drop ? 0 : c));
    const rt = rngFor(cfg.seed, 'timestep', s);
    const ts = sampleTimesteps(cfg.train, cfg.diffusion.timesteps, idx.length, rt);
    const w = lossWeights(cfg.train, this.schedule, ts);
    const clips = idx.map((i) => this.source.frames(i));
    const latentScale = cfg.diffusion.latentScale ?? 1;
    return (params: ParamMap) => {
      const z = this.autoencoder.encode(framesToTensor(clips, this.source.frameShape)); // (B, T, H, W, C)
      const x0 = latentScale === 1 ? z : (tf.mul(z, latentScale) as tf.Tensor5D);
      const eps = seededNormal(x0.shape, cfg.seed, 'noise', s) as tf.Tensor5D;
      const { alpha, sigma } = coefficients(this.schedule, ts);
      const xt = qSample(x0, eps, alpha, sigma) as tf.Tensor5D;
      const v = vTarget(x0, eps, alpha, sigma) as tf.Tensor5D;
      const c = buildConditioning(x0, condLens);
      const pred = this.model.apply(params, { xt, cond: c.cond, mask: c.mask, t: tf.tensor1d(ts) });
      if (!w) return maskedMse(pred, v, c.lossWeight, c.count);
      return maskedMse(pred, v, tf.mul(c.lossWeight, tf.tensor5d(w, [w.length, 1, 1, 1, 1])) as tf.Tensor5D, c.count);
    };
  }

  /** One optimizer step. Throws NonFiniteLossError (without updating) on NaN/Inf. */
  async trainStep(): Promise<StepInfo> {
    const t0 = performance.now();
    const s = this.step;
    const tc = this.config.train;
    const lossFn = this.batchLoss(s);
    const names = this.names;
    const { value, grads, norm } = tf.tidy(() => {
      const f = (...ps: tf.Tensor[]) => {
        const pm: ParamMap = {};
        names.forEach((n, i) => (pm[n] = ps[i]));
        return lossFn(pm);
      };
      const r = tf.valueAndGrads(f)(names.map((n) => this.model.params[n]));
      const sq = addMany(r.grads.map((g) => tf.sum(tf.mul(g, g))));
      return { value: r.value, grads: r.grads, norm: tf.sqrt(sq) };
    });
    const both = tf.stack([value, norm]);
    const [loss, gradNorm] = Array.from(await both.data());
    both.dispose();
    value.dispose();
    norm.dispose();
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      tf.dispose(grads);
      throw new NonFiniteLossError(s, loss, gradNorm, this.lastCheckpointStep);
    }
    const gradMap: ParamMap = {};
    names.forEach((n, i) => (gradMap[n] = grads[i]));
    const clip = tc.gradClip > 0 && gradNorm > tc.gradClip ? tc.gradClip / (gradNorm + 1e-6) : 1;
    const lr = learningRate(tc, s);
    const next = this.optimizer.update(this.model.params, gradMap, lr, clip);
    tf.dispose(grads);
    this.model.setParams(next);
    updateEma(this.ema, next, emaDecayAt(tc.emaDecay, tc.emaWarmup, s));
    this.step = s + 1;
    this.lastLoss = loss;
    const info: StepInfo = { step: this.step, loss, gradNorm, lr, ms: performance.now() - t0 };
    if (this.logFile) appendFileSync(this.logFile, JSON.stringify(info) + '\n');
    return info;
  }

  /** Train until `untilStep` (default config.train.steps), saving checkpoints on the way and at the end. */
  async train(opts: TrainOptions = {}): Promise<{ step: number; losses: number[] }> {
    const tc = this.config.train;
    const until = Math.min(opts.untilStep ?? tc.steps, tc.steps);
    const losses: number[] = [];
    const progress = opts.progress
      ? new Progress({ label: `train ${this.config.model.hidden}w×${this.config.model.depth}`, total: tc.steps, unit: 'steps', initial: this.step })
      : null;
    let ema = NaN;
    while (this.step < until) {
      await yieldToEvents(); // lets Ctrl-C / scancel's SIGTERM be handled mid-training
      const info = await this.trainStep();
      losses.push(info.loss);
      ema = Number.isNaN(ema) ? info.loss : 0.9 * ema + 0.1 * info.loss;
      progress?.tick(1, `loss ${info.loss.toFixed(4)} (avg ${ema.toFixed(4)}) | ${((tc.batchSize * 1000) / info.ms).toFixed(1)} samples/s | lr ${info.lr.toExponential(2)}`);
      opts.onStep?.(info);
      if (this.checkpointDir && tc.checkpointEvery > 0 && this.step % tc.checkpointEvery === 0 && this.step < until) await this.save();
    }
    if (this.checkpointDir && this.lastCheckpointStep !== this.step) await this.save();
    progress?.finish();
    return { step: this.step, losses };
  }

  /** Write a checkpoint of the current state (default: the trainer's checkpoint folder). */
  async save(dir: string | null = this.checkpointDir): Promise<void> {
    if (!dir) throw new Error('DiTTrainer.save: no checkpoint folder given');
    await saveCheckpoint(dir, {
      config: this.config,
      step: this.step,
      params: this.model.params,
      ema: this.ema,
      adam: { m: this.optimizer.m, v: this.optimizer.v, t: this.optimizer.t },
      data: { description: this.source.description ?? 'unnamed source', count: this.source.count, frameShape: [...this.source.frameShape], source: this.dataConfig },
      lastLoss: this.lastLoss,
    }, { engine: currentBackend()?.label ?? null });
    if (dir === this.checkpointDir) this.lastCheckpointStep = this.step;
  }

  dispose(): void {
    this.model.dispose();
    disposeParams(this.ema);
    this.optimizer.dispose();
    this.autoencoder.dispose();
  }
}
