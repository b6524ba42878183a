/**
 * Optional experiment settings (Experiment.optional): top-level settings that the default config
 * leaves out, so that adding one changed no default config, config hash or results folder. The
 * command line may set them like any other key; at the value their absence means they are dropped.
 */
import { applyDotted } from '../../config/overrides';
import { stableStringify } from '../../config/hash';
import type { Experiment } from './experiment';

/** `base` with the command-line overrides applied, optional settings included (dropped again at their default). */
export function applyExperimentOverrides<C>(exp: Pick<Experiment<C>, 'optional' | 'choices'>, base: C, overrides: Readonly<Record<string, string>>): C {
  const optional = exp.optional ?? {};
  const own = new Set(Object.keys(base as object));
  const widened = { ...structuredClone(optional), ...(base as object) } as C;
  const merged = applyDotted(widened, overrides, exp.choices) as Record<string, unknown>;
  for (const [k, absent] of Object.entries(optional)) {
    if (!own.has(k) && stableStringify(merged[k]) === stableStringify(absent)) delete merged[k];
  }
  return merged as C;
}

