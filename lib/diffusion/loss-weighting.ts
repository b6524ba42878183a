/**
 * Per-sample weights of the v-prediction loss over timesteps.
 *
 * - 'none': every sample weighs 1 (the project's behaviour before this option existed).
 * - 'min-snr' (Hang et al. 2023, "Min-SNR-γ"): the x₀-space weight min(SNR_t, γ); for a
 *   v-prediction loss that is w_t = min(SNR_t, γ)/(SNR_t + 1) (their Eq. for v, as in diffusers'
 *   `snr_gamma` option), since ‖v̂ − v‖² = (SNR_t + 1)·‖x̂₀ − x₀‖². At zero terminal SNR the last
 *   timestep (SNR 0) gets weight 0.
 */
import { ConfigError } from '../config/profile';
import type { NoiseSchedule } from './schedule';

export type LossWeighting = 'none' | 'min-snr';
export const LOSS_WEIGHTINGS: ReadonlyArray<LossWeighting> = ['none', 'min-snr'];

export interface LossWeightingConfig {
  /** Absent = 'none'. */
  lossWeighting?: LossWeighting;
  /** γ of Min-SNR-γ. Absent = 5 (Hang et al.'s default). */
  minSnrGamma?: number;
}

export function validateLossWeighting(cfg: LossWeightingConfig, prefix = 'train'): void {
  const w = cfg.lossWeighting;
  if (w !== undefined && !LOSS_WEIGHTINGS.includes(w)) throw new ConfigError(`${prefix}.lossWeighting: allowed: ${LOSS_WEIGHTINGS.join(', ')}; got '${String(w)}'`);
  if (cfg.minSnrGamma !== undefined && !(cfg.minSnrGamma > 0 && Number.isFinite(cfg.minSnrGamma))) throw new ConfigError(`${prefix}.minSnrGamma: must be a finite number > 0, got ${cfg.minSnrGamma}`);
}

/** Weight of each sample's loss (null: all 1, the loss is left as it was). */
export function lossWeights(cfg: LossWeightingConfig, schedule: NoiseSchedule, ts: ReadonlyArray<number>): Float32Array | null {
  const kind = cfg.lossWeighting ?? 'none';
  if (kind === 'none') return null;
  const gamma = cfg.minSnrGamma ?? 5;
  const out = new Float32Array(ts.length);
  ts.forEach((t, i) => {
    const ab = schedule.alphaBar[t];
    // SNR = ᾱ/(1 − ᾱ); w = min(SNR, γ)/(SNR + 1) = min(ᾱ/(1 − ᾱ), γ)·(1 − ᾱ)
    out[i] = ab >= 1 ? 0 : Math.min(ab / (1 - ab), gamma) * (1 - ab);
  });
  return out;
}
