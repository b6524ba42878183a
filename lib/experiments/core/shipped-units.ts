/**
 * Shipped unit results: a copy of every finished unit's result in the summary folder,
 * `<outDir>/units/<unit-hash>.json.gz` (gzip-compressed JSON). They ship with the repository
 * (results, never checkpoints), so a clean clone reuses them as cached units.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Json, Unit } from './experiment';
import type { UnitMeta, UnitRecord } from './unit-cache';

/** A unit result as kept in a summary folder (`units/<hash>.json.gz`). */
export interface ShippedUnit {
  id: string;
  version: string;
  key: Json;
  result: Json;
  meta: UnitMeta;
}

/** A shipped unit file: gzip-compressed JSON (the frames of example clips compress ≈ 10x). */
export const shippedFile = (outDir: string, hash: string) => join(outDir, 'units', `${hash}.json.gz`);

export function readShippedUnit(outDir: string, hash: string): ShippedUnit | undefined {
  const file = shippedFile(outDir, hash);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as ShippedUnit;
  } catch {
    throw new Error(`corrupt shipped result ${file}: delete it to recompute the unit`);
  }
}

export function shippedMeta(outDir: string, hash: string): UnitMeta {
  const m = readShippedUnit(outDir, hash)?.meta ?? { seconds: null, commit: null, backend: null };
  return { seconds: m.seconds ?? null, commit: m.commit ?? null, backend: m.backend ?? null };
}

export function writeShippedUnit(outDir: string, u: Unit, rec: UnitRecord, result: Json): void {
  mkdirSync(join(outDir, 'units'), { recursive: true });
  const value: ShippedUnit = { id: u.id, version: u.version, key: u.key, result, meta: { seconds: rec.seconds, commit: rec.commit, backend: rec.backend } };
  const file = shippedFile(outDir, rec.hash);
  const bytes = gzipSync(Buffer.from(JSON.stringify(value) + '\n', 'utf8'), { level: 9 }); // gzip header without a time stamp: same bytes each time
  if (existsSync(file) && readFileSync(file).equals(bytes)) return; // unchanged: keep the file as it is
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}
