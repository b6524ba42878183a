import { strict as assert } from 'node:assert';
import { motionMasks, motionMetrics, spatialIou, spatiotemporalIou, weightedSpatialIou } from '../../lib/metrics/motion-iou';
import { makePhyreVideo } from '../../lib/sim/phyre/video';

/** A 1-channel video of 3 frames, 1×4 pixels, from rows of values. */
const vid = (rows: number[][]) => Float64Array.from(rows.flat());

describe('metrics/motion-iou (Physics-IQ-style)', () => {
  it('motion masks are frame differences above the threshold; frame 0 is still', () => {
    const m = motionMasks(vid([[0, 0, 0, 0], [1, 0, 0, 0], [1, 1, 0.05, 0]]), 3, 1, 4, 1);
    assert.deepEqual([...m], [0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('hand-computed IoUs', () => {
    // a moves at pixel 0 (t1) and pixel 1 (t2); b at pixel 0 (t1) and pixel 2 (t2)
    const a = Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0]);
    const b = Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 0, 1]);
    assert.equal(spatialIou(a, b, 3, 3), 1 / 3);
    assert.ok(Math.abs(spatiotemporalIou(a, b, 3, 3) - (1 + 1 + 0) / 3) < 1e-12); // t0 empty → 1
    assert.ok(Math.abs(weightedSpatialIou(a, b, 3, 3) - 1 / 3) < 1e-12);
  });

  it('a video against itself: IoUs 1, errors 0; against another trial: lower', () => {
    const gt = makePhyreVideo({ template: 23, seed: 1, trial: 0, size: 32, frames: 12 });
    const same = motionMetrics(gt.frames, gt.frames, 12, 32, 32);
    assert.deepEqual(same, { spatialIou: 1, spatiotemporalIou: 1, weightedSpatialIou: 1, mse: 0, maskedMse: 0 });
    const other = makePhyreVideo({ template: 23, seed: 1, trial: 5, size: 32, frames: 12 });
    const m = motionMetrics(other.frames, gt.frames, 12, 32, 32);
    assert.ok(m.spatialIou < 1 && m.spatiotemporalIou < 1 && m.weightedSpatialIou < 1);
    assert.ok(m.maskedMse > m.mse, 'the masked MSE concentrates on where things moved');
  });

  it('rejects mismatched videos', () => {
    assert.throws(() => motionMetrics(new Uint8Array(6), new Uint8Array(3), 1, 1, 2), /differ in size/);
  });
});
