/** Every setting of experiment `id-ood` checked before any unit runs (Experiment.validate). */
import { PRESET_NAMES } from '../../model/presets';
import { SCENARIOS } from '../../sim/scenes';
import { IdOodConfig, SEED_CELLS } from './config';
import { checkChoice, checkChoiceList, checkClipSettings, checkInt, checkIntList, checkSeeds } from '../dit/settings-checks';
import { ConfigError } from '../../config/profile';

export function validateIdOodConfig(c: IdOodConfig, seeds: number[]): void {
  checkSeeds(seeds);
  checkChoiceList('scenarios', c.scenarios, SCENARIOS);
  checkChoiceList('presets', c.presets, PRESET_NAMES);
  checkIntList('dataSizes', c.dataSizes, 1);
  checkInt('idCount', c.idCount, 1);
  checkInt('oodCount', c.oodCount, 1);
  checkInt('examples', c.examples, 0, Math.min(c.idCount, c.oodCount));
  for (const s of c.scenarios) checkInt(`frameStride.${s}`, c.frameStride?.[s], 1, 1000);
  checkChoice('latent', c.latent, ['pixel', 'vae']);
  if (c.patch !== null && !(Array.isArray(c.patch) && c.patch.length === 3 && c.patch.every((p) => Number.isInteger(p) && p >= 1))) {
    throw new ConfigError(`patch must be null (the latent's default) or [frames, rows, cols] of positive integers, got ${JSON.stringify(c.patch)}`);
  }
  if (c.latent === 'vae') {
    checkInt('vae.train.steps', c.vae.train.steps, 1);
    checkInt('vae.train.batchSize', c.vae.train.batchSize, 1);
    checkInt('vae.model.latentChannels', c.vae.model.latentChannels, 1);
  }
  if (c.seedCells !== undefined) checkChoice('seedCells', c.seedCells, SEED_CELLS);
  if (c.dataPerSeed !== undefined && typeof c.dataPerSeed !== 'boolean') throw new ConfigError(`dataPerSeed must be true or false, got ${JSON.stringify(c.dataPerSeed)}`);
  if (c.lrWidthRef !== undefined && c.lrWidthRef !== null) checkInt('lrWidthRef', c.lrWidthRef, 1);
  checkClipSettings(c);
}
