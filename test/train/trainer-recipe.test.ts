import { strict as assert } from 'node:assert';
import { DiTTrainer } from '../../lib/train/trainer';
import { useWasm } from '../model/helpers';
import { tinyRun, tinySource } from './helpers';

async function losses(train: Parameters<typeof tinyRun>[1]): Promise<number[]> {
  const tr = DiTTrainer.create({ config: tinyRun(3, { steps: 4, ...train }), source: tinySource() });
  try {
    return (await tr.train()).losses;
  } finally {
    tr.dispose();
  }
}

describe('train/trainer recipe options (issue #17)', function () {
  this.timeout(120000);
  before(useWasm);

  it('the options at their defaults train bit-exactly as a config without them', async () => {
    const plain = await losses({});
    assert.deepEqual(await losses({ timestepSampling: 'uniform', lossWeighting: 'none', minSnrGamma: 2, logitNormalMean: 1 }), plain);
  });

  it('logit-normal timesteps and min-SNR weighting train with finite losses that differ from the default', async () => {
    const plain = await losses({});
    const ln = await losses({ timestepSampling: 'logit-normal', logitNormalMean: 0.5 });
    const snr = await losses({ lossWeighting: 'min-snr' });
    for (const l of [ln, snr]) {
      assert.equal(l.length, 4);
      assert.ok(l.every(Number.isFinite));
      assert.notDeepEqual(l, plain);
    }
    // min-SNR weights min(SNR, 5)/(SNR + 1) are < 1: the weighted loss is smaller
    assert.ok(snr[0] < plain[0], `${snr[0]} vs ${plain[0]}`);
  });
});
