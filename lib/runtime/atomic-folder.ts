/**
 * Replace a folder's contents all at once: the files are written into `<dir>.tmp`, then the old
 * folder is moved to `<dir>.old`, the new one renamed into place and the old one removed, so a kill
 * at any moment leaves either the previous folder or the new one (plus leftovers that the next
 * write clears). Used for DiT checkpoints and VAE weights.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `files` (name → content) as the whole of folder `dir`, atomically as described above. */
export function replaceFolder(dir: string, files: Record<string, string | Uint8Array>): void {
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(tmp, name), content);
  const old = `${dir}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}
