/** Result schemas of the attribute-priority units (lib/experiments/unit-schemas.ts language). */
import type { Schema } from '../core/unit-schemas';
import { resultKind } from '../core/unit-results';
import type { AttrEval } from './experiment';
import type { ReadersResult } from './vae-readers';

const num = (nullable = false): Schema => ({ kind: 'number', nullable });
const str: Schema = { kind: 'string' };

export const ATTR_VAE: Schema = { kind: 'object', fields: { reconMse: num(), scale: num(), steps: { kind: 'integer', min: 1 }, seconds: num() } };
/** What unit `vae` returns: the VAE's training summary (its weights are in the unit folder). */
export interface AttrVaeResult {
  /** null when the trainer scored no batch (the schema refuses such a result: the unit is not done). */
  reconMse: number | null;
  scale: number;
  steps: number;
  seconds: number;
}
export const ATTR_VAE_RESULT = resultKind<AttrVaeResult>(ATTR_VAE);

const READER_SCORE: Schema = { kind: 'object', fields: { n: { kind: 'integer', min: 1 }, colorAccuracy: num(), shapeAccuracy: num(), sizeErrorP95: num(), velocityErrorP95: num() } };

export const ATTR_READERS: Schema = {
  kind: 'object',
  fields: { gt: READER_SCORE, vae: READER_SCORE, gtGenerated: READER_SCORE, vaeGenerated: READER_SCORE, tolerance: { kind: 'object', fields: { size: num(), velocity: num() } } },
};
/** Unit `readers`, typed (read it with resultOf(results, 'readers', ATTR_READERS_RESULT)). */
export const ATTR_READERS_RESULT = resultKind<ReadersResult>(ATTR_READERS);

const RECORD: Schema = {
  kind: 'object',
  fields: {
    split: str,
    combo: { kind: 'integer', min: 0 },
    index: { kind: 'integer', min: 0 },
    condition: { kind: 'object', fields: { color: str, shape: str, size: num(), velocity: num() } },
    // colour and shape may be null (nothing read): the schema language has no nullable strings, so only the numbers are checked
    generated: { kind: 'object', fields: { size: num(true), velocity: num(true) } },
  },
};

export const ATTR_EVAL: Schema = { kind: 'object', fields: { records: { kind: 'array', items: RECORD, minItems: 1 }, examples: { kind: 'array' } } };
/** Unit `eval/<pair>/s<seed>`, typed. */
export const ATTR_EVAL_RESULT = resultKind<AttrEval>(ATTR_EVAL);
