/**
 * The training recipe of the e2e bench (lib/bench/e2e-bench.ts) and its command-line overrides
 * (`--train.lr=2e-3 --train.lrSchedule=cosine --diffusion.sampleSteps=30`, issue #17).
 *
 * The base is id-ood's `quick` training settings with the bench's step cap as `train.steps`
 * (so a decaying schedule ends at the cap; `--train.steps=N` moves both), the optional recipe
 * fields filled in at their defaults (train-config.ts) and the default diffusion settings with
 * id-ood's sampling steps.
 */
import { applyDotted } from '../config/overrides';
import { ConfigError } from '../config/profile';
import { DiffusionConfig, defaultDiffusionConfig, validateDiffusionConfig } from '../diffusion/schedule';
import { LOSS_WEIGHTINGS } from '../diffusion/loss-weighting';
import { TIMESTEP_SAMPLINGS } from '../diffusion/timestep-sampling';
import type { IdOodConfig } from '../experiments/id-ood/config';
import { LR_SCHEDULES, TrainConfig, validateTrainConfig, withRecipeDefaults, withoutRecipeDefaults } from '../train/train-config';

export interface E2eRecipe {
  train: TrainConfig;
  diffusion: DiffusionConfig;
}

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
export function defaultE2eRecipe(c: Pick<IdOodConfig, 'train' | 'sampleSteps'>, maxSteps = E2E_MAX_STEPS): E2eRecipe {
  return {
    train: withRecipeDefaults({ ...c.train, steps: maxSteps }),
    diffusion: { ...defaultDiffusionConfig(), sampleSteps: c.sampleSteps },
  };
}

/** The default recipe with dotted overrides (`train.*`, `diffusion.*`) applied strictly and validated. */
export function resolveE2eRecipe(c: Pick<IdOodConfig, 'train' | 'sampleSteps' | 'frames'>, overrides: Readonly<Record<string, string>>, maxSteps = E2E_MAX_STEPS): E2eRecipe {
  for (const k of Object.keys(overrides)) {
    if (!k.startsWith('train.') && !k.startsWith('diffusion.')) throw new ConfigError(`e2e bench: override '--${k}' is not a recipe key; allowed: --train.<key>, --diffusion.<key>`);
  }
  const r = applyDotted(defaultE2eRecipe(c, maxSteps), overrides, E2E_CHOICES as unknown as Record<string, ReadonlyArray<string>>);
  validateTrainConfig(r.train, c.frames);
  validateDiffusionConfig(r.diffusion);
  return { train: withoutRecipeDefaults(r.train), diffusion: r.diffusion };
}

/** `key: default → value` for every recipe field that differs from the default recipe (one line each). */
export function recipeChanges(c: Pick<IdOodConfig, 'train' | 'sampleSteps'>, r: E2eRecipe, maxSteps = E2E_MAX_STEPS): string[] {
  const base = defaultE2eRecipe(c, maxSteps);
  const full = { train: withRecipeDefaults(r.train), diffusion: r.diffusion };
  const out: string[] = [];
  for (const sec of ['train', 'diffusion'] as const) {
    const a = base[sec] as unknown as Record<string, unknown>;
    const b = full[sec] as unknown as Record<string, unknown>;
    for (const k of Object.keys(b)) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(`${sec}.${k}: ${JSON.stringify(a[k])} → ${JSON.stringify(b[k])}`);
  }
  return out;
}
