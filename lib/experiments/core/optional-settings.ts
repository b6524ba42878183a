/**
 * Optional experiment settings (Experiment.optional): top-level settings that the default config
 * leaves out, so that adding one changed no default config, config hash or results folder. The
 * command line may set them like any other key; at the value their absence means they are dropped,
 * also where the profile's default sets them (id-ood quick's `dataPerSeed: true`; `--dataPerSeed=false`
 * gives the config without the key), so one config has one hash and one results folder.
 */
import { applyDotted } from '../../config/overrides';
import { stableStringify } from '../../config/hash';
import type { Experiment } from './experiment';

/** `base` with the command-line overrides applied, optional settings included (left out at the value their absence means). */
export function applyExperimentOverrides<C>(exp: Pick<Experiment<C>, 'optional' | 'choices'>, base: C, overrides: Readonly<Record<string, string>>): C {
  const optional = exp.optional ?? {};
  // an optional setting whose absence means null is unset by `--key=null` (even where the profile sets it to a number)
  const unset = Object.keys(overrides).filter((k) => k in optional && optional[k] === null && overrides[k] === 'null');
  const rest = Object.fromEntries(Object.entries(overrides).filter(([k]) => !unset.includes(k)));
  const widened = { ...structuredClone(optional), ...(base as object) } as C;
  const merged = applyDotted(widened, rest, exp.choices) as Record<string, unknown>;
  for (const k of unset) delete merged[k];
  for (const [k, absent] of Object.entries(optional)) {
    if (stableStringify(merged[k]) === stableStringify(absent)) delete merged[k];
  }
  return merged as C;
}

