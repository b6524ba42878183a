/**
 * Frame autoencoders: what the DiT's "latent" is (paper-spec §2: the paper diffuses in the latent
 * space of a frozen (2+1)D-VAE).
 *
 * - `pixel` (default): the latent is the video itself, scaled to [−1, 1]; patches do the rest.
 * - `vae`: a small convolutional VAE trained on the simulator's frames, mirroring the paper's
 *   latent space. NOT IMPLEMENTED YET: creating it throws a ConfigError saying so.
 *
 * Autoencoders work frame by frame (no temporal compression), so conditioning frame k is latent
 * frame k and the conditioning mask stays exact.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../config/profile';

export type AutoencoderKind = 'pixel' | 'vae';
export const AUTOENCODER_KINDS: ReadonlyArray<AutoencoderKind> = ['pixel', 'vae'];

export interface AutoencoderConfig {
  /** 'pixel' (identity on [−1, 1] pixels) or 'vae' (not implemented yet). Default 'pixel'. */
  kind: AutoencoderKind;
  /** Folder of trained VAE weights (kind 'vae' only). Default null. */
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

/** Placeholder for the small convolutional VAE (see module comment). */
export class VaeAutoencoder implements FrameAutoencoder {
  readonly kind = 'vae' as const;

  constructor(_cfg: AutoencoderConfig) {
    throw new ConfigError(
      "autoencoder.kind=vae: the small convolutional frame VAE is not implemented yet; use autoencoder.kind=pixel " +
        '(the default: the DiT then works on pixel patches)',
    );
  }

  latentShape(): [number, number, number, number] {
    throw new Error('VaeAutoencoder: not implemented');
  }

  encode(): tf.Tensor5D {
    throw new Error('VaeAutoencoder: not implemented');
  }

  decode(): tf.Tensor5D {
    throw new Error('VaeAutoencoder: not implemented');
  }

  dispose(): void {
    // nothing
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
