import { strict as assert } from 'node:assert';
import { experiment as idOod } from '../../../lib/experiments/id-ood/experiment';
import { defaultIdOodConfig } from '../../../lib/experiments/id-ood/config';
import { describedLatentShape, describeTraining, formatParams } from '../../../lib/experiments/dit/train-description';
import { PAPER_PARAM_COUNTS } from '../../../lib/model/presets';

const train = { steps: 100000, batchSize: 256 };

describe('experiments/dit/train-description', () => {
  it('latent shape: pixels from the clip, VAE latents from factor and channels, null when unknown or not divisible', () => {
    assert.deepEqual(describedLatentShape({ clip: { frames: 32, size: 128 }, latent: 'pixel' }), [32, 128, 128, 3]);
    assert.deepEqual(describedLatentShape({ clip: { frames: 8, size: 32 }, latent: { factor: 8, channels: 4 } }), [8, 4, 4, 4]);
    assert.equal(describedLatentShape({ clip: { frames: 8, size: 32 }, latent: null }), null);
    assert.equal(describedLatentShape({ clip: { frames: 8, size: 30 }, latent: { factor: 8, channels: 4 } }), null);
  });

  it('describes tokens, parameters, steps and batch; steps only when the shape cannot be known or the preset does not fit', () => {
    // the paper latent assumed in presets.ts: 8×16×16×4 with 1×2×2 patches = 512 tokens, DiT-S 22.46M
    assert.equal(describeTraining({ preset: 'DiT-S', clip: { frames: 8, size: 128 }, train, latent: { factor: 8, channels: 4 } }), '512 tokens, 22.46M params, 100000 steps × batch 256');
    assert.equal(describeTraining({ preset: 'DiT-S', clip: { frames: 8, size: 128 }, train, latent: null }), '100000 steps × batch 256');
    assert.equal(describeTraining({ preset: 'q64', clip: { frames: 8, size: 16 }, train, model: { patch: [1, 5, 5] }, latent: 'pixel' }), '100000 steps × batch 256');
    assert.equal(formatParams(334_200), '334.2k');
  });

  it('id-ood paper train units: DiT-S/B/L within 1% of paper Tab 1, 100K steps × batch 256 (paper-spec §2)', () => {
    const units = idOod.plan(defaultIdOodConfig('paper'), [1]).filter((u) => u.id.startsWith('train/'));
    const seen = new Set<string>();
    for (const u of units) {
      const preset = u.id.split('/')[2];
      const d = u.describe?.();
      assert.ok(d, `${u.id} has a description`);
      const m = /^(\d+) tokens, ([\d.]+)M params, (\d+) steps × batch (\d+)$/.exec(d!);
      assert.ok(m, `${u.id}: '${d}'`);
      const params = Number(m![2]) * 1e6;
      const paper = PAPER_PARAM_COUNTS[preset];
      assert.ok(Math.abs(params / paper - 1) < 0.01, `${u.id}: ${params} params vs paper ${paper}`);
      assert.equal(Number(m![3]), 100000);
      assert.equal(Number(m![4]), 256);
      // the paper token grid (presets.ts PAPER_LATENT_SHAPE): 32 × 128 px through the paper profile's
      // 8×-spatial, 4-channel frame VAE, 4×2×2 patches = 8·8·8 = 512 tokens, as `phylab train --profile paper`
      assert.equal(Number(m![1]), 512);
      seen.add(preset);
    }
    assert.deepEqual([...seen].sort(), ['DiT-B', 'DiT-L', 'DiT-S']);
  });
});
