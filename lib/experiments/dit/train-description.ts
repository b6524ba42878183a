/**
 * One line describing what a train unit trains, for `phylab exp <name> --dry-run`: tokens per
 * clip, parameter count, training steps and batch size, e.g.
 * `512 tokens, 22.46M params, 100000 steps × batch 256`.
 *
 * Description only: nothing here enters a unit's key or hash. The latent shape is computed without
 * a trained VAE, from the clip shape and the VAE's spatial factor and latent channels; when it cannot
 * be known (latents of an unstated VAE, or a shape the preset does not fit) only steps and batch are given.
 */
import { countParams } from '../../model/params';
import { tokenGeometry } from '../../model/dit-config';
import type { DiTConfig } from '../../model/dit-config';
import { modelConfigFor } from '../../model/presets';
import type { TrainConfig } from '../../train/train-config';

/** What the DiT's latent looks like for a frame VAE: spatial compression factor (vae.ts `vaeFactor`) and latent channels. */
export interface LatentGeometry {
  factor: number;
  channels: number;
}

export interface TrainDescriptionSpec {
  preset: string;
  /** Clip length T and frame side in pixels. */
  clip: { frames: number; size: number };
  train: Pick<TrainConfig, 'steps' | 'batchSize'>;
  /** Architecture fields over the preset's (e.g. a patch). */
  model?: Partial<DiTConfig>;
  /** 'pixel': the DiT diffuses pixels; a LatentGeometry: a VAE's latents; null: latents of an unknown VAE (steps only). */
  latent: 'pixel' | LatentGeometry | null;
}

/** The latent clip shape [T, H, W, C] the DiT sees, or null when it cannot be known. */
export function describedLatentShape(s: Pick<TrainDescriptionSpec, 'clip' | 'latent'>): [number, number, number, number] | null {
  const { frames, size } = s.clip;
  if (s.latent === 'pixel') return [frames, size, size, 3];
  if (s.latent === null || size % s.latent.factor !== 0) return null;
  return [frames, size / s.latent.factor, size / s.latent.factor, s.latent.channels];
}

/** Parameter count as e.g. '22.46M' (or '850.3k' below a million). */
export function formatParams(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`;
}

/** Tokens and parameters of the model a train unit builds, or null when its latent shape cannot be known. */
export function describedModel(s: TrainDescriptionSpec): { tokens: number; params: number } | null {
  const shape = describedLatentShape(s);
  if (!shape) return null;
  try {
    const cfg = modelConfigFor(s.preset, shape, s.model ?? {}, { pixels: s.latent === 'pixel' });
    return { tokens: tokenGeometry(cfg).tokens, params: countParams(cfg) };
  } catch {
    return null; // the preset does not fit this shape: the unit itself reports it when it runs
  }
}

/** The one-line description (see the module comment). */
export function describeTraining(s: TrainDescriptionSpec): string {
  const steps = `${s.train.steps} steps × batch ${s.train.batchSize}`;
  const m = describedModel(s);
  return m ? `${m.tokens} tokens, ${formatParams(m.params)} params, ${steps}` : steps;
}
