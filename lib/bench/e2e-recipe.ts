/**
 * The training recipe of the e2e bench (lib/bench/e2e-bench.ts) and its command-line overrides
 * (`--train.lr=2e-3 --train.lrSchedule=cosine --diffusion.sampleSteps=30 --model.depth=8`, issue #17).
 *
 * The base is id-ood's `quick` training settings before the recipe became their default (constantLrQuickConfig) with the bench's step cap as `train.steps`
 * (so a decaying schedule ends at the cap; `--train.steps=N` moves both), the optional recipe
 * fields filled in at their defaults (train-config.ts), the default diffusion settings with
 * id-ood's sampling steps, and the bench model's architecture (`model.*`: the q64 preset's width,
 * depth, heads, MLP ratio and id-ood's patch on the latents) for width-vs-depth and
 * tokens-per-frame trials.
 */
import { applyDotted } from '../config/overrides';
import { ConfigError } from '../config/profile';
import { DiffusionConfig, defaultDiffusionConfig, validateDiffusionConfig } from '../diffusion/schedule';
import { LOSS_WEIGHTINGS } from '../diffusion/loss-weighting';
import { TIMESTEP_SAMPLINGS } from '../diffusion/timestep-sampling';
import { IdOodConfig, resolvedPatch } from '../experiments/id-ood/config';
import { DIT_PRESETS } from '../model/presets';
import { LR_SCHEDULES, TrainConfig, validateTrainConfig, withRecipeDefaults, withoutRecipeDefaults } from '../train/train-config';

/** The architecture fields a trial may change (over the bench preset's). */
export interface E2eModel {
  /** Width (channels per token). q64: 64. */
  hidden: number;
  /** Transformer blocks. q64: 4. */
  depth: number;
  /** Attention heads (hidden must divide by it). q64: 2. */
  heads: number;
  /** MLP width over hidden. q64: 4. */
  mlpRatio: number;
  /** Spacetime patch [frames, rows, cols] on the latents: tokens per frame = (H/rows)·(W/cols). id-ood's: 1×2×2 on the VAE's 4×4 latents (4 tokens per frame). */
  patch: [number, number, number];
}

export interface E2eRecipe {
  train: TrainConfig;
  diffusion: DiffusionConfig;
  model: E2eModel;
}

/** The bench's model preset (its defaults for `model.*`). */
export const E2E_PRESET = 'q64';

/** Default step cap of the bench (also the decay horizon of a decaying schedule). */
export const E2E_MAX_STEPS = 30_000;

export const E2E_CHOICES = {
  'train.lrSchedule': LR_SCHEDULES,
  'train.timestepSampling': TIMESTEP_SAMPLINGS,
  'train.lossWeighting': LOSS_WEIGHTINGS,
  'diffusion.schedule': ['cosine', 'linear'],
  'diffusion.sampler': ['ddim', 'ancestral'],
} as const;

/** The bench's default recipe for experiment config `c` (cap: `maxSteps`). */
export function defaultE2eRecipe(c: Pick<IdOodConfig, 'train' | 'sampleSteps' | 'patch' | 'latent'>, maxSteps = E2E_MAX_STEPS): E2eRecipe {
  const p = DIT_PRESETS[E2E_PRESET];
  return {
    // condDropout, guidance and latentScale written out at their 'off' values so the bench takes them as overrides
    train: { ...withRecipeDefaults({ ...c.train, steps: maxSteps }), condDropout: 0 },
    diffusion: { ...defaultDiffusionConfig(), sampleSteps: c.sampleSteps, guidance: 1, latentScale: 1 },
    model: { hidden: p.hidden, depth: p.depth, heads: p.heads, mlpRatio: p.mlpRatio, patch: [...(resolvedPatch(c) ?? p.patch)] as [number, number, number] },
  };
}

/** ConfigError naming the `model.*` key when the architecture cannot be built. */
function validateE2eModel(m: E2eModel): void {
  const int = (k: keyof E2eModel, v: number, lo: number) => {
    if (!Number.isInteger(v) || v < lo) throw new ConfigError(`e2e bench: --model.${k} must be an integer ≥ ${lo}, got ${v}`);
  };
  int('hidden', m.hidden, 1);
  int('depth', m.depth, 1);
  int('heads', m.heads, 1);
  if (m.hidden % m.heads !== 0) throw new ConfigError(`e2e bench: --model.hidden (${m.hidden}) must be a multiple of --model.heads (${m.heads})`);
  if (!(m.mlpRatio > 0)) throw new ConfigError(`e2e bench: --model.mlpRatio must be > 0, got ${m.mlpRatio}`);
  if (m.patch.length !== 3 || m.patch.some((v) => !Number.isInteger(v) || v < 1)) throw new ConfigError(`e2e bench: --model.patch must be three integers ≥ 1 (frames,rows,cols), got ${JSON.stringify(m.patch)}`);
}

/** The default recipe with dotted overrides (`train.*`, `diffusion.*`) applied strictly and validated. */
export function resolveE2eRecipe(c: Pick<IdOodConfig, 'train' | 'sampleSteps' | 'frames' | 'patch' | 'latent'>, overrides: Readonly<Record<string, string>>, maxSteps = E2E_MAX_STEPS): E2eRecipe {
  for (const k of Object.keys(overrides)) {
    if (!k.startsWith('train.') && !k.startsWith('diffusion.') && !k.startsWith('model.')) throw new ConfigError(`e2e bench: override '--${k}' is not a recipe key; allowed: --train.<key>, --diffusion.<key>, --model.<hidden|depth|heads|mlpRatio|patch>`);
  }
  const r = applyDotted(defaultE2eRecipe(c, maxSteps), overrides, E2E_CHOICES as unknown as Record<string, ReadonlyArray<string>>);
  validateTrainConfig(r.train, c.frames);
  validateDiffusionConfig(r.diffusion);
  validateE2eModel(r.model);
  const diffusion = { ...r.diffusion };
  if (diffusion.guidance === 1) delete diffusion.guidance;
  if (diffusion.latentScale === 1) delete diffusion.latentScale;
  return { train: withoutRecipeDefaults(r.train), diffusion, model: r.model };
}

/** `key: default → value` for every recipe field that differs from the default recipe (one line each). */
export function recipeChanges(c: Pick<IdOodConfig, 'train' | 'sampleSteps' | 'patch' | 'latent'>, r: Omit<E2eRecipe, 'model'> & { model?: E2eModel }, maxSteps = E2E_MAX_STEPS): string[] {
  const base = defaultE2eRecipe(c, maxSteps);
  // records from before `model.*` have no model section: the bench's default architecture
  const full = { train: withRecipeDefaults(r.train), diffusion: r.diffusion, model: r.model ?? base.model };
  const out: string[] = [];
  for (const sec of ['train', 'diffusion', 'model'] as const) {
    const a = base[sec] as unknown as Record<string, unknown>;
    const b = full[sec] as unknown as Record<string, unknown>;
    for (const k of Object.keys(b)) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(`${sec}.${k}: ${JSON.stringify(a[k])} → ${JSON.stringify(b[k])}`);
  }
  return out;
}
