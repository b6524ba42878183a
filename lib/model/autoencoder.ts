/**
 * Frame autoencoders: what the DiT's "latent" is (paper-spec §2: the paper diffuses in the latent
 * space of a frozen (2+1)D-VAE).
 *
 * - `pixel` (default): the latent is the video itself, scaled to [−1, 1]; patches do the rest.
 * - `vae`: a small convolutional VAE trained on the simulator's frames (vae.ts, `phylab train-vae`),
 *   mirroring the paper's latent space: 16 px frames → 4×4×4 latents by default. `weights` names the
 *   VAE checkpoint folder. Encoding is deterministic (the posterior mean) times the checkpoint's
 *   latent scale factor; decoding divides by it. Weights load on the first encode/decode, so building
 *   one only to ask `latentShape` allocates no tensors.
 *
 * Autoencoders work frame by frame (no temporal compression), so conditioning frame k is latent
 * frame k and the conditioning mask stays exact.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../config/profile';
import { disposeParams, ParamMap } from './params';
import { VaeMeta, loadVae, readVaeMeta, vaeDecode, vaeEncode, vaeFactor } from './vae';

export type AutoencoderKind = 'pixel' | 'vae';
export const AUTOENCODER_KINDS: ReadonlyArray<AutoencoderKind> = ['pixel', 'vae'];

export interface AutoencoderConfig {
  /** 'pixel' (identity on [−1, 1] pixels) or 'vae' (a trained frame VAE, see `weights`). Default 'pixel'. */
  kind: AutoencoderKind;
  /** Folder of trained VAE weights (`phylab train-vae --out DIR`; kind 'vae' only, required there). Default null. */
  weights: string | null;
}

export function defaultAutoencoderConfig(): AutoencoderConfig {
  return { kind: 'pixel', weights: null };
}

export interface FrameAutoencoder {
  readonly kind: AutoencoderKind;
  /** Latent shape [T, h, w, c] for clips of `frameShape` [T, H, W, 3]. */
  latentShape(frameShape: readonly [number, number, number, number]): [number, number, number, number];
  /** Frames (B, T, H, W, 3) with values in [0, 255] → latents (B, T, h, w, c). */
  encode(frames: tf.Tensor5D): tf.Tensor5D;
  /** Latents → frames (B, T, H, W, 3) in [0, 255] (float, not rounded). */
  decode(latent: tf.Tensor5D): tf.Tensor5D;
  /** Free any weights. */
  dispose(): void;
}

/** The identity autoencoder on pixels: latent = frame / 127.5 − 1. */
export class PixelAutoencoder implements FrameAutoencoder {
  readonly kind = 'pixel' as const;

  latentShape(frameShape: readonly [number, number, number, number]): [number, number, number, number] {
    return [frameShape[0], frameShape[1], frameShape[2], frameShape[3]];
  }

  encode(frames: tf.Tensor5D): tf.Tensor5D {
    return tf.tidy(() => tf.sub(tf.div(frames, 127.5), 1) as tf.Tensor5D);
  }

  decode(latent: tf.Tensor5D): tf.Tensor5D {
    return tf.tidy(() => tf.clipByValue(tf.mul(tf.add(latent, 1), 127.5), 0, 255) as tf.Tensor5D);
  }

  dispose(): void {
    // no weights
  }
}

/** The trained frame VAE (vae.ts) as an autoencoder: latent = posterior mean · scale. */
export class VaeAutoencoder implements FrameAutoencoder {
  readonly kind = 'vae' as const;
  readonly meta: VaeMeta;
  readonly dir: string;
  private params: ParamMap | null = null;

  constructor(cfg: AutoencoderConfig) {
    if (!cfg.weights) {
      throw new ConfigError("autoencoder.weights: kind 'vae' needs the VAE checkpoint folder, e.g. --autoencoder.weights=runs/vae (make one with 'phylab train-vae --out runs/vae')");
    }
    this.dir = cfg.weights;
    this.meta = readVaeMeta(cfg.weights);
  }

  /** Spatial compression factor. */
  get factor(): number {
    return vaeFactor(this.meta.config);
  }

  latentShape(frameShape: readonly [number, number, number, number]): [number, number, number, number] {
    const [t, h, w, c] = frameShape;
    const f = this.factor;
    if (c !== 3) throw new ConfigError(`autoencoder 'vae': frames must have 3 channels, got ${c}`);
    if (h % f !== 0 || w % f !== 0) throw new ConfigError(`autoencoder 'vae': frame size ${h}×${w} is not divisible by the VAE's factor ${f} ('${this.dir}')`);
    return [t, h / f, w / f, this.meta.config.latentChannels];
  }

  /** Weights, loaded on first use and kept out of any enclosing tf.tidy. */
  private weights(): ParamMap {
    if (!this.params) {
      const { params } = loadVae(this.dir);
      for (const t of Object.values(params)) tf.keep(t);
      this.params = params;
    }
    return this.params;
  }

  encode(frames: tf.Tensor5D): tf.Tensor5D {
    const p = this.weights();
    const [b, t, h, w, c] = frames.shape;
    const [, lh, lw, lc] = this.latentShape([t, h, w, c]);
    return tf.tidy(() => {
      const x = tf.sub(tf.div(tf.reshape(frames, [b * t, h, w, c]), 127.5), 1) as tf.Tensor4D; // (B·T, H, W, 3) in [−1, 1]
      const { mean } = vaeEncode(p, this.meta.config, x); // (B·T, h, w, C)
      return tf.reshape(tf.mul(mean, this.meta.scale), [b, t, lh, lw, lc]) as tf.Tensor5D;
    });
  }

  decode(latent: tf.Tensor5D): tf.Tensor5D {
    const p = this.weights();
    const [b, t, lh, lw, lc] = latent.shape;
    const f = this.factor;
    return tf.tidy(() => {
      const z = tf.div(tf.reshape(latent, [b * t, lh, lw, lc]), this.meta.scale) as tf.Tensor4D; // (B·T, h, w, C)
      const x = vaeDecode(p, this.meta.config, z); // (B·T, H, W, 3) ≈ [−1, 1]
      return tf.reshape(tf.clipByValue(tf.mul(tf.add(x, 1), 127.5), 0, 255), [b, t, lh * f, lw * f, 3]) as tf.Tensor5D;
    });
  }

  dispose(): void {
    if (this.params) disposeParams(this.params);
    this.params = null;
  }
}

export function createAutoencoder(cfg: AutoencoderConfig = defaultAutoencoderConfig()): FrameAutoencoder {
  if (cfg.kind === 'pixel') return new PixelAutoencoder();
  if (cfg.kind === 'vae') return new VaeAutoencoder(cfg);
  throw new ConfigError(`autoencoder.kind: unknown '${String(cfg.kind)}'; allowed: ${AUTOENCODER_KINDS.join(', ')}`);
}

/** Uint8 clips (each T·H·W·3 values) → a float tensor (B, T, H, W, 3) in [0, 255]. */
export function framesToTensor(clips: ReadonlyArray<Uint8Array>, frameShape: readonly [number, number, number, number]): tf.Tensor5D {
  const per = frameShape[0] * frameShape[1] * frameShape[2] * frameShape[3];
  const buf = new Float32Array(per * clips.length);
  clips.forEach((c, i) => {
    if (c.length !== per) throw new Error(`framesToTensor: clip ${i} has ${c.length} values, expected ${per} (shape [${frameShape}])`);
    buf.set(c, i * per);
  });
  return tf.tensor5d(buf, [clips.length, ...frameShape] as [number, number, number, number, number]);
}

/** A float tensor (B, T, H, W, 3) in [0, 255] → rounded Uint8 clips. */
export async function tensorToFrames(frames: tf.Tensor5D): Promise<Uint8Array[]> {
  const [b] = frames.shape;
  const per = frames.size / b;
  const data = (await frames.data()) as Float32Array;
  const out: Uint8Array[] = [];
  for (let i = 0; i < b; i++) {
    const u = new Uint8Array(per);
    for (let j = 0; j < per; j++) u[j] = Math.min(255, Math.max(0, Math.round(data[i * per + j])));
    out.push(u);
  }
  return out;
}
