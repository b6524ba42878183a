import { strict as assert } from 'node:assert';
import { NoiseSchedule, defaultDiffusionConfig, rescaleZeroTerminalSnr, samplingTimesteps, validateDiffusionConfig } from '../../lib/diffusion/schedule';
import { ConfigError } from '../../lib/config/profile';

describe('diffusion/schedule', () => {
  it('cosine + zero terminal SNR: ᾱ falls from ~1 to exactly 0, ᾱ_0 unchanged by the rescale', () => {
    const s = new NoiseSchedule(defaultDiffusionConfig());
    const raw = new NoiseSchedule({ ...defaultDiffusionConfig(), zeroTerminalSnr: false });
    assert.equal(s.alphaBar.length, 1000);
    assert.equal(s.alphaBar[999], 0);
    assert.equal(s.snr(999), 0);
    assert.ok(raw.alphaBar[999] > 0, 'the plain cosine schedule ends just above zero');
    assert.ok(Math.abs(s.alphaBar[0] - raw.alphaBar[0]) < 1e-12);
    for (let t = 1; t < 1000; t++) assert.ok(s.alphaBar[t] < s.alphaBar[t - 1], `decreasing at ${t}`);
    for (let t = 0; t < 1000; t++) assert.ok(Math.abs(s.signal[t] ** 2 + s.noise[t] ** 2 - 1) < 1e-12);
    // golden values (cosine, s = 0.008, T = 1000, rescaled)
    assert.ok(Math.abs(s.alphaBar[0] - 0.99995872) < 1e-7, String(s.alphaBar[0]));
    assert.ok(Math.abs(s.alphaBar[500] - 0.49226) < 1e-4, String(s.alphaBar[500]));
  });

  it('rescale keeps √ᾱ_0 and maps √ᾱ_{T−1} to 0 linearly (Lin et al. Alg. 1)', () => {
    const ab = new Float64Array([0.81, 0.25, 0.04]);
    rescaleZeroTerminalSnr(ab);
    // √ᾱ = 0.9, 0.5, 0.2 → (s − 0.2)·0.9/0.7
    assert.ok(Math.abs(ab[0] - 0.81) < 1e-12);
    assert.ok(Math.abs(Math.sqrt(ab[1]) - (0.3 * 0.9) / 0.7) < 1e-12);
    assert.equal(ab[2], 0);
  });

  it('trailing timesteps start at T−1', () => {
    assert.deepEqual(samplingTimesteps(1000, 4), [999, 749, 499, 249]);
    assert.deepEqual(samplingTimesteps(10, 10), [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('validation names the field', () => {
    assert.throws(() => validateDiffusionConfig({ ...defaultDiffusionConfig(), sampleSteps: 0 }), (e: Error) => e instanceof ConfigError && /diffusion\.sampleSteps/.test(e.message));
    assert.throws(() => validateDiffusionConfig({ ...defaultDiffusionConfig(), sampler: 'euler' as never }), /allowed: ddim, ancestral/);
  });
});
