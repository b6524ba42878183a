/**
 * Named DiT sizes (the DiT `models.py` preset-table pattern). Presets fix the architecture; the
 * latent clip shape comes from the data and the autoencoder (`modelConfigFor`).
 *
 * - `tiny` (smoke): plumbing only.
 * - `q64` / `q96` / `q128` (quick): 16 px, 8 frames, 4×4 patches = 128 tokens, depth 4, head dim 32;
 *   the sizes the CPU calibration found trainable (environment-facts.md, last section).
 * - `DiT-S/B/L/XL` (paper): layers/width/heads of paper Tab 1. With 'single' adaLN (PixArt-α) and
 *   the paper token shape below they have 22.46M / 89.42M / 309.97M / 455.99M parameters
 *   (paper: 22.5M / 89.5M / 310M / 456M). Per-block adaLN-Zero would add 6·D² per block
 *   (DiT-S: 31.9M), so the paper's counts imply a shared modulation.
 */
import { Profile } from '../config/profile';
import { ConfigError } from '../config/profile';
import { DiTConfig, defaultDiTConfig, validateDiTConfig } from './dit-config';

/** The architecture part of a DiTConfig. */
export type DiTPreset = Pick<DiTConfig, 'hidden' | 'depth' | 'heads' | 'patch' | 'adaln' | 'pos' | 'mlpRatio'>;

export const DIT_PRESETS: Readonly<Record<string, DiTPreset>> = {
  tiny: { hidden: 32, depth: 2, heads: 1, patch: [1, 4, 4], adaln: 'block', pos: 'rope', mlpRatio: 4 },
  q64: { hidden: 64, depth: 4, heads: 2, patch: [1, 4, 4], adaln: 'block', pos: 'rope', mlpRatio: 4 },
  q96: { hidden: 96, depth: 4, heads: 3, patch: [1, 4, 4], adaln: 'block', pos: 'rope', mlpRatio: 4 },
  q128: { hidden: 128, depth: 4, heads: 4, patch: [1, 4, 4], adaln: 'block', pos: 'rope', mlpRatio: 4 },
  'DiT-S': { hidden: 384, depth: 12, heads: 6, patch: [1, 2, 2], adaln: 'single', pos: 'rope', mlpRatio: 4 },
  'DiT-B': { hidden: 768, depth: 12, heads: 12, patch: [1, 2, 2], adaln: 'single', pos: 'rope', mlpRatio: 4 },
  'DiT-L': { hidden: 1024, depth: 24, heads: 16, patch: [1, 2, 2], adaln: 'single', pos: 'rope', mlpRatio: 4 },
  'DiT-XL': { hidden: 1152, depth: 28, heads: 16, patch: [1, 2, 2], adaln: 'single', pos: 'rope', mlpRatio: 4 },
};

export const PRESET_NAMES = Object.keys(DIT_PRESETS);

/** Presets that belong to each profile; the first is the profile's default. */
export const PROFILE_PRESETS: Readonly<Record<Profile, ReadonlyArray<string>>> = {
  smoke: ['tiny'],
  quick: ['q64', 'q96', 'q128'],
  paper: ['DiT-S', 'DiT-B', 'DiT-L', 'DiT-XL'],
};

/**
 * The paper's latent clip as assumed here (the paper does not state it, paper-spec §9): 32 frames
 * of 128 px through a VAE with 8× spatial and 4× temporal compression and 4 channels (SD-1.5
 * heritage) = 8 × 16 × 16 × 4; with 1×2×2 patches (DiT/2) that is 512 tokens of 36 input values.
 */
export const PAPER_LATENT_SHAPE: [number, number, number, number] = [8, 16, 16, 4];

/**
 * Patch for a paper preset on raw pixels (autoencoder 'pixel'): the one that gives the same 8×8×8
 * token grid as the paper latent with 1×2×2 patches (128 px × 32 frames → 4×16×16), or null when
 * the clip does not divide evenly. The embedding then has P·7 inputs per token instead of 36, so
 * the parameter count is above Tab 1 (DiT-S: +12%).
 */
export function pixelPatchForPaperGrid(frameShape: readonly [number, number, number, number]): [number, number, number] | null {
  const [t, h, w] = frameShape;
  if (t % 8 !== 0 || h % 8 !== 0 || w % 8 !== 0) return null;
  return [t / 8, h / 8, w / 8];
}

/** Parameter counts of paper Tab 1, for the presets of the same name. */
export const PAPER_PARAM_COUNTS: Readonly<Record<string, number>> = {
  'DiT-S': 22.5e6,
  'DiT-B': 89.5e6,
  'DiT-L': 310.0e6,
  'DiT-XL': 456.0e6,
};

export function defaultPresetFor(profile: Profile): string {
  return PROFILE_PRESETS[profile][0];
}

export function getPreset(name: string, param = 'preset'): DiTPreset {
  const p = DIT_PRESETS[name];
  if (!p) throw new ConfigError(`${param}: unknown model preset '${name}'; allowed: ${PRESET_NAMES.join(', ')}`);
  return p;
}

/** How the DiT sees its clip: `pixels` true when it diffuses raw pixels (autoencoder 'pixel'). */
export interface ModelInput {
  pixels?: boolean;
}

/**
 * The one model-config builder (every run goes through it: `ditRunConfig`, `phylab train`, the
 * experiments' train units and their `--dry-run` descriptions, the benches): the preset's
 * architecture on the given latent clip, then field overrides. A paper preset (DiT-S/B/L/XL) on
 * raw pixels without a `patch` override gets `pixelPatchForPaperGrid` (the paper's 8×8×8 = 512-token
 * grid, e.g. 4×16×16 on 32 × 128 px) instead of its 1×2×2, which is meant for VAE latents.
 */
export function modelConfigFor(preset: string, latentShape: [number, number, number, number], overrides: Partial<DiTConfig> = {}, input: ModelInput = {}): DiTConfig {
  const p = getPreset(preset);
  const paperGrid = input.pixels && overrides.patch === undefined && PROFILE_PRESETS.paper.includes(preset) ? pixelPatchForPaperGrid(latentShape) : null;
  const cfg: DiTConfig = {
    ...defaultDiTConfig(),
    ...structuredClone(p),
    ...(paperGrid ? { patch: paperGrid } : {}),
    latentShape: [...latentShape] as [number, number, number, number],
    ...structuredClone(overrides),
  };
  validateDiTConfig(cfg);
  return cfg;
}

/**
 * Orders preset names from the smallest model to the largest (width² × depth, a proxy for the
 * parameter count: q64 < q96 < q128, DiT-S < DiT-B < DiT-L); unknown names after the known ones, by name.
 */
export function comparePresets(a: string, b: string): number {
  const size = (n: string) => {
    const p = DIT_PRESETS[n];
    return p ? p.hidden * p.hidden * p.depth : Infinity;
  };
  const d = size(a) - size(b);
  return Number.isNaN(d) || d === 0 ? a.localeCompare(b, undefined, { numeric: true }) : d;
}
