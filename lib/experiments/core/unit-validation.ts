/**
 * The runner's checks on unit results and unit folders: a result counts (is cached, shipped or
 * summarised) only when it fits its unit's schema (unit-schemas.ts), and a forced unit starts
 * from an empty folder.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Json, Unit } from './experiment';
import { checkSchema, NON_EMPTY } from './unit-schemas';

/** Why `result` is not a valid result of unit `u` (null when it is). */
export function invalidResult(u: Pick<Unit, 'schema'>, result: Json | undefined): string | null {
  return checkSchema(result, u.schema ?? NON_EMPTY);
}

/** Empty a unit's cache folder (checkpoints, logs, result), keeping its lock: the unit then runs from scratch. */
export function clearUnitFolder(dir: string): void {
  for (const f of readdirSync(dir)) if (f !== 'lock') rmSync(join(dir, f), { recursive: true, force: true });
}
