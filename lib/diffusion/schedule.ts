/**
 * Noise schedule ᾱ_t (the paper's γ_t, paper-spec §2 / [P A.2]) over T discrete timesteps,
 * t = 0 (almost clean) … T−1 (pure noise).
 *
 * - cosine (Nichol & Dhariwal 2021, Eq. 17): ᾱ(t) = f(t)/f(0), f(t) = cos²(((t/T) + s)/(1 + s)·π/2),
 *   built from β_t = min(1 − ᾱ(t+1)/ᾱ(t), 0.999) as in their code.
 * - linear (Ho et al. 2020): β from 1e-4 to 0.02.
 * - zero terminal SNR (Lin et al. 2024, Algorithm 1): shift and scale √ᾱ so that √ᾱ_{T−1} = 0
 *   while √ᾱ_0 is unchanged. The paper states its schedule ends at zero SNR (γ = 0 at the last
 *   step; the spec notes its "γ_t = 1 at t = 1" as a likely typo).
 */
import { ConfigError } from '../config/profile';

export type ScheduleKind = 'cosine' | 'linear';
export type SamplerKind = 'ddim' | 'ancestral';

export interface DiffusionConfig {
  /** Number of training timesteps T. Default 1000. */
  timesteps: number;
  /** Base schedule of ᾱ_t: 'cosine' or 'linear'. Default 'cosine'. */
  schedule: ScheduleKind;
  /** Offset s of the cosine schedule. Default 0.008 (Nichol & Dhariwal). */
  cosineS: number;
  /** Rescale to zero terminal SNR (Lin et al. 2024). Default true (the paper). */
  zeroTerminalSnr: boolean;
  /** Sampler: 'ddim' (deterministic, η = 0) or 'ancestral' (DDPM posterior, η = 1). Default 'ddim'. */
  sampler: SamplerKind;
  /** Sampling steps (≤ timesteps), spaced 'trailing' (Lin et al. 2024 §3.4). Default 20. */
  sampleSteps: number;
  /**
   * Classifier-free guidance weight w on the conditioning frames: v̂ = v̂_u + w·(v̂_c − v̂_u), v̂_u
   * the model's prediction without conditioning frames (Ho & Salimans 2022). Needs a model
   * trained with `train.condDropout` > 0. Default 1 (absent): v̂_c alone, one forward pass per step.
   */
  guidance?: number;
  /**
   * Extra factor on the frame autoencoder's latents: the model diffuses latents × latentScale (the
   * conditioning frames too) and sampling divides by it before decoding, so the signal-to-noise
   * ratio of every timestep is multiplied by latentScale² (Chen 2023, "On the importance of noise
   * scheduling"). The VAE already scales its latents to unit std. Default 1 (absent).
   */
  latentScale?: number;
}

/** The allowed extra latent scales, [lo, hi] (DiffusionConfig.latentScale). */
export const LATENT_SCALE_RANGE: readonly [number, number] = [0.05, 20];

/** The allowed classifier-free guidance weights, [lo, hi] (DiffusionConfig.guidance). */
export const GUIDANCE_RANGE: readonly [number, number] = [0, 20];

export function defaultDiffusionConfig(): DiffusionConfig {
  return { timesteps: 1000, schedule: 'cosine', cosineS: 0.008, zeroTerminalSnr: true, sampler: 'ddim', sampleSteps: 20 };
}

export function validateDiffusionConfig(cfg: DiffusionConfig, prefix = 'diffusion'): void {
  const fail = (k: string, m: string) => {
    throw new ConfigError(`${prefix}.${k}: ${m}`);
  };
  if (!Number.isInteger(cfg.timesteps) || cfg.timesteps < 2) fail('timesteps', `must be an integer ≥ 2, got ${cfg.timesteps}`);
  if (cfg.schedule !== 'cosine' && cfg.schedule !== 'linear') fail('schedule', `allowed: cosine, linear; got '${cfg.schedule}'`);
  if (!(cfg.cosineS >= 0)) fail('cosineS', `must be ≥ 0, got ${cfg.cosineS}`);
  if (cfg.sampler !== 'ddim' && cfg.sampler !== 'ancestral') fail('sampler', `allowed: ddim, ancestral; got '${cfg.sampler}'`);
  if (cfg.guidance !== undefined && !(cfg.guidance >= GUIDANCE_RANGE[0] && cfg.guidance <= GUIDANCE_RANGE[1])) fail('guidance', `must be in [${GUIDANCE_RANGE.join(', ')}], got ${cfg.guidance}`);
  if (cfg.latentScale !== undefined && !(cfg.latentScale >= LATENT_SCALE_RANGE[0] && cfg.latentScale <= LATENT_SCALE_RANGE[1])) fail('latentScale', `must be in [${LATENT_SCALE_RANGE.join(', ')}], got ${cfg.latentScale}`);
  if (!Number.isInteger(cfg.sampleSteps) || cfg.sampleSteps < 1 || cfg.sampleSteps > cfg.timesteps) {
    fail('sampleSteps', `must be an integer in [1, ${cfg.timesteps}], got ${cfg.sampleSteps}`);
  }
}

/** ᾱ_t and its square roots, float64. */
export class NoiseSchedule {
  /** ᾱ_t, t = 0 … T−1 (decreasing). */
  readonly alphaBar: Float64Array;
  /** √ᾱ_t (the signal coefficient α_t). */
  readonly signal: Float64Array;
  /** √(1 − ᾱ_t) (the noise coefficient σ_t). */
  readonly noise: Float64Array;

  constructor(readonly config: DiffusionConfig) {
    validateDiffusionConfig(config);
    const T = config.timesteps;
    const ab = config.schedule === 'cosine' ? cosineAlphaBar(T, config.cosineS) : linearAlphaBar(T);
    if (config.zeroTerminalSnr) rescaleZeroTerminalSnr(ab);
    this.alphaBar = ab;
    this.signal = ab.map((a) => Math.sqrt(a));
    this.noise = ab.map((a) => Math.sqrt(Math.max(0, 1 - a)));
  }

  get timesteps(): number {
    return this.config.timesteps;
  }

  /** Signal-to-noise ratio ᾱ/(1 − ᾱ) at t. */
  snr(t: number): number {
    return this.alphaBar[t] / (1 - this.alphaBar[t]);
  }
}

function cosineAlphaBar(T: number, s: number): Float64Array {
  const f = (t: number) => Math.cos((((t / T) + s) / (1 + s)) * (Math.PI / 2)) ** 2;
  const ab = new Float64Array(T);
  let prod = 1;
  for (let i = 0; i < T; i++) {
    const beta = Math.min(1 - f(i + 1) / f(i), 0.999);
    prod *= 1 - beta;
    ab[i] = prod;
  }
  return ab;
}

function linearAlphaBar(T: number): Float64Array {
  const ab = new Float64Array(T);
  let prod = 1;
  for (let i = 0; i < T; i++) {
    const beta = 1e-4 + ((0.02 - 1e-4) * i) / (T - 1);
    prod *= 1 - beta;
    ab[i] = prod;
  }
  return ab;
}

/** Lin et al. 2024, Algorithm 1: √ᾱ ← (√ᾱ − √ᾱ_{T−1})·√ᾱ_0/(√ᾱ_0 − √ᾱ_{T−1}), in place. */
export function rescaleZeroTerminalSnr(alphaBar: Float64Array): void {
  const n = alphaBar.length;
  const s0 = Math.sqrt(alphaBar[0]);
  const sT = Math.sqrt(alphaBar[n - 1]);
  for (let i = 0; i < n; i++) {
    const s = ((Math.sqrt(alphaBar[i]) - sT) * s0) / (s0 - sT);
    alphaBar[i] = s * s;
  }
  alphaBar[n - 1] = 0;
}

/**
 * Sampling timesteps, "trailing" spacing (Lin et al. 2024 §3.4, Tab 2): τ_i = round(T − i·T/S) − 1,
 * i = 0 … S−1, so the first step is T−1 (where the SNR is zero). Decreasing.
 */
export function samplingTimesteps(T: number, steps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < steps; i++) out.push(Math.round(T - (i * T) / steps) - 1);
  return out;
}
