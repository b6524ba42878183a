import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../lib/runtime/backend';
import { trainSimFeatureNet } from '../../lib/metrics/feature-nets';
import { featureMonotonicity, monotonicityMarkdown } from '../../lib/metrics/feature-monotonicity';

describe('metrics/feature-monotonicity', function () {
  this.timeout(300000);
  it('LPIPS-sim and FVD-sim grow with noise, blur and object removal (tiny nets, few videos)', async () => {
    await initBackend({ quiet: true });
    const dir = mkdtempSync(join(tmpdir(), 'phylab-mono-'));
    try {
      const f = await trainSimFeatureNet({ kind: 'frame', steps: 20, trainVideos: 70 }, { cacheDir: dir });
      const v = await trainSimFeatureNet({ kind: 'video', steps: 10, trainVideos: 70 }, { cacheDir: dir });
      const r = featureMonotonicity(f.net, v.net, { videos: 6, frames: 16 });
      const md = monotonicityMarkdown(r);
      for (const k of ['noise', 'blur', 'removal'] as const) {
        assert.ok(r.monotonic[k].lpipsSim, `LPIPS-sim ${k}\n${md}`);
        assert.ok(r.monotonic[k].fvdSim, `FVD-sim ${k}\n${md}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
