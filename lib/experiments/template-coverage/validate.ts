/** Every setting of experiment `template-coverage` checked before any unit runs (Experiment.validate). */
import { ConfigError } from '../../config/profile';
import { PRESET_NAMES } from '../../model/presets';
import { validateTrainConfig } from '../../train/train-config';
import { checkChoice, checkChoiceList, checkInt, checkSeeds } from '../dit/settings-checks';
import { TEMPLATE_SET_SIZES, TemplateCoverageConfig } from './config';

export function validateTemplateCoverageConfig(c: TemplateCoverageConfig, seeds: number[]): void {
  checkSeeds(seeds);
  if (!Array.isArray(c.templateSets) || c.templateSets.length === 0) throw new ConfigError(`templateSets must be a non-empty list of ${TEMPLATE_SET_SIZES.join(' | ')}, got ${JSON.stringify(c.templateSets)}`);
  checkChoiceList('templateSets', c.templateSets.map(String), TEMPLATE_SET_SIZES.map(String));
  checkInt('perTemplate', c.perTemplate, 1);
  checkInt('dataSeed', c.dataSeed, 0);
  checkInt('frames', c.frames, 2, 1024);
  checkInt('size', c.size, 16, 1024);
  checkInt('stride', c.stride, 1, 1000);
  checkInt('condFrames', c.condFrames, 1, c.frames - 1);
  checkChoice('preset', c.preset, PRESET_NAMES);
  checkInt('sampleSteps', c.sampleSteps, 1, 10000);
  checkChoice('latent', c.latent, ['pixel', 'vae']);
  checkInt('vaePerTemplate', c.vaePerTemplate, 1);
  checkInt('vae.train.steps', c.vae.train.steps, 1);
  checkInt('vae.model.latentChannels', c.vae.model.latentChannels, 1);
  if (!(Array.isArray(c.patch) && c.patch.length === 3 && c.patch.every((p) => Number.isInteger(p) && p >= 1))) {
    throw new ConfigError(`patch must be [frames, rows, cols] of positive integers, got ${JSON.stringify(c.patch)}`);
  }
  checkInt('inCount', c.inCount, 1);
  checkInt('outCount', c.outCount, 2);
  checkInt('examples', c.examples, 0, c.outCount);
  validateTrainConfig(c.train, c.frames);
  if (!c.train.condFrames.includes(c.condFrames)) throw new ConfigError(`train.condFrames ${JSON.stringify(c.train.condFrames)} must include condFrames (${c.condFrames}), the number of frames the evaluation conditions on`);
}
