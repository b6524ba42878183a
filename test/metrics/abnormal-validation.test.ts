import { strict as assert } from 'node:assert';
import { validateDetector, validationMarkdown } from '../../lib/metrics/abnormal-validation';
import { ABNORMAL_KINDS } from '../../lib/metrics/abnormal';

describe('metrics/abnormal-validation', function () {
  this.timeout(120000);
  it('reports recall, precision and clean FP per kind and size (tiny run)', () => {
    const r = validateDetector({ sizes: [32], clean: 4, perKind: 2, frames: 12 });
    assert.equal(r.rows.length, ABNORMAL_KINDS.length);
    for (const row of r.rows) {
      assert.equal(row.planted, 2);
      for (const x of [row.recall, row.anyFlag, row.cleanFp]) assert.ok(x >= 0 && x <= 1);
    }
    const md = validationMarkdown(r);
    assert.match(md, /\| 32 px \| teleport \| 2 \|/);
    assert.match(md, /any kind/);
  });
});
