/** Run the CLI as a user does (a child process, `node bin/phylab.cjs …`), quietly; returns its status, stdout and stderr. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../lib/runtime/provenance';

export function phylab(args: string[]) {
  return spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'phylab.cjs'), ...args], { encoding: 'utf8', env: { ...process.env, PHYLAB_QUIET: '1' } });
}
