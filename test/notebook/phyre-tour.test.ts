import { strict as assert } from 'node:assert';
import { phyreTemplateStrips, plantedViolationDemo } from '../../lib/notebook/phyre-tour';

describe('notebook/phyre-tour helpers', function () {
  this.timeout(60000);
  it('template filmstrips are PNGs captioned with the task and its objects', () => {
    const s = phyreTemplateStrips([3, 23], { size: 32, frames: 8 });
    assert.equal(s.length, 2);
    assert.deepEqual([...s[0].png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.match(s[0].caption, /task 10003:000/);
    assert.match(s[1].caption, /1 dynamic_ball_1, 2 dynamic_ball_2, 3 static_ball, 4 dynamic_bar/);
  });
  it('the tour example: the planted violation is flagged, the clean video is not', () => {
    const d = plantedViolationDemo({ template: 7, seed: 11, kind: 'vanished' });
    assert.equal(d.cleanFlags, 0, d.markdown);
    assert.ok(d.plantedKinds.includes('vanished'), d.markdown);
  });
});
