import { strict as assert } from 'node:assert';
import { mse, psnrFrame, psnrVideo } from '../../lib/metrics/psnr';

describe('metrics/psnr (paper-spec §4.3)', () => {
  it('20·log10(1/√MSE) on [0, 1] values', () => {
    const a = new Float64Array([0, 0.5, 1, 0.25]);
    const b = new Float64Array([0.1, 0.5, 0.9, 0.25]);
    const m = (0.01 + 0 + 0.01 + 0) / 4;
    assert.ok(Math.abs(mse(a, b) - m) < 1e-15);
    assert.ok(Math.abs(psnrFrame(a, b) - 20 * Math.log10(1 / Math.sqrt(m))) < 1e-12);
  });
  it('bytes are divided by 255; identical frames give 100', () => {
    const a = new Uint8Array([0, 255, 10]);
    const b = new Uint8Array([255, 255, 10]);
    assert.ok(Math.abs(psnrFrame(a, b) - 20 * Math.log10(1 / Math.sqrt(1 / 3))) < 1e-12);
    assert.equal(psnrFrame(a, a), 100);
  });
  it('per-frame values of a video', () => {
    const a = new Uint8Array([0, 0, 9, 9]);
    const b = new Uint8Array([0, 0, 0, 0]);
    const p = psnrVideo(a, b, 2);
    assert.equal(p[0], 100);
    assert.ok(p[1] < 100);
    assert.throws(() => psnrVideo(a, new Uint8Array(3), 2), /same number of values/);
  });
});
