import { strict as assert } from 'node:assert';
import { ConfigError } from '../../lib/config/profile';
import { ditRunConfig, trainDiT } from '../../lib/train/run-dit';
import { sampleFromTrainer } from '../../lib/sample/from-trainer';
import { useWasm } from '../model/helpers';
import { tinySource } from './helpers';

describe('train/run-dit (runner entry points)', function () {
  this.timeout(60000);
  before(useWasm);

  it('builds a config from preset + clip shape, trains, samples', async () => {
    const source = tinySource();
    const config = ditRunConfig({ preset: 'tiny', frameShape: source.frameShape, seed: 3, model: { pos: 'learned' }, train: { steps: 2, batchSize: 2, condFrames: [2] }, diffusion: { sampleSteps: 3 } });
    assert.deepEqual(config.model.latentShape, [4, 8, 8, 3]);
    assert.equal(config.model.pos, 'learned');
    const trainer = await trainDiT({ config, source });
    assert.equal(trainer.step, 2);
    const fb = 8 * 8 * 3;
    const vids = await sampleFromTrainer(trainer, [source.frames(0).slice(0, 2 * fb)], { seed: 1 });
    assert.equal(vids.length, 1);
    assert.equal(vids[0].length, 4 * fb);
    trainer.dispose();
    assert.throws(() => ditRunConfig({ preset: 'tiny', frameShape: source.frameShape, seed: 1, train: { condFrames: [4] } }), (e: Error) => e instanceof ConfigError && /train\.condFrames/.test(e.message));
  });
});
