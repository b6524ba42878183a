/** `phylab train` and `phylab sample` end to end (smoke profile, synthetic clips, a few steps). */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../lib/cli/main';
import { resolveTrainConfig } from '../../lib/cli/commands/train';
import { disableNativeMatMul, enableNativeMatMul, nativeMatMulStatus } from '../../lib/engine/native-matmul';
import { tokenGeometry } from '../../lib/model/dit-config';
import { readCheckpointMeta } from '../../lib/train/checkpoint';

describe('cli: phylab train / phylab sample', function () {
  this.timeout(120000);
  let dir: string;
  const native = nativeMatMulStatus();
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'phylab-cli-'));
    process.env.PHYLAB_QUIET = '1';
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    delete process.env.PHYLAB_QUIET;
    if (native.enabled) enableNativeMatMul({ threads: native.threads });
    else disableNativeMatMul();
  });

  it('train writes a resumable run folder; sample writes frame-NNN.png per video', async () => {
    const out = join(dir, 'run');
    const args = ['train', '--profile', 'smoke', '--out', out, '--data.kind=synthetic', '--no-progress', '--seed', '2'];
    assert.equal(await main([...args, '--steps', '2']), 0);
    assert.equal(readCheckpointMeta(out).step, 2);
    assert.equal(await main([...args, '--steps', '3']), 0, 'resume with more steps');
    assert.equal(readCheckpointMeta(out).step, 3);
    assert.equal(await main([...args, '--steps', '3', '--train.lr=0.5']), 2, 'changed config is refused');
    const samples = join(dir, 'samples');
    assert.equal(await main(['sample', '--checkpoint', out, '--out', samples, '--count', '2', '--steps', '2', '--no-progress', '--preset', 'tiny']), 0);
    assert.deepEqual(readdirSync(join(samples, 'video-001')).slice(0, 2), ['frame-000.png', 'frame-001.png']);
    assert.equal(readdirSync(join(samples, 'video-001')).length, 8);
    assert.ok(existsSync(join(samples, 'truth', 'video-000', 'frame-007.png')));
    assert.ok(existsSync(join(samples, 'samples.json')));
    assert.equal(await main(['sample', '--checkpoint', out, '--out', samples, '--preset', 'q64']), 2, 'preset mismatch');
  });

  it('usage errors exit 2; paper presets on pixels keep the 8×8×8 token grid', async () => {
    assert.equal(await main(['train', '--profile', 'smoke']), 2);
    assert.equal(await main(['train', '--profile', 'smoke', '--out', join(dir, 'x'), '--model.nope=1']), 2);
    assert.equal(await main(['sample', '--out', join(dir, 'y')]), 2);
    const c = resolveTrainConfig('paper', 'DiT-B', 'uniform', 0, {});
    assert.deepEqual(c.model.patch, [4, 16, 16]);
    assert.equal(tokenGeometry(c.model).tokens, 512);
  });

  it('train takes the optional recipe fields as overrides and leaves them out at their defaults', () => {
    const plain = resolveTrainConfig('quick', 'q64', 'uniform', 0, {});
    assert.ok(!('lossWeighting' in plain.train) && !('timestepSampling' in plain.train));
    assert.deepEqual(resolveTrainConfig('quick', 'q64', 'uniform', 0, { 'train.lossWeighting': 'none' }).train, plain.train);
    const c = resolveTrainConfig('quick', 'q64', 'uniform', 0, { 'train.lossWeighting': 'min-snr', 'train.minSnrGamma': '3', 'train.timestepSampling': 'logit-normal', 'train.lrSchedule': 'linear' });
    assert.equal(c.train.lossWeighting, 'min-snr');
    assert.equal(c.train.minSnrGamma, 3);
    assert.equal(c.train.timestepSampling, 'logit-normal');
    assert.equal(c.train.lrSchedule, 'linear');
    assert.throws(() => resolveTrainConfig('quick', 'q64', 'uniform', 0, { 'train.timestepSampling': 'beta' }), /allowed: uniform, logit-normal/);
  });
});
