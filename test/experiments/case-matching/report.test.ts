import { strict as assert } from 'node:assert';
import type { Row } from '../../../lib/experiments/core/experiment';
import { distanceToBands, fig5, fig7, flipBaselineRows, flipShareFigure, flipShares, flipTestRows, flipVerdict, flipVerdictMarkdown, gapStats, gapVerdict, gapVerdictMarkdown, inBandNote, inMidGap, speedBins, speedShifts } from '../../../lib/experiments/case-matching/report';
import { meanCi, wilson } from '../../../lib/experiments/core/intervals';
import { VELOCITY_GAP_SETS } from '../../../lib/experiments/case-matching/velocity-gap';

/** Synthetic direction-flip rows: Set-1 pulls up, never flips; Set-2 flips the slowest video of each seed. */
function flipRows(set2Flips = true): Row[] {
  const rows: Row[] = [];
  for (const seed of [1, 2, 3]) {
    for (let i = 0; i < 12; i++) {
      const v = 1.0 + (1.5 * i) / 11;
      rows.push({ set: 'Set-1', direction: 'right', seed, index: i, conditionVelocity: v, generatedVelocity: v + 0.6 * (2.5 - v) + 0.01 * seed, radius: 1, flipped: false });
      const flip = set2Flips && i === 0;
      rows.push({ set: 'Set-2', direction: 'both', seed, index: i, conditionVelocity: v, generatedVelocity: flip ? -2.4 : v + 0.3, radius: 1, flipped: flip });
    }
  }
  return rows;
}

/** Synthetic velocity-gap rows: set 1 snaps to its nearest band, set 5 interpolates. */
function gapRows(): Row[] {
  const rows: Row[] = [];
  for (const seed of [1, 2]) {
    for (let i = 0; i <= 40; i++) {
      const v = 0.5 + (4 * i) / 40;
      const snap = v < 2.5 ? 1.2 : 3.8;
      rows.push({ trainingSet: 1, seed, index: i, conditionVelocity: v, generatedVelocity: v >= 1.25 && v <= 3.75 ? snap : v });
      rows.push({ trainingSet: 5, seed, index: i, conditionVelocity: v, generatedVelocity: v + 0.05 * (seed - 1.5) });
    }
  }
  return rows;
}

describe('experiments/case-matching-report', () => {
  it('Wilson interval and t-interval golden values', () => {
    const [lo, hi] = wilson(0, 10);
    assert.equal(lo, 0);
    assert.ok(Math.abs(hi - 0.27753) < 1e-4, String(hi));
    const [a, b] = wilson(5, 10);
    assert.ok(Math.abs(a - 0.23659) < 1e-4 && Math.abs(b - 0.76341) < 1e-4, `${a} ${b}`);
    assert.deepEqual(wilson(0, 0), [0, 1]);
    const m = meanCi([1, 2, 3]);
    assert.equal(m.mean, 2);
    assert.ok(Math.abs(m.ci - 4.303 / Math.sqrt(3)) < 1e-9);
    assert.deepEqual(speedBins(1, 2.5, 0.25).map((b) => b[0]), [1, 1.25, 1.5, 1.75, 2, 2.25]);
  });

  it('flip shares per set and speed bin, pooled and over seeds', () => {
    const s = flipShares(flipRows());
    const all2 = s.find((x) => x.set === 'Set-2' && x.bin === 'all')!;
    assert.deepEqual([all2.n, all2.flipped, all2.seeds], [36, 3, 3]);
    assert.ok(Math.abs(all2.share - 3 / 36) < 1e-12);
    const low2 = s.find((x) => x.set === 'Set-2' && x.bin === '1.00–1.25')!;
    assert.equal(low2.flipped, 3);
    assert.ok(low2.wilsonLo > 0 && low2.wilsonHi <= 1);
    assert.equal(low2.seedCi, 0); // the same share in every seed
    assert.equal(s.filter((x) => x.set === 'Set-1').reduce((a, x) => a + (x.bin === 'all' ? x.flipped : 0), 0), 0);
    const shift = speedShifts(flipRows()).filter((x) => x.set === 'Set-1');
    assert.ok(shift[0].shift > 0.5 && shift[shift.length - 1].shift < 0.2, JSON.stringify(shift.map((x) => x.shift)));
  });

  it('flip verdict: reproduced on the paper-like rows, not when Set-2 never flips, incomplete without Set-2', () => {
    const v = flipVerdict(flipRows());
    assert.equal(v.set1NeverFlips, true);
    assert.equal(v.set1PulledUp, true);
    assert.equal(v.set2FlipsAtLowSpeed, true);
    assert.equal(v.reproduced, true);
    assert.equal(flipVerdict(flipRows(false)).reproduced, false);
    assert.equal(flipVerdict(flipRows().filter((r) => r.set === 'Set-1')).reproduced, null);
    assert.match(flipVerdictMarkdown(flipRows()), /reproduced\.\*\*/);
    assert.match(flipVerdictMarkdown([]), /no evaluated models yet/);
  });

  it('broken generations are counted apart: a broken Set-2 reversal is no flip, and it leaves the gap statistics', () => {
    const rows = flipRows(false);
    rows.push({ set: 'Set-2', direction: 'both', seed: 1, index: 99, conditionVelocity: 1.1, generatedVelocity: -5, radius: 1, intact: false, flipped: false });
    const all2 = flipShares(rows).find((x) => x.set === 'Set-2' && x.bin === 'all')!;
    assert.deepEqual([all2.n, all2.flipped, all2.broken], [37, 0, 1]);
    assert.equal(flipVerdict(rows).set2FlipsAtLowSpeed, false);
    assert.match(flipVerdictMarkdown(rows), /1 with a broken ball, not counted/);
    const fig = fig7(rows);
    const brokenTrace = fig.data.find((t) => t.name === 'broken ball (not counted)' && (t.x as number[]).length === 1);
    assert.ok(brokenTrace, 'broken point drawn apart');
    // the same row counted as intact is a flip
    rows[rows.length - 1].intact = true;
    assert.equal(flipShares(rows).find((x) => x.set === 'Set-2' && x.bin === 'all')!.flipped, 1);

    const g = gapRows();
    const before = gapStats(g).find((x) => x.trainingSet === 5)!;
    g.push({ trainingSet: 5, seed: 1, index: 99, conditionVelocity: 2.5, generatedVelocity: 9, intact: false });
    const after = gapStats(g).find((x) => x.trainingSet === 5)!;
    assert.equal(after.broken, 1);
    assert.equal(after.midGapError, before.midGapError);
  });

  it('in-band note: flags models whose in-band error is as large as the mid-gap errors', () => {
    const base = gapStats(gapRows());
    assert.doesNotMatch(inBandNote(base), /not separable/);
    const noisy = base.map((x) => ({ ...x, inBandError: 0.9 }));
    assert.match(inBandNote(noisy), /0\.90–0\.90 u\/s.*not separable/);
    assert.equal(inBandNote([]), '');
  });

  it('gap geometry, stats and verdict', () => {
    const b1 = VELOCITY_GAP_SETS['1'];
    assert.ok(inMidGap(2.5, b1) && !inMidGap(1.5, b1) && !inMidGap(1.1, b1));
    assert.equal(distanceToBands(2, b1), 0.75);
    assert.equal(distanceToBands(1.1, b1), 0);
    const st = gapStats(gapRows());
    assert.equal(st.find((s) => s.trainingSet === 1)!.snapShare, 1);
    assert.ok(st.find((s) => s.trainingSet === 5)!.midGapError < 0.05);
    const v = gapVerdict(gapRows());
    assert.deepEqual([v.wideSnaps, v.narrowInterpolates, v.reproduced], [true, true, true]);
    // both sets snapping is not reproduced
    const snapAll = gapRows().map((r) => (r.trainingSet === 5 ? { ...r, generatedVelocity: Number(r.conditionVelocity) < 2.5 ? 1.2 : 3.8 } : r));
    assert.equal(gapVerdict(snapAll).reproduced, false);
    assert.equal(gapVerdict(gapRows().filter((r) => r.trainingSet === 1)).reproduced, null);
    assert.match(gapVerdictMarkdown(gapRows()), /Velocity gaps \(Fig 5\): reproduced/);
  });

  it('figures: one panel per set, shaded training speeds, flipped points apart', () => {
    const f7 = fig7(flipRows());
    assert.ok(f7.layout.xaxis2 && !f7.layout.xaxis3);
    const flipped = f7.data.filter((t) => String(t.name).startsWith('flipped'));
    assert.deepEqual(flipped.map((t) => (t.x as number[]).length), [0, 3]);
    // Set-2 shades the mirrored training speeds too
    assert.equal(f7.data.filter((t) => t.name === 'training speeds' && t.xaxis === 'x2').length, 2);
    const f5 = fig5(gapRows());
    assert.ok(f5.layout.xaxis2 && !f5.layout.xaxis3);
    assert.equal(f5.data.filter((t) => t.name === 'training speeds' && t.xaxis === 'x2').length, 4);
    const fs = flipShareFigure(flipRows());
    assert.equal(fs.data.length, 2);
  });
});

describe('case-matching report: baseline rows', () => {
  it('flip shares, shifts and the verdict read only the test rows; baseline rows (evalSet "baseline") stay apart', () => {
    const test = flipRows().map((r) => ({ ...r, evalSet: 'test' }));
    // a baseline that "flips" every video would change every share if it were counted
    const baseline = test.map((r) => ({ ...r, evalSet: 'baseline', conditionVelocity: 3, generatedVelocity: -3, flipped: true }));
    const both = [...test, ...baseline];
    assert.equal(flipTestRows(both).length, test.length);
    assert.equal(flipBaselineRows(both).length, baseline.length);
    assert.deepEqual(flipShares(both), flipShares(test));
    assert.deepEqual(speedShifts(both), speedShifts(test));
    assert.deepEqual(flipVerdict(both), flipVerdict(test));
    // rows of a summary from before the baseline (no evalSet) are test rows
    assert.deepEqual(flipShares(flipRows()), flipShares(test));
  });
});
