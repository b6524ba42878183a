/**
 * Configuration of the frame-conditioned video DiT (paper-spec §2) and its token geometry.
 *
 * The model denoises a latent clip (T, H, W, C) (with the pixel autoencoder: the video itself,
 * scaled to [−1, 1]). Its input per position is [noisy latent (C) | conditioning latent (C) |
 * mask (1)] concatenated on channels (paper §2.1–2.2); spacetime patches of pt × ph × pw positions
 * become tokens of pt·ph·pw·(2C + 1) values, and each token predicts pt·ph·pw·C values of v.
 */
import { ConfigError } from '../config/profile';
import { checkLayerImpl, LayerImpl } from './layer-impl';

export type PosEncoding = 'rope' | 'learned';
export type AdaLnMode = 'block' | 'single';

export interface DiTConfig {
  /** Latent clip [frames T, height H, width W, channels C] the model denoises. Default [8, 16, 16, 3] (quick clip, pixels). */
  latentShape: [number, number, number, number];
  /** Spacetime patch [frames, rows, cols] per token; must divide latentShape. Default [1, 4, 4]. */
  patch: [number, number, number];
  /** Hidden width D of every token. Default 64. */
  hidden: number;
  /** Number of DiT blocks. Default 4. */
  depth: number;
  /** Attention heads; hidden/heads is the head dim (≥ 32 recommended: environment-facts.md). Default 2. */
  heads: number;
  /** MLP hidden width as a multiple of `hidden`. Default 4 (DiT). */
  mlpRatio: number;
  /**
   * Position information: 'rope' = 3-D rotary embedding on q/k (the paper's choice, rope.ts);
   * 'learned' = a learned (tokens × hidden) table added after the patch embedding. Default 'rope'.
   */
  pos: PosEncoding;
  /** RoPE base (period scale of the lowest frequency). Default 10000. */
  ropeBase: number;
  /**
   * adaLN conditioning on the timestep: 'block' = adaLN-Zero with a (D → 6D) linear in every block
   * (DiT, Peebles & Xie 2023); 'single' = one shared (D → 6D) linear plus a learned 6D offset per
   * block (PixArt-α "adaLN-single"). Both start every block as the identity (zero-initialised
   * modulation). The paper's parameter counts (Tab 1) match 'single'. Default 'block'.
   */
  adaln: AdaLnMode;
  /** Size of the sinusoidal timestep features fed to the timestep MLP. Default 256 (DiT). */
  timeFreqDim: number;
  /**
   * Implementation of the layers with fused kernels (attention, LayerNorm-modulate, MLP, gated
   * residual; layer-impl.ts): 'fused' (native kernels where registered, else composite),
   * 'composite' (TypeScript ops, never a kernel) or 'reference' (autograd). Absent = 'fused'.
   * Not part of any unit key (fused and composite differ by float rounding only).
   */
  impl?: LayerImpl;
}

export function defaultDiTConfig(): DiTConfig {
  return {
    latentShape: [8, 16, 16, 3],
    patch: [1, 4, 4],
    hidden: 64,
    depth: 4,
    heads: 2,
    mlpRatio: 4,
    pos: 'rope',
    ropeBase: 10000,
    adaln: 'block',
    timeFreqDim: 256,
  };
}

/** Token grid and sizes derived from a config. */
export interface TokenGeometry {
  /** Tokens along (t, y, x). */
  grid: [number, number, number];
  /** Tokens per clip N. */
  tokens: number;
  /** Positions per patch P = pt·ph·pw. */
  patchVolume: number;
  /** Values per input token: P·(2C + 1). */
  inDim: number;
  /** Values per output token: P·C. */
  outDim: number;
  /** Head dimension hidden/heads. */
  headDim: number;
  /** MLP width. */
  mlpHidden: number;
}

export function tokenGeometry(cfg: DiTConfig): TokenGeometry {
  const [t, h, w, c] = cfg.latentShape;
  const [pt, ph, pw] = cfg.patch;
  const grid: [number, number, number] = [t / pt, h / ph, w / pw];
  const p = pt * ph * pw;
  return {
    grid,
    tokens: grid[0] * grid[1] * grid[2],
    patchVolume: p,
    inDim: p * (2 * c + 1),
    outDim: p * c,
    headDim: cfg.hidden / cfg.heads,
    mlpHidden: Math.round(cfg.hidden * cfg.mlpRatio),
  };
}

function posInt(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** Throws a ConfigError naming the field and the allowed values when the config is unusable. */
export function validateDiTConfig(cfg: DiTConfig, prefix = 'model'): void {
  const fail = (key: string, msg: string) => {
    throw new ConfigError(`${prefix}.${key}: ${msg}`);
  };
  if (cfg.impl !== undefined) checkLayerImpl(cfg.impl, `${prefix}.impl`);
  if (!Array.isArray(cfg.latentShape) || cfg.latentShape.length !== 4 || !cfg.latentShape.every(posInt)) {
    fail('latentShape', `must be 4 positive integers [frames, height, width, channels], got ${JSON.stringify(cfg.latentShape)}`);
  }
  if (!Array.isArray(cfg.patch) || cfg.patch.length !== 3 || !cfg.patch.every(posInt)) {
    fail('patch', `must be 3 positive integers [frames, rows, cols], got ${JSON.stringify(cfg.patch)}`);
  }
  cfg.patch.forEach((p, i) => {
    if (cfg.latentShape[i] % p !== 0) fail('patch', `patch ${JSON.stringify(cfg.patch)} must divide the latent [${cfg.latentShape.slice(0, 3).join(', ')}] (axis ${i}: ${cfg.latentShape[i]} % ${p} ≠ 0)`);
  });
  for (const k of ['hidden', 'depth', 'heads', 'timeFreqDim'] as const) if (!posInt(cfg[k])) fail(k, `must be a positive integer, got ${cfg[k]}`);
  if (cfg.hidden % cfg.heads !== 0) fail('heads', `must divide hidden (${cfg.hidden}), got ${cfg.heads}`);
  if (!(cfg.mlpRatio > 0)) fail('mlpRatio', `must be > 0, got ${cfg.mlpRatio}`);
  if (cfg.timeFreqDim % 2 !== 0) fail('timeFreqDim', `must be even, got ${cfg.timeFreqDim}`);
  if (cfg.pos !== 'rope' && cfg.pos !== 'learned') fail('pos', `allowed: rope, learned; got '${cfg.pos}'`);
  if (cfg.adaln !== 'block' && cfg.adaln !== 'single') fail('adaln', `allowed: block, single; got '${cfg.adaln}'`);
  if (cfg.pos === 'rope') {
    const hd = cfg.hidden / cfg.heads;
    if (hd % 2 !== 0 || hd < 6) fail('heads', `RoPE needs an even head dim ≥ 6 (hidden/heads), got ${hd}`);
    if (!(cfg.ropeBase > 1)) fail('ropeBase', `must be > 1, got ${cfg.ropeBase}`);
  }
}
