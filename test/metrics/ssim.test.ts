import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gaussianKernel, ssimFrame, ssimVideo } from '../../lib/metrics/ssim';
import { psnrFrame, psnrVideo } from '../../lib/metrics/psnr';
import { makePhyreVideo } from '../../lib/sim/phyre/video';

/** The formula images of the golden values (same expressions in the Python that made them). */
function formulaImages(): { a: Uint8Array; b: Uint8Array; h: number; w: number } {
  const h = 24;
  const w = 31;
  const a = new Uint8Array(h * w * 3);
  const b = new Uint8Array(h * w * 3);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let c = 0; c < 3; c++) {
    a[(i * w + j) * 3 + c] = (i * 7 + j * 13 + c * 29) % 256;
    b[(i * w + j) * 3 + c] = (i * i + 3 * j + c * 5 + ((i * j) % 17)) % 256;
  }
  return { a, b, h, w };
}

/**
 * Golden values from scikit-image 0.19.3 (Debian python3-skimage), an implementation independent
 * of this one: structural_similarity(a/255, b/255, gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False, data_range=1, channel_axis=2) and peak_signal_noise_ratio(..., data_range=1).
 */
const GOLDEN = { ssim: 0.14495977468773744, psnr: 8.26475573125029 };

const PY = '/usr/bin/python3';
function skimageAvailable(): string | null {
  const r = spawnSync(PY, ['-c', 'import skimage.metrics, numpy'], { encoding: 'utf8' });
  return r.status === 0 ? null : `${PY} cannot import skimage (install Debian's python3-skimage): ${(r.stderr || String(r.error)).trim().split('\n').pop()}`;
}

describe('metrics/ssim and metrics/psnr (paper-spec §4.3)', () => {
  it("Gaussian window equals OpenCV's getGaussianKernel(11, 1.5)", () => {
    const k = gaussianKernel();
    assert.equal(k.length, 11);
    assert.ok(Math.abs(k.reduce((s, x) => s + x, 0) - 1) < 1e-15);
    assert.ok(Math.abs(k[5] - 0.26601172486) < 1e-9); // cv2.getGaussianKernel(11, 1.5)[5]
  });

  it('matches the committed scikit-image golden values', () => {
    const { a, b, h, w } = formulaImages();
    assert.ok(Math.abs(ssimFrame(a, b, h, w) - GOLDEN.ssim) < 1e-12, `ssim ${ssimFrame(a, b, h, w)}`);
    assert.ok(Math.abs(psnrFrame(a, b) - GOLDEN.psnr) < 1e-12, `psnr ${psnrFrame(a, b)}`);
  });

  it('identical frames: SSIM 1, PSNR 100 (the paper code\'s cap)', () => {
    const { a, h, w } = formulaImages();
    assert.ok(Math.abs(ssimFrame(a, a, h, w) - 1) < 1e-12);
    assert.equal(psnrFrame(a, a), 100);
    const f = Float64Array.from(a, (x) => x / 255);
    assert.ok(Math.abs(ssimFrame(a, f, h, w) - 1) < 1e-12, 'uint8 and [0,1] floats agree');
  });

  it('agrees with scikit-image on PHYRE frames (live check)', function () {
    this.timeout(120000);
    const why = skimageAvailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    const gt = makePhyreVideo({ template: 24, seed: 2, trial: 1, frames: 6, size: 64 });
    const other = makePhyreVideo({ template: 24, seed: 2, trial: 2, frames: 6, size: 64 });
    const dir = mkdtempSync(join(tmpdir(), 'phylab-ssim-'));
    try {
      writeFileSync(join(dir, 'a.u8'), gt.frames);
      writeFileSync(join(dir, 'b.u8'), other.frames);
      const script = [
        'import numpy as np, sys, json',
        'from skimage.metrics import structural_similarity as S, peak_signal_noise_ratio as P',
        `a = np.fromfile(sys.argv[1], np.uint8).reshape(6, 64, 64, 3) / 255.0`,
        `b = np.fromfile(sys.argv[2], np.uint8).reshape(6, 64, 64, 3) / 255.0`,
        'print(json.dumps([[S(x, y, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1.0, channel_axis=2), P(x, y, data_range=1.0)] for x, y in zip(a, b)]))',
      ].join('\n');
      const r = spawnSync(PY, ['-c', script, join(dir, 'a.u8'), join(dir, 'b.u8')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const ref = JSON.parse(r.stdout) as Array<[number, number]>;
      const s = ssimVideo(gt.frames, other.frames, 6, 64, 64);
      const p = psnrVideo(gt.frames, other.frames, 6);
      for (let t = 0; t < 6; t++) {
        assert.ok(Math.abs(s[t] - ref[t][0]) < 1e-10, `frame ${t}: ssim ${s[t]} vs skimage ${ref[t][0]}`);
        // skimage returns inf for identical frames; the paper's code returns 100
        if (Number.isFinite(ref[t][1])) assert.ok(Math.abs(p[t] - ref[t][1]) < 1e-10, `frame ${t}: psnr ${p[t]} vs ${ref[t][1]}`);
        else assert.equal(p[t], 100);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('errors name the problem', () => {
    assert.throws(() => ssimFrame(new Uint8Array(300), new Uint8Array(300), 10, 10), /at least 11×11/);
    assert.throws(() => ssimVideo(new Uint8Array(10), new Uint8Array(12), 1, 2, 2), /must both hold/);
    assert.throws(() => psnrFrame(new Uint8Array(3), new Uint8Array(6)), /differ in size/);
  });
});
