/**
 * Strict dotted overrides for plain config objects (the nanoGPT `configurator.py` pattern):
 * `--train.steps=500` sets `config.train.steps`. An unknown key, a wrong type or a value outside
 * a declared choice list is a `ConfigError` naming the key and what is allowed.
 */
import { ConfigError } from './profile';

/** Allowed string values per dotted key, e.g. `{ 'model.preset': ['tiny', 'q64'] }`. */
export type Choices = Readonly<Record<string, ReadonlyArray<string>>>;

type Plain = Record<string, unknown>;

/** A number in decimal notation, exponent allowed. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isPlainObject(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** Deep merge of `patch` into a copy of `base`; arrays and scalars are replaced. Strict on keys. */
export function deepMerge<T>(base: T, patch: unknown, path = ''): T {
  if (patch === undefined) return structuredClone(base);
  if (!isPlainObject(base) || !isPlainObject(patch)) return structuredClone(patch) as T;
  const out: Plain = structuredClone(base) as Plain;
  for (const [k, v] of Object.entries(patch)) {
    const key = path ? `${path}.${k}` : k;
    if (!(k in out)) throw new ConfigError(`unknown config key '${key}'; allowed at this level: ${Object.keys(out).join(', ')}`);
    if (v === undefined) continue;
    const cur = out[k];
    if (isPlainObject(cur)) {
      if (!isPlainObject(v)) throw new ConfigError(`config key '${key}' is a section (${Object.keys(cur).join(', ')}), not a value`);
      out[k] = deepMerge(cur, v, key);
    } else {
      checkType(key, cur, v);
      out[k] = structuredClone(v);
    }
  }
  return out as T;
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v;
}

function checkType(key: string, current: unknown, next: unknown): void {
  if (current === null || current === undefined) return; // nullable fields accept anything
  const want = typeName(current);
  const got = typeName(next);
  if (want !== got) throw new ConfigError(`config key '${key}' must be a ${want}, got ${got} ${JSON.stringify(next)}`);
}

/** Parse one CLI value against the type of the current value. */
export function parseValue(key: string, raw: string, current: unknown): unknown {
  const want = typeName(current);
  switch (want) {
    case 'number': {
      const n = Number(raw);
      // decimal notation only (Number() also takes '0x10', '0b1', ' 5 ', 'Infinity')
      if (!DECIMAL.test(raw) || !Number.isFinite(n)) throw new ConfigError(`config key '${key}' must be a number, got '${raw}' (decimal notation, e.g. 500, 0.5, 1e-3)`);
      // an integer setting written with an exponent ('1e1') is almost always a slip: ask for the digits
      if (Number.isInteger(current) && Number.isInteger(n) && /[eE]/.test(raw)) throw new ConfigError(`config key '${key}' is an integer setting: write it in digits (${n}), got '${raw}'`);
      return n;
    }
    case 'boolean':
      if (raw === 'true' || raw === '1' || raw === '') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new ConfigError(`config key '${key}' must be true or false, got '${raw}'`);
    case 'string':
      return raw;
    case 'array': {
      const arr = current as unknown[];
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        parsed = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      }
      const elem = arr.length > 0 ? arr[0] : undefined;
      // a list of strings keeps its items text: '--sets=1' is ['1'] as '--sets=1,2' is ['1', '2'] (JSON alone would give [1])
      if (!Array.isArray(parsed)) parsed = [typeof elem === 'string' && typeof parsed !== 'string' ? raw.trim() : parsed];
      else if (typeof elem === 'string') parsed = parsed.map((p) => (typeof p === 'number' || typeof p === 'boolean' ? String(p) : p));
      return (parsed as unknown[]).map((p, i) => (elem === undefined || typeof p !== 'string' ? p : parseValue(`${key}[${i}]`, p, elem)));
    }
    case 'object':
      throw new ConfigError(`config key '${key}' is a section (${Object.keys(current as Plain).join(', ')}); set one of its fields, e.g. --${key}.${Object.keys(current as Plain)[0]}=…`);
    default: {
      // null or undefined defaults: accept JSON when it parses, else the raw string
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    }
  }
}

/** Look up a dotted key; throws a ConfigError listing the allowed keys at the failing level. */
export function getPath(config: unknown, dotted: string): unknown {
  let cur: unknown = config;
  const parts = dotted.split('.');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (!isPlainObject(cur) || !(p in cur)) {
      const at = parts.slice(0, i).join('.');
      const allowed = isPlainObject(cur) ? Object.keys(cur).join(', ') : '(none: not a section)';
      throw new ConfigError(`unknown config key '${dotted}'; allowed ${at ? `under '${at}'` : 'at the top level'}: ${allowed}`);
    }
    cur = cur[p];
  }
  return cur;
}

/** Apply `{ 'a.b': 'raw string' }` overrides (from the CLI) to a copy of `config`, strictly. */
export function applyDotted<T>(config: T, overrides: Readonly<Record<string, string>>, choices: Choices = {}): T {
  let out = structuredClone(config);
  for (const [key, raw] of Object.entries(overrides)) {
    const current = getPath(out, key);
    const value = parseValue(key, raw, current);
    const allowed = choices[key];
    if (allowed && !allowed.includes(String(value))) {
      throw new ConfigError(`config key '${key}': '${raw}' is not allowed; allowed: ${allowed.join(', ')}`);
    }
    out = deepMerge(out, nest(key, value));
  }
  return out;
}

function nest(dotted: string, value: unknown): Plain {
  const parts = dotted.split('.');
  let obj: Plain = { [parts[parts.length - 1]]: value };
  for (let i = parts.length - 2; i >= 0; i--) obj = { [parts[i]]: obj };
  return obj;
}

/** Validate `choices` against an already-merged config (for overrides given as objects). */
export function checkChoices(config: unknown, choices: Choices): void {
  for (const [key, allowed] of Object.entries(choices)) {
    const v = getPath(config, key);
    if (!allowed.includes(String(v))) throw new ConfigError(`config key '${key}': '${String(v)}' is not allowed; allowed: ${allowed.join(', ')}`);
  }
}
