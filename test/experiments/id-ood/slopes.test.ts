import { strict as assert } from 'node:assert';
import type { Row } from '../../../lib/experiments/core/experiment';
import { dataSlopes, seedStat, slope, slopeTable, statText } from '../../../lib/experiments/id-ood/slopes';

/** Rows of one scenario: ID error = a·N^b·(1 + jitter·seed), OOD = ratio·ID·N^gap, per (model, size, seed). */
function grid(opts: { b: number; gap: number; seeds: number[]; sizes?: number[]; jitter?: number }): Row[] {
  const out: Row[] = [{ scenario: 'uniform', model: 'gt', dataSize: null, seed: null, split: 'gt', set: 'id', velocityError: 0.01, n: 10, nanCount: 0 }];
  for (const model of ['q64', 'q128'])
    for (const n of opts.sizes ?? [256, 1024, 4096, 16384])
      for (const seed of opts.seeds) {
        const id = 0.05 * n ** opts.b * (1 + (opts.jitter ?? 0) * seed * Math.log(n));
        out.push({ scenario: 'uniform', model, dataSize: n, seed, split: 'id', set: 'id', velocityError: id, n: 10, nanCount: 0 });
        // two OOD levels, pooled by scored clips: 'ood-r' with 2 unparseable of 10, 'ood-v' all scored
        out.push({ scenario: 'uniform', model, dataSize: n, seed, split: 'ood-r', set: 'ood-r', velocityError: 10 * id * n ** opts.gap, n: 10, nanCount: 2 });
        out.push({ scenario: 'uniform', model, dataSize: n, seed, split: 'ood-v', set: 'ood-v', velocityError: 10 * id * n ** opts.gap, n: 10, nanCount: 0 });
      }
  return out;
}

describe('experiments/id-ood/slopes', () => {
  it('fits least-squares slopes and seed intervals (n/a with one seed, never ±0)', () => {
    assert.ok(Math.abs(slope([0, 1, 2], [1, 3, 5]) - 2) < 1e-12);
    assert.ok(Number.isNaN(slope([1], [1])));
    assert.ok(Number.isNaN(slope([2, 2], [1, 3])));
    const s = seedStat([1, 2, 3]);
    assert.equal(s.seeds, 3);
    assert.ok(s.lo! < 2 && s.hi! > 2);
    const one = seedStat([1]);
    assert.equal(one.lo, null);
    assert.match(statText(one), /1 seed: interval n\/a/);
    assert.doesNotMatch(statText(one), /±\s*0/);
    assert.equal(seedStat([]).seeds, 0);
    assert.ok(Number.isNaN(seedStat([]).mean));
  });

  it('recovers the power-law exponents of ID, OOD and OOD/ID per model', () => {
    const sl = dataSlopes(grid({ b: -0.2, gap: 0.05, seeds: [1, 2, 3] }));
    assert.deepEqual(sl.map((s) => `${s.model}/${s.quantity}`), ['q64/id', 'q64/ood', 'q64/gap', 'q128/id', 'q128/ood', 'q128/gap']);
    const get = (m: string, q: string) => sl.find((s) => s.model === m && s.quantity === q)!;
    assert.ok(Math.abs(get('q64', 'id').stat.mean + 0.2) < 1e-9);
    assert.ok(Math.abs(get('q64', 'ood').stat.mean + 0.15) < 1e-9);
    assert.ok(Math.abs(get('q128', 'gap').stat.mean - 0.05) < 1e-9);
    // identical seeds: a zero-width interval that is still an interval (3 seeds)
    assert.equal(get('q64', 'id').stat.seeds, 3);
    assert.deepEqual(get('q64', 'id').sizes, [256, 1024, 4096, 16384]);
  });

  it('gives a seed-level interval that covers the seeds\' own slopes', () => {
    const sl = dataSlopes(grid({ b: -0.2, gap: 0, seeds: [1, 2, 3], jitter: 0.01 }));
    const id = sl.find((s) => s.model === 'q64' && s.quantity === 'id')!.stat;
    assert.equal(id.seeds, 3);
    assert.ok(id.lo! < id.mean && id.mean < id.hi!);
    assert.ok(id.hi! - id.lo! > 0);
  });

  it('restricts to a size range; a model with < 2 sizes in it has no slope (seeds 0), one seed has no interval', () => {
    const rows = grid({ b: -0.2, gap: 0, seeds: [1, 2] }).filter((r) => !(Number(r.seed) === 2 && [1024, 4096].includes(Number(r.dataSize)))); // seed 2: 256 and 16K only, as shipped
    const all = dataSlopes(rows);
    assert.equal(all.find((s) => s.model === 'q64' && s.quantity === 'id')!.stat.seeds, 2);
    const late = dataSlopes(rows, { minSize: 1024 });
    const id = late.find((s) => s.model === 'q64' && s.quantity === 'id')!;
    assert.equal(id.stat.seeds, 1); // seed 2 has only 16384 at ≥ 1024
    assert.equal(id.stat.lo, null);
    assert.deepEqual(id.sizes, [1024, 4096, 16384]);
    const none = dataSlopes(rows, { minSize: 16384 }).find((s) => s.quantity === 'id')!;
    assert.equal(none.stat.seeds, 0);
    const t = slopeTable([id, none]);
    assert.equal(t[0].ci95lo, null);
    assert.equal(t[1].slope, null);
    assert.equal(t[1].sizes, null);
    assert.throws(() => dataSlopes(rows, { minSize: 4096, maxSize: 1024 }), /minSize/);
  });

  it('skips the floors, reads the parser column asked for and orders scenarios as the paper does', () => {
    const rows = grid({ b: -0.1, gap: 0, seeds: [1, 2] });
    const para: Row[] = rows.map((r) => ({ ...r, scenario: 'parabola' }));
    const mask: Row[] = [...para, ...rows].map((r) => ({ ...r, velocityErrorMask: 2 * (r.velocityError as number) }));
    const sl = dataSlopes(mask, { key: 'velocityErrorMask' });
    assert.deepEqual([...new Set(sl.map((s) => s.scenario))], ['uniform', 'parabola']);
    assert.ok(Math.abs(sl[0].stat.mean + 0.1) < 1e-9);
    assert.equal(dataSlopes(rows, { key: 'velocityErrorPaper' }).every((s) => s.stat.seeds === 0), true);
  });
});
