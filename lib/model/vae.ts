/**
 * A small frame VAE (the `vae` autoencoder, paper-spec §2: the paper diffuses in the latent space of
 * a frozen VAE; SD-1.5's has 8× spatial compression and 4 channels). Here, at 16 px, the default is
 * 4× spatial compression to 4 channels: a frame (H, W, 3) in [−1, 1] → a latent (H/4, W/4, 4).
 *
 * Every convolution is a "patch convolution": kernel = stride = p, no overlap. That is
 * space-to-depth (reshape + rank-4 transpose) followed by a matMul, mathematically a Conv2D with
 * kernel p and stride p; its gradients need no Conv2DBackpropFilter (missing on tfjs wasm).
 *
 *   encoder: x (N, H, W, 3) → [patch conv p_0 → SiLU → … → patch conv p_last] → (N, h, w, 2C)
 *            = posterior mean ‖ log-variance (clamped to [−30, 20], as SD does)
 *   decoder: z (N, h, w, C) → [matMul + depth-to-space p_last → SiLU → … → p_0] → (N, H, W, 3)
 *
 * Training loss (vae-trainer.ts): mean squared error of the reconstruction (pixels in [−1, 1]) plus
 * klWeight × the mean KL(q(z|x) ‖ N(0, I)) per latent element, with z = μ + σ·ε (reparameterised).
 *
 * Checkpoints: a folder with `vae.json` (format tag, config, latent scale factor, tensor manifest,
 * training summary) and `weights.bin` (float32 little-endian, manifest order).
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/profile';
import { rngFor } from '../rng/rng';
import { replaceFolder } from '../runtime/atomic-folder';
import { FileRecord, fileRecord, readVerifiedFile } from '../runtime/file-checksum';
import { ParamMap, packTensors, unpackTensors } from './params';

export interface VaeConfig {
  /** Patch (= kernel = stride) of each convolution stage, outermost first; the spatial factor is their product. Default [2, 2] (4×). */
  patches: number[];
  /** Channels between stages (hidden width). Default 64. */
  hidden: number;
  /** Latent channels C. Default 4. */
  latentChannels: number;
}

export function defaultVaeConfig(): VaeConfig {
  return { patches: [2, 2], hidden: 64, latentChannels: 4 };
}

export function validateVaeConfig(cfg: VaeConfig): void {
  if (!Array.isArray(cfg.patches) || cfg.patches.length < 1 || cfg.patches.some((p) => !Number.isInteger(p) || p < 1 || p > 16)) {
    throw new ConfigError(`vae.patches must be a non-empty list of integers in [1, 16], got ${JSON.stringify(cfg.patches)}`);
  }
  if (!Number.isInteger(cfg.hidden) || cfg.hidden < 1) throw new ConfigError(`vae.hidden must be a positive integer, got ${cfg.hidden}`);
  if (!Number.isInteger(cfg.latentChannels) || cfg.latentChannels < 1) throw new ConfigError(`vae.latentChannels must be a positive integer, got ${cfg.latentChannels}`);
}

/** Spatial compression factor f = product of the patches. */
export function vaeFactor(cfg: VaeConfig): number {
  return cfg.patches.reduce((a, b) => a * b, 1);
}

export interface VaeParamSpec {
  name: string;
  shape: number[];
  /** 'xavier' weights or 'zeros' biases. */
  init: 'xavier' | 'zeros';
  /** Whether AdamW's weight decay applies (weights yes, biases no). */
  decay: boolean;
}

/** Parameter specs in checkpoint order: enc.<i>.{w,b} then dec.<i>.{w,b} (stage i = patches[i]). */
export function vaeParamSpecs(cfg: VaeConfig): VaeParamSpec[] {
  const n = cfg.patches.length;
  const out: VaeParamSpec[] = [];
  const lin = (name: string, i: number, o: number) => {
    out.push({ name: `${name}.w`, shape: [i, o], init: 'xavier', decay: true });
    out.push({ name: `${name}.b`, shape: [o], init: 'zeros', decay: false });
  };
  // encoder stage i: (p_i² · c_in) → c_out; c_in = 3 for i = 0 else hidden, c_out = 2C for the last
  for (let i = 0; i < n; i++) {
    const p = cfg.patches[i];
    lin(`enc.${i}`, p * p * (i === 0 ? 3 : cfg.hidden), i === n - 1 ? 2 * cfg.latentChannels : cfg.hidden);
  }
  // decoder stage i (applied from the last to the first): c_in → p_i² · c_out
  for (let i = 0; i < n; i++) {
    const p = cfg.patches[i];
    lin(`dec.${i}`, i === n - 1 ? cfg.latentChannels : cfg.hidden, p * p * (i === 0 ? 3 : cfg.hidden));
  }
  return out;
}

/** Seeded Xavier-uniform weights / zero biases from rngFor(seed, 'vae-init', name). Caller owns them. */
export function initVaeParams(cfg: VaeConfig, seed: number): ParamMap {
  validateVaeConfig(cfg);
  const out: ParamMap = {};
  for (const s of vaeParamSpecs(cfg)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    if (s.init === 'xavier') {
      const r = rngFor(seed, 'vae-init', s.name);
      const limit = Math.sqrt(6 / (s.shape[0] + s.shape[1]));
      for (let i = 0; i < n; i++) v[i] = r.range(-limit, limit);
    }
    out[s.name] = tf.tensor(v, s.shape);
  }
  return out;
}

/** (N, H, W, C) → (N·(H/p)·(W/p), p·p·C), features ordered (py, px, c). */
export function spaceToDepth(x: tf.Tensor4D, p: number): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  if (h % p !== 0 || w % p !== 0) throw new Error(`spaceToDepth: ${h}×${w} is not divisible by patch ${p}`);
  const y = tf.reshape(x, [n * (h / p), p, w / p, p * c]); // (N·h', p, w', p·C)
  return tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [n * (h / p) * (w / p), p * p * c]) as tf.Tensor2D; // (N·h'·w', p·p·C)
}

/** Inverse of spaceToDepth: (N·h'·w', p·p·C) → (N, h'·p, w'·p, C). */
export function depthToSpace(y: tf.Tensor2D, n: number, hOut: number, wOut: number, p: number): tf.Tensor4D {
  const c = y.shape[1] / (p * p);
  const z = tf.reshape(y, [n * hOut, wOut, p, p * c]); // (N·h', w', p, p·C)
  return tf.reshape(tf.transpose(z, [0, 2, 1, 3]), [n, hOut * p, wOut * p, c]) as tf.Tensor4D; // (N, H, W, C)
}

/** Patch convolution (kernel = stride = p): (N, H, W, Cin) → (N, H/p, W/p, Cout). */
export function patchConv(x: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor, p: number): tf.Tensor4D {
  const [n, h, wd] = x.shape;
  const y = tf.add(tf.matMul(spaceToDepth(x, p), w as tf.Tensor2D), b); // (N·h'·w', Cout)
  return tf.reshape(y, [n, h / p, wd / p, w.shape[1] as number]) as tf.Tensor4D;
}

/** Transposed patch convolution: (N, h, w, Cin) → (N, h·p, w·p, Cout). */
export function patchConvTranspose(z: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor, p: number): tf.Tensor4D {
  const [n, h, wd, c] = z.shape;
  const y = tf.add(tf.matMul(tf.reshape(z, [n * h * wd, c]), w as tf.Tensor2D), b); // (N·h·w, p·p·Cout)
  return depthToSpace(y as tf.Tensor2D, n, h, wd, p);
}

/** Posterior q(z | x) of frames x (N, H, W, 3) in [−1, 1]: mean and log-variance (N, H/f, W/f, C). */
export function vaeEncode(params: ParamMap, cfg: VaeConfig, x: tf.Tensor4D): { mean: tf.Tensor4D; logvar: tf.Tensor4D } {
  const n = cfg.patches.length;
  let h: tf.Tensor4D = x;
  for (let i = 0; i < n; i++) {
    h = patchConv(h, params[`enc.${i}.w`], params[`enc.${i}.b`], cfg.patches[i]); // (N, ·/p_i, ·/p_i, ·)
    if (i < n - 1) h = tf.mul(h, tf.sigmoid(h)) as tf.Tensor4D; // SiLU
  }
  const c = cfg.latentChannels;
  const [mean, lv] = tf.split(h, [c, c], 3) as [tf.Tensor4D, tf.Tensor4D]; // (N, h, w, C) each
  return { mean, logvar: tf.clipByValue(lv, -30, 20) as tf.Tensor4D };
}

/** Frames (N, H, W, 3) (≈ [−1, 1], not clipped) from latents z (N, h, w, C). */
export function vaeDecode(params: ParamMap, cfg: VaeConfig, z: tf.Tensor4D): tf.Tensor4D {
  let h: tf.Tensor4D = z;
  for (let i = cfg.patches.length - 1; i >= 0; i--) {
    h = patchConvTranspose(h, params[`dec.${i}.w`], params[`dec.${i}.b`], cfg.patches[i]); // (N, ·p_i, ·p_i, ·)
    if (i > 0) h = tf.mul(h, tf.sigmoid(h)) as tf.Tensor4D; // SiLU
  }
  return h;
}

/**
 * The VAE training loss of frames x (N, H, W, 3) in [−1, 1] with reparameterisation noise
 * eps (N, h, w, C): MSE(decode(μ + σ·ε), x) + klWeight · mean KL per latent element.
 */
export function vaeLoss(params: ParamMap, cfg: VaeConfig, x: tf.Tensor4D, eps: tf.Tensor4D, klWeight: number): { loss: tf.Scalar; mse: tf.Scalar; kl: tf.Scalar } {
  const { mean, logvar } = vaeEncode(params, cfg, x);
  const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps)) as tf.Tensor4D; // (N, h, w, C)
  const rec = vaeDecode(params, cfg, z); // (N, H, W, 3)
  const mse = tf.mean(tf.squaredDifference(rec, x)) as tf.Scalar;
  const kl = tf.mul(0.5, tf.mean(tf.sub(tf.add(tf.square(mean), tf.exp(logvar)), tf.add(logvar, 1)))) as tf.Scalar;
  return { loss: tf.add(mse, tf.mul(kl, klWeight)) as tf.Scalar, mse, kl };
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

export const VAE_FORMAT = 'phylab-vae';
export const VAE_VERSION = 1;

export interface VaeMeta {
  format: typeof VAE_FORMAT;
  version: number;
  config: VaeConfig;
  /** Latent scale factor: encode returns mean · scale (1 / std of training latents; SD-1.5's is 0.18215). */
  scale: number;
  /** Frame shape [H, W, 3] the VAE was trained on (any H, W divisible by the factor works). */
  frameShape: number[];
  /** Seed of the initialisation and training. */
  seed: number;
  /** Optimizer steps trained. */
  steps: number;
  /** What it was trained on (one line). */
  data: string;
  /** Mean squared reconstruction error (pixels in [−1, 1], posterior mean) at the end of training, or null. */
  reconMse: number | null;
  /** Tensors of weights.bin, in order. */
  tensors: Array<{ name: string; shape: number[] }>;
  /** ISO date of the save. */
  saved: string;
  /** Size and SHA-256 of weights.bin, verified on load (absent in VAEs saved before it existed). */
  files?: Record<string, FileRecord>;
}

/** Reads `<dir>/vae.json`; ConfigError when missing or not a VAE checkpoint. */
export function readVaeMeta(dir: string): VaeMeta {
  const f = join(dir, 'vae.json');
  if (!existsSync(f)) throw new ConfigError(`autoencoder.weights: no VAE checkpoint in '${dir}' (expected ${f}; make one with 'phylab train-vae --out ${dir}')`);
  let meta: VaeMeta;
  try {
    meta = JSON.parse(readFileSync(f, 'utf8')) as VaeMeta;
  } catch (e) {
    throw new Error(`VAE checkpoint config ${f} is not valid JSON (${(e as Error).message}); restore it, or delete '${dir}' to train the VAE again`);
  }
  if (meta.format !== VAE_FORMAT) throw new ConfigError(`autoencoder.weights: '${dir}' is not a VAE checkpoint (format '${String(meta.format)}')`);
  if (meta.version !== VAE_VERSION) throw new ConfigError(`autoencoder.weights: VAE checkpoint '${dir}' has version ${meta.version}; this code reads version ${VAE_VERSION}`);
  validateVaeConfig(meta.config);
  return meta;
}

/** Writes `dir` (vae.json + weights.bin) via `<dir>.tmp` and renames. */
export async function saveVae(dir: string, params: ParamMap, meta: Omit<VaeMeta, 'format' | 'version' | 'tensors' | 'saved'>): Promise<void> {
  const tensors = vaeParamSpecs(meta.config).map((s) => ({ name: s.name, shape: s.shape }));
  const weights = await packTensors(params, tensors, 'saveVae');
  const full: VaeMeta = { format: VAE_FORMAT, version: VAE_VERSION, ...meta, tensors, saved: new Date().toISOString(), files: { 'weights.bin': fileRecord(weights) } };
  replaceFolder(dir, { 'weights.bin': weights, 'vae.json': JSON.stringify(full, null, 2) + '\n' });
}

/** Loads a VAE checkpoint folder; the tensors are owned by the caller. */
export function loadVae(dir: string): { meta: VaeMeta; params: ParamMap } {
  const meta = readVaeMeta(dir);
  const elems = meta.tensors.reduce((s, e) => s + e.shape.reduce((a, b) => a * b, 1), 0);
  const bytes = readVerifiedFile(join(dir, 'weights.bin'), elems * 4, meta.files?.['weights.bin'], `restore it, or delete '${dir}' to train the VAE again`);
  const params = unpackTensors(bytes, meta.tensors, 0, `VAE checkpoint '${dir}': weights.bin`);
  return { meta, params };
}
