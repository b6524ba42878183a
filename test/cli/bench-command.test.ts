import { strict as assert } from 'node:assert';
import { parseArgs } from '../../lib/cli/args';
import { command } from '../../lib/cli/commands/bench';

describe('cli/bench command options', () => {
  it('rejects a misspelt option by name, and recipe overrides for suites other than e2e', async () => {
    await assert.rejects(command.run(parseArgs(command, ['--quik'])), /unknown option --quik for 'phylab bench'/);
    await assert.rejects(command.run(parseArgs(command, ['--only=dit', '--train.lr=2e-3'])), /apply to the e2e suite only/);
    await assert.rejects(command.run(parseArgs(command, ['--only=nope'])), /unknown suite nope/);
    await assert.rejects(command.run(parseArgs(command, ['--only=e2e', '--also-ema=0.99,1.5'])), /--also-ema: each decay must be a number in \[0, 1\), got '1\.5'/);
  });

  it('parses the e2e trial options', () => {
    const a = parseArgs(command, ['--only=e2e', '--name=t1', '--eval-every=2000', '--max-cpu-min=30', '--vae-cache=trials/vae', '--train.lr=2e-3']);
    assert.deepEqual(a.options.only, ['e2e']);
    assert.equal(a.options['eval-every'], 2000);
    assert.equal(a.options['max-cpu-min'], 30);
    assert.equal(a.options['trial-dir'], 'trials');
    assert.deepEqual(a.overrides, { 'train.lr': '2e-3' });
  });
});
