import { strict as assert } from 'node:assert';
import { DT, FRAME_DT, frameDtFor, frameTime, MAX_STRIDE, STRIDE, strideOfFrameDt } from '../../lib/sim/constants';

describe('sim/constants: frame timing', () => {
  it('seconds per frame come from the stride (0.1 s at the paper\'s 10) and back', () => {
    assert.equal(FRAME_DT, frameDtFor(STRIDE));
    assert.equal(frameDtFor(30), 30 * DT);
    for (const s of [1, 5, 10, 15, 30, 97, MAX_STRIDE]) assert.equal(strideOfFrameDt(frameDtFor(s)), s);
  });

  it('a frame interval that is not a whole number of physics steps is refused', () => {
    for (const dt of [0, -0.1, 0.015, NaN, frameDtFor(MAX_STRIDE + 1)]) assert.throws(() => strideOfFrameDt(dt), /frameDt must be a whole number/);
  });

  it('frame k is recorded after k·stride + 1 steps', () => {
    assert.equal(frameTime(0), DT);
    assert.equal(frameTime(3, 30), 91 * DT);
    assert.equal(frameTime(3), 31 * DT);
  });
});
