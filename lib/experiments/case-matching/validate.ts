/** Settings of the case-matching experiments (direction-flip, velocity-gap) checked before any unit runs. */
import { PRESET_NAMES } from '../../model/presets';
import type { CaseMatchingBase } from './units';
import { checkChoice, checkClipSettings, checkInt, checkLatentPatch, checkSeeds } from '../dit/settings-checks';

export function validateCaseMatchingBase(c: CaseMatchingBase, seeds: number[]): void {
  checkSeeds(seeds);
  checkChoice('preset', c.preset, PRESET_NAMES);
  checkInt('dataSize', c.dataSize, 1);
  checkInt('evalCount', c.evalCount, 1);
  checkClipSettings(c);
  checkLatentPatch(c);
}
