import { strict as assert } from 'node:assert';
import { frechetDistance, sqrtPsd, symmetricEigen } from '../../lib/metrics/frechet';
import { Rng } from '../../lib/rng/rng';

describe('metrics/frechet', () => {
  it('Jacobi eigen-decomposition and PSD square root', () => {
    const a = Float64Array.from([4, 1, 0, 1, 3, 0.5, 0, 0.5, 2]);
    const { values } = symmetricEigen(a, 3);
    assert.ok(Math.abs(values.reduce((s, x) => s + x, 0) - 9) < 1e-10);
    const s = sqrtPsd(a, 3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let x = 0;
      for (let k = 0; k < 3; k++) x += s[i * 3 + k] * s[k * 3 + j];
      assert.ok(Math.abs(x - a[i * 3 + j]) < 1e-10);
    }
  });
  it('closed form for 1-D Gaussians: (μ1 − μ2)² + (σ1 − σ2)²', () => {
    const a = [[0], [2]]; // mean 1, var 2
    const b = [[3], [11]]; // mean 7, var 32
    const want = 36 + (Math.sqrt(2) - Math.sqrt(32)) ** 2;
    assert.ok(Math.abs(frechetDistance(a, b) - want) < 1e-9);
  });
  it('0 for identical sets, grows with a shift', () => {
    const rng = new Rng(1);
    const x = Array.from({ length: 50 }, () => Array.from({ length: 6 }, () => rng.normal()));
    assert.ok(frechetDistance(x, x) < 1e-9);
    const d1 = frechetDistance(x, x.map((r) => r.map((v) => v + 0.5)));
    const d2 = frechetDistance(x, x.map((r) => r.map((v) => v + 1)));
    assert.ok(Math.abs(d1 - 6 * 0.25) < 1e-8 && d2 > d1);
    assert.throws(() => frechetDistance([[1]], [[1], [2]]), /at least 2/);
  });
});
