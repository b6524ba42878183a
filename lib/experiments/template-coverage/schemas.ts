/** Result schemas of the units of experiment `template-coverage` (checked by the runner, see unit-schemas.ts). */
import type { Schema } from '../core/unit-schemas';

const num = (nullable = false): Schema => ({ kind: 'number', nullable });

/** One scored video (scores.ts VideoScore). */
export const TC_VIDEO: Schema = {
  kind: 'object',
  fields: {
    index: { kind: 'integer', min: 0 },
    template: { kind: 'integer', min: 0 },
    ssim: num(),
    psnr: num(),
    lpipsSim: num(),
    spatialIou: num(),
    spatiotemporalIou: num(),
    weightedSpatialIou: num(),
    maskedMse: num(),
    abnormal: { kind: 'boolean' },
    abnormalKinds: { kind: 'array' },
    abnormalDefault: { kind: 'boolean' },
  },
};

/** A scored set (scores.ts SetScores): at least one video. */
export const TC_SET: Schema = { kind: 'object', fields: { videos: { kind: 'array', items: TC_VIDEO, minItems: 1 }, fvdSim: num(true) } };

/** `features`: the training reports of both feature nets. */
export const TC_FEATURES: Schema = {
  kind: 'object',
  fields: { frame: { kind: 'object', fields: { trainAccuracy: num() } }, video: { kind: 'object', fields: { trainAccuracy: num() } } },
};

/** `floor`: one scored set per '<templates>/<split>'. */
export const TC_FLOOR: Schema = { kind: 'record', values: TC_SET, minKeys: 1 };

/** `vae`: its meta and the scored reconstructions per '<templates>/<split>'. */
export const TC_VAE: Schema = {
  kind: 'object',
  fields: { meta: { kind: 'object', fields: { reconMse: { kind: 'number', min: 0 }, steps: { kind: 'integer', min: 1 } } }, recon: TC_FLOOR },
};

/** `eval/t<templates>/s<seed>`: both splits. */
export const TC_EVAL: Schema = { kind: 'object', fields: { 'in-template': TC_SET, 'out-of-template': TC_SET } };
