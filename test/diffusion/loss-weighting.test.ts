import { strict as assert } from 'node:assert';
import { ConfigError } from '../../lib/config/profile';
import { lossWeights, validateLossWeighting } from '../../lib/diffusion/loss-weighting';
import { NoiseSchedule, defaultDiffusionConfig } from '../../lib/diffusion/schedule';

describe('diffusion/loss-weighting', () => {
  const sched = new NoiseSchedule(defaultDiffusionConfig());

  it("'none' (and an absent option) gives no weights: the loss is left as before", () => {
    assert.equal(lossWeights({}, sched, [0, 500, 999]), null);
    assert.equal(lossWeights({ lossWeighting: 'none', minSnrGamma: 1 }, sched, [0, 500, 999]), null);
  });

  it("'min-snr': w = min(SNR, γ)/(SNR + 1) per sample (v-prediction), 0 at zero terminal SNR", () => {
    const ts = [0, 100, 400, 500, 700, 999];
    const w = lossWeights({ lossWeighting: 'min-snr' }, sched, ts)!;
    assert.equal(w.length, ts.length);
    ts.forEach((t, i) => {
      const snr = sched.snr(t);
      assert.ok(Math.abs(w[i] - Math.min(snr, 5) / (snr + 1)) < 1e-6, `t=${t}: ${w[i]}`);
    });
    assert.equal(w[5], 0);
    // golden numbers (cosine schedule, zero terminal SNR, γ = 5)
    assert.deepEqual(Array.from(w).map((x) => Number(x.toFixed(4))), [0.0002, 0.1421, 0.646, 0.4923, 0.2018, 0]);
    // at high SNR the weight is γ/(SNR + 1): γ scales it
    const w1 = lossWeights({ lossWeighting: 'min-snr', minSnrGamma: 1 }, sched, [100])!;
    assert.ok(Math.abs(w1[0] - w[1] / 5) < 1e-6);
  });

  it('rejects unknown kinds and bad γ, naming the key', () => {
    assert.throws(() => validateLossWeighting({ lossWeighting: 'p2' as never }), (e: Error) => e instanceof ConfigError && /train\.lossWeighting: allowed: none, min-snr/.test(e.message));
    assert.throws(() => validateLossWeighting({ minSnrGamma: -1 }), /train\.minSnrGamma/);
  });
});
