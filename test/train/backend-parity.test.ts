import { strict as assert } from 'node:assert';
import { backendParity, formatParity, parityModels } from '../../lib/train/backend-parity';

describe('runtime/backend-parity', () => {
  it('the plain cpu backend computes the tiny DiTs like wasm (forward, loss, gradients, AdamW step)', async function () {
    this.timeout(120_000);
    const reports = await backendParity('cpu', 'wasm');
    assert.equal(reports.length, parityModels().length);
    for (const r of reports) {
      assert.ok(r.ok, formatParity([r]));
      // every parameter's gradient, moments and update are compared, plus forward and loss
      const params = r.diffs.filter((d) => d.what.startsWith('param ')).length;
      assert.ok(params > 10, `${r.model}: ${params} parameters compared`);
      assert.equal(r.diffs.length, 3 + 4 * params);
      // the weights are perturbed away from adaLN-Zero's zeros: the forward pass is not trivially 0
      assert.ok(r.diffs.find((d) => d.what === 'forward')!.refMaxAbs > 1e-3);
    }
  });

  it('a wrong computation fails the check (tolerance 0 against a different backend path)', async function () {
    this.timeout(120_000);
    const reports = await backendParity('cpu', 'wasm', { relTol: 0, paramFlipFrac: 0 });
    assert.ok(reports.some((r) => !r.ok), 'a zero tolerance must expose float32 rounding differences');
    assert.match(formatParity(reports), /FAIL/);
  });
});
