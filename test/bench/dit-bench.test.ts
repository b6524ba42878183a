import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { BENCH_CLIP, ditTrainFlops, torchScriptPath } from '../../lib/bench/dit-bench';
import { modelConfigFor, PROFILE_PRESETS } from '../../lib/model/presets';
import { tokenGeometry } from '../../lib/model/dit-config';

describe('bench/dit-bench', () => {
  it('counts model FLOPs per train step as 3·B·L·(24·N·D² + 4·N²·D)', () => {
    assert.equal(ditTrainFlops(1, 1, 1, 1), 3 * (24 + 4));
    // DiT-XL, batch 32, 512 tokens: ≈ 47 TFLOP a step
    assert.ok(Math.abs(ditTrainFlops(32, 28, 512, 1152) / 1e12 - 47.0) < 0.5);
  });

  it('paper presets run on the 512-token grid of the bench clip; quick ones on 128', () => {
    for (const p of PROFILE_PRESETS.paper) assert.equal(tokenGeometry(modelConfigFor(p, BENCH_CLIP)).tokens, 512);
    for (const p of PROFILE_PRESETS.quick) assert.equal(tokenGeometry(modelConfigFor(p, BENCH_CLIP)).tokens, 128);
  });

  it("uses the project's PyTorch peer (with --device) unless PHYLAB_TORCH_BENCH says otherwise", () => {
    const saved = process.env.PHYLAB_TORCH_BENCH;
    delete process.env.PHYLAB_TORCH_BENCH;
    try {
      assert.match(torchScriptPath(), /bench[/\\]torch_dit_step\.py$/);
      assert.ok(existsSync(torchScriptPath()));
      process.env.PHYLAB_TORCH_BENCH = '/x/y.py';
      assert.equal(torchScriptPath(), '/x/y.py');
    } finally {
      if (saved === undefined) delete process.env.PHYLAB_TORCH_BENCH;
      else process.env.PHYLAB_TORCH_BENCH = saved;
    }
  });
});
