/**
 * How training draws the diffusion timestep of each sample (t = 0 almost clean … T−1 pure noise).
 *
 * - 'uniform': t ~ U{0 … T−1} (Ho et al. 2020; the project's behaviour before this option existed,
 *   one `rng.int(T)` per sample, so runs without the option draw exactly the same timesteps).
 * - 'logit-normal' (Esser et al. 2024, SD3 §3.1, "lognorm(m, s)"): u = sigmoid(m + s·n), n ~ N(0, 1),
 *   t = min(T−1, ⌊u·T⌋). m > 0 puts more samples at high noise, m < 0 at low noise; s widens it.
 *   One `rng.normal()` per sample.
 */
import { ConfigError } from '../config/profile';
import type { Rng } from '../rng/rng';

export type TimestepSampling = 'uniform' | 'logit-normal';
export const TIMESTEP_SAMPLINGS: ReadonlyArray<TimestepSampling> = ['uniform', 'logit-normal'];

export interface TimestepSamplingConfig {
  /** Absent = 'uniform'. */
  timestepSampling?: TimestepSampling;
  /** Location m of the logit-normal. Absent = 0 (SD3's best, lognorm(0, 1)). */
  logitNormalMean?: number;
  /** Scale s > 0 of the logit-normal. Absent = 1. */
  logitNormalStd?: number;
}

export function validateTimestepSampling(cfg: TimestepSamplingConfig, prefix = 'train'): void {
  const s = cfg.timestepSampling;
  if (s !== undefined && !TIMESTEP_SAMPLINGS.includes(s)) throw new ConfigError(`${prefix}.timestepSampling: allowed: ${TIMESTEP_SAMPLINGS.join(', ')}; got '${String(s)}'`);
  if (cfg.logitNormalMean !== undefined && !Number.isFinite(cfg.logitNormalMean)) throw new ConfigError(`${prefix}.logitNormalMean: must be a finite number, got ${cfg.logitNormalMean}`);
  if (cfg.logitNormalStd !== undefined && !(cfg.logitNormalStd > 0 && Number.isFinite(cfg.logitNormalStd))) throw new ConfigError(`${prefix}.logitNormalStd: must be a finite number > 0, got ${cfg.logitNormalStd}`);
}

/** One timestep in [0, T) per sample, drawn from `rng` as the config says. */
export function sampleTimesteps(cfg: TimestepSamplingConfig, T: number, count: number, rng: Rng): number[] {
  const kind = cfg.timestepSampling ?? 'uniform';
  const out: number[] = [];
  if (kind === 'uniform') {
    for (let i = 0; i < count; i++) out.push(rng.int(T));
    return out;
  }
  const m = cfg.logitNormalMean ?? 0;
  const s = cfg.logitNormalStd ?? 1;
  for (let i = 0; i < count; i++) {
    const u = 1 / (1 + Math.exp(-(m + s * rng.normal())));
    out.push(Math.min(T - 1, Math.floor(u * T)));
  }
  return out;
}
