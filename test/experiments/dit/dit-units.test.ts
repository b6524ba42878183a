import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stepSecondsOf } from '../../../lib/experiments/dit/dit-units';

describe('experiments/dit-units stepSecondsOf', () => {
  it('sums per-step times once per step (a resumed run repeats steps: the last entry counts), skipping a cut line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-steplog-'));
    try {
      const f = join(dir, 'train-log.jsonl');
      const e = (step: number, ms: number) => JSON.stringify({ step, loss: 0.1, ms });
      writeFileSync(f, [e(1, 1000), e(2, 500), e(3, 500), '{"step":4,"lo', e(3, 250), e(4, 250)].join('\n') + '\n');
      assert.equal(stepSecondsOf(f), 2.0);
      assert.equal(stepSecondsOf(join(dir, 'missing.jsonl')), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
