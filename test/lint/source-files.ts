/** The files under a folder, recursively, in directory order, whose name passes `keep` (default: `.ts` files). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function sourceFiles(dir: string, keep: (name: string) => boolean = (f) => f.endsWith('.ts')): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p, keep));
    else if (keep(f)) out.push(p);
  }
  return out;
}
