/** Result schemas of the units of experiment `template-coverage` (checked by the runner, see unit-schemas.ts). */
import type { Schema } from '../core/unit-schemas';
import { resultKind } from '../core/unit-results';
import type { SetScores } from './scores';

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
/** One feature net's training report as unit `features` stores it (lib/metrics/feature-nets.ts TrainReport, less path and cached). */
export interface FeatureNetReport {
  seconds: number;
  firstLoss: number;
  lastLoss: number;
  trainAccuracy: number;
}
export const TC_FEATURES_RESULT = resultKind<{ frame: FeatureNetReport; video: FeatureNetReport }>(TC_FEATURES);

/** `floor`: one scored set per '<templates>/<split>'. */
export const TC_FLOOR: Schema = { kind: 'record', values: TC_SET, minKeys: 1 };
export const TC_FLOOR_RESULT = resultKind<Record<string, SetScores>>(TC_FLOOR);

/** `vae`: its meta and the scored reconstructions per '<templates>/<split>'. */
export const TC_VAE: Schema = {
  kind: 'object',
  fields: { meta: { kind: 'object', fields: { reconMse: { kind: 'number', min: 0 }, steps: { kind: 'integer', min: 1 } } }, recon: TC_FLOOR },
};
/** Unit `vae`: reconMse is null when the trainer scored no batch (the schema refuses such a result). */
export interface TcVaeResult {
  meta: { reconMse: number | null; scale: number; steps: number };
  recon: Record<string, SetScores>;
}
export const TC_VAE_RESULT = resultKind<TcVaeResult>(TC_VAE);

/** `eval/t<templates>/s<seed>`: both splits. */
export const TC_EVAL: Schema = { kind: 'object', fields: { 'in-template': TC_SET, 'out-of-template': TC_SET } };
/** One split of an eval unit: its scores and the generations kept for filmstrips (base64 (T, H, W, 3) uint8 clips). */
export type TcEvalSet = SetScores & { examples?: Array<{ index: number; generated: string; truth: string }> };
export interface TcEvalResult {
  'in-template': TcEvalSet;
  'out-of-template': TcEvalSet;
}
export const TC_EVAL_RESULT = resultKind<TcEvalResult>(TC_EVAL);
