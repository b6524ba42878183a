/**
 * Schemas of unit results, one per unit kind, checked by the runner (unit-validation.ts) before a
 * result counts as done, is shipped into `units/` or is summarised: a `result.json` of `null` or
 * `{}` (a hand edit, a bug, a truncated copy) is never taken for a finished unit.
 *
 * The schema language is deliberately tiny (numbers, integers, strings, booleans, nullable values,
 * objects with required fields, arrays and string-keyed records); objects may carry more fields
 * than listed, so adding a field to a result never invalidates the shipped ones.
 */
import type { Json } from './experiment';

export type Schema =
  | { kind: 'number'; nullable?: boolean; min?: number }
  | { kind: 'integer'; min?: number }
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'object'; fields: Record<string, Schema>; optional?: ReadonlyArray<string> }
  | { kind: 'array'; items?: Schema; minItems?: number }
  | { kind: 'record'; values: Schema; minKeys?: number }
  /** Any JSON value that is not null, not an empty object and not an empty array. */
  | { kind: 'nonEmpty' };

const num = (opts: { nullable?: boolean; min?: number } = {}): Schema => ({ kind: 'number', ...opts });
const int = (min = 0): Schema => ({ kind: 'integer', min });

/** What a train unit returns (dit-units.ts TrainResult). */
export const TRAIN_RESULT: Schema = {
  kind: 'object',
  fields: { steps: int(1), finalLoss: num({ nullable: true }), seconds: num({ min: 0 }), params: int(1), stepSeconds: num({ min: 0 }) },
  optional: ['stepSeconds'],
};

/** One evaluation set of id-ood (id-ood-eval.ts SetScore): a mean may be null when no video had a usable step. */
export const SET_SCORE: Schema = {
  kind: 'object',
  fields: {
    error: num({ nullable: true }),
    errorMask: num({ nullable: true }),
    errorAll: num({ nullable: true }),
    n: int(0),
    nDropped: int(0),
    nanCount: int(0),
    videos: { kind: 'array' },
  },
};

/** id-ood `floor/<scenario>` and `eval/<tag>`: one SetScore per evaluation set (at least one). */
export const ID_OOD_SETS: Schema = { kind: 'record', values: SET_SCORE, minKeys: 1 };

/** id-ood `vae/<scenario>`: the VAE's meta and its reconstruction floor per set. */
export const ID_OOD_VAE: Schema = {
  kind: 'object',
  fields: { meta: { kind: 'object', fields: { reconMse: num({ min: 0 }), steps: int(1) } }, recon: ID_OOD_SETS },
};

/** One evaluated video of a case-matching experiment (case-matching-units.ts EvalRecord). */
export const EVAL_RECORD: Schema = {
  kind: 'object',
  fields: { index: int(0), conditionVelocity: num(), generatedVelocity: num({ nullable: true }), steps: int(0), intact: { kind: 'boolean' } },
};

/** direction-flip and velocity-gap `eval/<tag>`: the per-video records (at least one). */
export const CASE_EVAL: Schema = { kind: 'object', fields: { videos: { kind: 'array', items: EVAL_RECORD, minItems: 1 } } };

/** direction-flip and velocity-gap `vae/uniform`: the frame VAE's training summary and its velocity floors (case-matching/vae.ts). */
const FLOOR: Schema = { kind: 'object', fields: { error: num({ nullable: true }), n: int(0) } };
export const CASE_VAE: Schema = {
  kind: 'object',
  fields: { meta: { kind: 'object', fields: { reconMse: num({ nullable: true, min: 0 }), steps: int(1) } }, recon: FLOOR, truth: FLOOR },
};

/** Any unit without a schema of its own: some value, not null, not an empty object or array. */
export const NON_EMPTY: Schema = { kind: 'nonEmpty' };

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** The first way `value` breaks `schema`, as `path: what` (null when it conforms). */
export function checkSchema(value: Json | undefined, schema: Schema, path = 'result'): string | null {
  switch (schema.kind) {
    case 'number':
      if (value === null && schema.nullable) return null;
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${path}: expected a number${schema.nullable ? ' or null' : ''}, got ${typeOf(value)}`;
      if (schema.min !== undefined && value < schema.min) return `${path}: expected ≥ ${schema.min}, got ${value}`;
      return null;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return `${path}: expected an integer, got ${typeOf(value)} ${JSON.stringify(value)}`;
      if (schema.min !== undefined && value < schema.min) return `${path}: expected an integer ≥ ${schema.min}, got ${value}`;
      return null;
    case 'string':
    case 'boolean':
      return typeof value === schema.kind ? null : `${path}: expected a ${schema.kind}, got ${typeOf(value)}`;
    case 'array': {
      if (!Array.isArray(value)) return `${path}: expected an array, got ${typeOf(value)}`;
      if (schema.minItems !== undefined && value.length < schema.minItems) return `${path}: expected at least ${schema.minItems} item(s), got ${value.length}`;
      if (schema.items) {
        for (let i = 0; i < value.length; i++) {
          const e = checkSchema(value[i], schema.items, `${path}[${i}]`);
          if (e) return e;
        }
      }
      return null;
    }
    case 'object': {
      if (typeOf(value) !== 'object') return `${path}: expected an object, got ${typeOf(value)}`;
      const obj = value as Record<string, Json>;
      for (const [k, s] of Object.entries(schema.fields)) {
        if (!(k in obj)) {
          if (schema.optional?.includes(k)) continue;
          return `${path}.${k}: missing`;
        }
        const e = checkSchema(obj[k], s, `${path}.${k}`);
        if (e) return e;
      }
      return null;
    }
    case 'nonEmpty':
      if (value === null || value === undefined) return `${path}: expected a value, got ${typeOf(value)}`;
      if (Array.isArray(value) ? value.length === 0 : typeof value === 'object' && Object.keys(value).length === 0) return `${path}: empty`;
      return null;
    case 'record': {
      if (typeOf(value) !== 'object') return `${path}: expected an object, got ${typeOf(value)}`;
      const entries = Object.entries(value as Record<string, Json>);
      if (schema.minKeys !== undefined && entries.length < schema.minKeys) return `${path}: expected at least ${schema.minKeys} entr${schema.minKeys === 1 ? 'y' : 'ies'}, got ${entries.length}`;
      for (const [k, v] of entries) {
        const e = checkSchema(v, schema.values, `${path}.${k}`);
        if (e) return e;
      }
      return null;
    }
  }
}
