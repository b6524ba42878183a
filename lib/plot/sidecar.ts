/**
 * JSON sidecars: every exported figure or table `<base>.<ext>` gets `<base>.json` recording what
 * produced it (config, seed, git commit, date, node, argv, backend from lib/runtime/provenance.ts),
 * the files written with their SHA-256, and export details (size, scale, tool versions).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { provenance, Provenance } from '../runtime/provenance';

export interface SidecarInput {
  /** What was exported. */
  kind: 'figure' | 'table';
  /** Format → written file path. Stored as file names relative to the sidecar's folder. */
  files: Record<string, string>;
  /** Format → file contents, for the checksums. */
  contents: Record<string, string | Uint8Array>;
  /** The resolved config of the run that produced the data (any JSON value); default null. */
  config?: unknown;
  /** The run's seed; default null. */
  seed?: number | null;
  /** Anything else worth keeping (export size, scale, source file, tool versions…). */
  extra?: Record<string, unknown>;
}

export interface Sidecar extends Provenance {
  kind: 'figure' | 'table';
  /** The base name shared by the files (no folder, no extension). */
  name: string;
  /** Format → file name, relative to the sidecar. */
  files: Record<string, string>;
  /** Format → hex SHA-256 of the file. */
  sha256: Record<string, string>;
  [key: string]: unknown;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Build the sidecar object for files sharing the base path `base` (e.g. 'out/fig2' → out/fig2.json). */
export function buildSidecar(base: string, input: SidecarInput): Sidecar {
  const files: Record<string, string> = {};
  const sums: Record<string, string> = {};
  for (const [fmt, path] of Object.entries(input.files)) {
    files[fmt] = basename(path);
    const c = input.contents[fmt];
    if (c !== undefined) sums[fmt] = sha256(c);
  }
  return {
    kind: input.kind,
    name: basename(base),
    files,
    sha256: sums,
    ...provenance(input.config ?? null, input.seed ?? null),
    ...(input.extra ?? {}),
  };
}

/** Write `<base>.json` and return its path. */
export function writeSidecar(base: string, input: SidecarInput): string {
  const file = `${base}.json`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(buildSidecar(base, input), null, 2) + '\n');
  return file;
}

/** Strip a known output extension so 'out/fig2.svg' and 'out/fig2' name the same base. */
export function stripExtension(path: string, exts: ReadonlyArray<string>): string {
  for (const e of exts) if (path.toLowerCase().endsWith(`.${e}`)) return path.slice(0, -(e.length + 1));
  return path;
}
