/**
 * Size and SHA-256 records of saved binary files (DiT checkpoints, VAE weights), written beside
 * them in their JSON manifest and verified on load, so an altered or truncated file is an error
 * naming it rather than a silently different model.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

export interface FileRecord {
  bytes: number;
  sha256: string;
}

/** The record of `bytes`. */
export function fileRecord(bytes: Uint8Array): FileRecord {
  return { bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Reads `file`, checking its size against `expectBytes` (from the tensor manifest, or what
 * `source` names: a model card) and, when a record exists, its SHA-256. Errors name the file and end
 * with `remedy`.
 */
export function readVerifiedFile(file: string, expectBytes: number, rec: FileRecord | undefined, remedy: string, source = 'the manifest'): Buffer {
  if (!existsSync(file)) throw new Error(`${file} is missing; ${remedy}`);
  const bytes = readFileSync(file);
  if (bytes.byteLength !== expectBytes) throw new Error(`${file} has ${bytes.byteLength} bytes, ${source} needs ${expectBytes} (truncated, or from another model); ${remedy}`);
  if (rec) {
    const got = fileRecord(bytes).sha256;
    if (got !== rec.sha256) throw new Error(`${file} fails its checksum (SHA-256 ${got.slice(0, 12)}…, recorded ${rec.sha256.slice(0, 12)}…): it was altered or damaged after it was saved; ${remedy}`);
  }
  return bytes;
}
