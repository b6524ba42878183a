import { strict as assert } from 'node:assert';
import type { E2eTrial } from '../../lib/bench/e2e-bench';
import { errorAtCpuMin, recipeTable } from '../../lib/bench/e2e-table';

const trial = (name: string, curve: E2eTrial['curve'], over: Partial<E2eTrial> = {}): E2eTrial => ({
  name, commit: 'abc123', startedAt: '', recipe: { train: {} as never, diffusion: {} as never }, changes: [], overrides: {}, vae: null, stopped: 'cap',
  preset: 'q64', dataSize: 1024, floor: 0.01, target: 0.02, curve, reached: false, atStep: null, wallS: null, cpuS: null, ...over,
});

describe('bench/e2e-table', () => {
  const curve = [{ step: 1000, error: 0.3, wallS: 120, cpuS: 60 }, { step: 2000, error: 0.1, wallS: 240, cpuS: 180 }];

  it('interpolates the error at a CPU time between evaluations, null outside', () => {
    assert.equal(errorAtCpuMin(curve, 1), 0.3);
    assert.ok(Math.abs(errorAtCpuMin(curve, 2)! - 0.2) < 1e-12);
    assert.equal(errorAtCpuMin(curve, 3), 0.1);
    assert.equal(errorAtCpuMin(curve, 0.5), null);
    assert.equal(errorAtCpuMin(curve, 4), null);
  });

  it('one row per trial: changes, errors at matched CPU-min, best ratio, time to target or not reached', () => {
    const t = recipeTable([
      trial('base', curve),
      trial('fast', [{ step: 1000, error: 0.015, wallS: 100, cpuS: 90 }], { changes: ['train.lr: 0.001 → 0.002'], reached: true, atStep: 1000, wallS: 100, cpuS: 90 }),
    ], [2]);
    const lines = t.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[2], /^\| `base` \| none \(default\) \| 0\.200 \| 0\.100 \(10\.0x\) at 2000, 3\.0 \| not reached \(best 10\.0x\) \| 2000, 3\.0, 4\.0 \| trials\/base\.json, abc123 \|$/);
    assert.match(lines[3], /\| `fast` \| train\.lr: 0\.001 → 0\.002 \| — \| 0\.015 \(1\.5x\) at 1000, 1\.5 \| 1\.5 CPU-min \(1\.7 min wall\) \|/);
  });
});
