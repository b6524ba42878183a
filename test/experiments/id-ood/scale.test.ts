import { strict as assert } from 'node:assert';
import { defaultIdOodConfig } from '../../../lib/experiments/id-ood/config';
import { cheapestWithin, clipFloors } from '../../../lib/experiments/id-ood/scale';

describe('experiments/id-ood-scale', () => {
  it('measures the ground-truth floor per candidate clip; a larger clip has a lower floor', () => {
    const c = { ...defaultIdOodConfig('quick'), idCount: 24 };
    const fl = clipFloors(c, 'collision', [{ size: 16, frames: 8, frameStride: 15 }, { size: 32, frames: 12, frameStride: 15 }], (k) => k.frames * (k.size / 8) ** 2);
    assert.equal(fl.length, 2);
    assert.ok(fl[1].floor < fl[0].floor, `${fl[1].floor} < ${fl[0].floor}`);
    assert.ok(Math.abs(fl[0].overPaper! - fl[0].floor / 0.0117) < 1e-12);
    assert.ok(Math.abs(fl[0].clipSeconds - 7 * 0.15) < 1e-12);
    assert.ok(fl[0].floorPaperCode > fl[0].floor, "the paper's mapping adds its -v/W bias");
    assert.equal(cheapestWithin(fl, 1e-6), null);
    assert.equal(cheapestWithin(fl, 1e6), fl[0], 'the fewest tokens first');
  });
});
