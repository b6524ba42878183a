/**
 * Typed unit results. A unit kind declares its result's TypeScript type and its schema together
 * (`resultKind<T>(schema)`); a unit returns `toJson(value)` (the compiler checks that the value is
 * plain JSON data) and `summarize` reads `resultOf(results, id, kind)`, typed and checked against
 * the schema, instead of casting `Json` to what it hopes the result is.
 */
import type { Json } from './experiment';
import { checkSchema, Schema } from './unit-schemas';

/** A unit kind's result: its type T and the schema the runner checks it against. */
export interface ResultKind<T> {
  readonly schema: Schema;
  /** Type-level only: never set. */
  readonly __type?: T;
}

export function resultKind<T>(schema: Schema): ResultKind<T> {
  return { schema };
}

/** T when it is made of JSON values only (strings, finite numbers, booleans, null, arrays and plain objects of these); never otherwise. */
export type JsonCompatible<T> = T extends string | number | boolean | null
  ? T
  : T extends ReadonlyArray<infer U>
    ? ReadonlyArray<JsonCompatible<U>>
    : T extends (...args: never[]) => unknown
      ? never
      : T extends ArrayBufferView
        ? never
        : T extends object
          ? { [K in keyof T]: JsonCompatible<T[K]> }
          : never;

/** A typed value as a unit result or key: checked at compile time to be JSON data (no functions, no typed arrays). */
export function toJson<T>(value: T & JsonCompatible<T>): Json {
  return value as unknown as Json;
}

/**
 * The result of unit `id` as its kind's type, or undefined when the unit has none. The runner
 * validated it already; it is checked again here, so a result of another kind is an error naming
 * the unit, never a silently wrong field.
 */
export function resultOf<T>(results: Record<string, Json>, id: string, kind: ResultKind<T>): T | undefined {
  const r = results[id];
  if (r === undefined) return undefined;
  const bad = checkSchema(r, kind.schema);
  if (bad) throw new Error(`unit ${id}: its result does not fit the expected schema (${bad})`);
  return r as unknown as T;
}
