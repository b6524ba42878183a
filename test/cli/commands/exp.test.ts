/** `phylab exp`: bad settings fail before any unit, with one line naming the setting (issue 15, items 6 and 11). */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from '../../../lib/cli/args';
import { command } from '../../../lib/cli/commands/exp';
import { ConfigError } from '../../../lib/config/profile';
import { REPO_ROOT } from '../../../lib/runtime/provenance';

/** Run `phylab exp …` in this process (as lib/cli/main.ts does, without the exit-code mapping). */
const exp = async (argv: string[]) => command.run(parseArgs(command, argv));

describe('cli: phylab exp rejects bad settings up front', function () {
  this.timeout(60_000);
  const cases: Array<{ args: string[]; error: RegExp }> = [
    { args: ['id-ood', '--sampleSteps=0', '--dry-run'], error: /sampleSteps must be an integer in \[1, 10000\], got 0/ },
    { args: ['id-ood', '--scenarios=bogus', '--print-config'], error: /scenarios: 'bogus' is not allowed; allowed: uniform, collision, parabola/ },
    { args: ['id-ood', '--idCount=0', '--dry-run'], error: /idCount must be an integer ≥ 1, got 0/ },
    { args: ['id-ood', '--frameStride.uniform=0', '--print-config'], error: /frameStride\.uniform must be an integer in \[1, 1000\], got 0/ },
    { args: ['id-ood', '--seedCells=some', '--print-config'], error: /config key 'seedCells': 'some' is not allowed; allowed: headline, all/ },
    { args: ['direction-flip', '--sets=Set-9', '--dry-run'], error: /sets: unknown set 'Set-9'/ },
    { args: ['velocity-gap', '--evalVelocity=[[3,1]]', '--dry-run'], error: /evalVelocity must be a non-empty list of speed bands/ },
    { args: ['direction-flip', 'extra', '--dry-run'], error: /unexpected argument 'extra' for 'phylab exp'/ },
    { args: ['id-ood', '--seeds=1,,2', '--dry-run'], error: /--seeds must be a comma-separated list without empty entries/ },
    { args: ['id-ood', '--seeds=0x10', '--dry-run'], error: /--seeds must be non-negative decimal integers/ },
    { args: ['id-ood', '--idCount=1e1', '--dry-run'], error: /'idCount' is an integer setting: write it in digits \(10\)/ },
    { args: ['id-ood', '--force=nothing/*', '--dry-run'], error: /--force='nothing\/\*' matches no unit/ },
  ];
  for (const c of cases) {
    it(`${c.args.join(' ')}: a ConfigError naming the setting`, async () => {
      await assert.rejects(exp(c.args), (e: Error) => e instanceof ConfigError && c.error.test(e.message));
    });
  }

  it('exits 2 with the message on one line (child process)', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'phylab.cjs'), 'exp', 'id-ood', '--scenarios=bogus', '--dry-run'], { encoding: 'utf8', env: { ...process.env, PHYLAB_QUIET: '1' } });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /Cannot read properties|TypeError/);
  });
});

describe('cli: phylab exp --dry-run describes train units', function () {
  this.timeout(60_000);
  it('prints tokens, parameters, steps and batch after a train unit id, nothing after an eval id (paper profile, nothing cached)', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'phylab.cjs'), 'exp', 'id-ood', '--profile', 'paper', '--dry-run', '--cache', join(REPO_ROOT, 'data', 'cache', 'no-such-units')], { encoding: 'utf8', env: { ...process.env, PHYLAB_QUIET: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ {2}to run {2}train\/uniform\/DiT-S\/n30000\/s1 {2}\d+ tokens, [\d.]+M params, 100000 steps × batch 256$/m);
    assert.match(r.stdout, /^ {2}to run {2}eval\/uniform\/DiT-S\/n30000\/s1$/m);
  });
});
