/** Settings of the case-matching experiments (direction-flip, velocity-gap) checked before any unit runs. */
import { PRESET_NAMES } from '../../model/presets';
import type { CaseMatchingBase } from './units';
import { checkChoice, checkClipSettings, checkInt, checkSeeds } from '../dit/settings-checks';
import { ConfigError } from '../../config/profile';

export function validateCaseMatchingBase(c: CaseMatchingBase, seeds: number[]): void {
  checkSeeds(seeds);
  checkChoice('preset', c.preset, PRESET_NAMES);
  checkInt('dataSize', c.dataSize, 1);
  checkInt('evalCount', c.evalCount, 1);
  checkClipSettings(c);
  if (!Array.isArray(c.patch) || c.patch.length !== 3) throw new ConfigError(`patch must be [frames, rows, cols], got ${JSON.stringify(c.patch)}`);
  c.patch.forEach((p, i) => checkInt(`patch[${i}]`, p, 1, 64));
  if (c.latent === 'vae' && c.frames % c.patch[0] !== 0) throw new ConfigError(`patch[0] must divide frames (${c.frames}), got ${c.patch[0]}`);
}
