import { strict as assert } from 'node:assert';
import { defaultIdOodConfig } from '../../../lib/experiments/id-ood/config';
import { cheapestWithin, clipFloors, PAPER_CLIP, parserFloors } from '../../../lib/experiments/id-ood/scale';

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

  it('measures the floors on the paper\'s clip under three parsers: the paper\'s ×10/W mapping adds about v/W', () => {
    assert.deepEqual(PAPER_CLIP, { size: 128, frames: 32, frameStride: 10 });
    const c = { ...defaultIdOodConfig('quick'), idCount: 16, scenarios: ['uniform' as const] };
    const [u] = parserFloors(c);
    assert.equal(u.scenario, 'uniform');
    assert.equal(u.size, 128);
    assert.equal(u.paperPublished, 0.0099);
    assert.ok(u.ours < u.maskGrid, `coverage-weighted ${u.ours} below the mask ${u.maskGrid}`);
    // ID speeds 1–4 u/s: a bias of v/W is 0.008–0.031 u/s at 128 px, far above the bias-free floors
    assert.ok(u.paperCode > 1 / 128 && u.paperCode < 4 / 128 + u.maskGrid, `paper-code ${u.paperCode}`);
    assert.ok(u.paperCode > 5 * u.maskGrid);
    assert.equal(u.unparseable, 0);
  });
});
