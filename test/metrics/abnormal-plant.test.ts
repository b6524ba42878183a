import { strict as assert } from 'node:assert';
import { ABNORMAL_KINDS } from '../../lib/metrics/abnormal';
import { canPlant, plantViolation } from '../../lib/metrics/abnormal-plant';
import { makePhyreVideo } from '../../lib/sim/phyre/video';

describe('metrics/abnormal-plant (planted violations)', () => {
  const v = makePhyreVideo({ template: 5, seed: 3, trial: 2, size: 48, frames: 16 });
  it('leaves the frames before the planted frame untouched and changes the ones after', () => {
    const f = 48 * 48 * 3;
    for (const kind of ABNORMAL_KINDS) {
      assert.ok(canPlant(v, kind));
      const p = plantViolation(v, kind, 0);
      assert.ok(p.frame >= 3 && p.frame <= 12, `${kind} at ${p.frame}`);
      assert.ok(Buffer.from(p.frames.subarray(0, (p.frame - 1) * f)).equals(Buffer.from(v.frames.subarray(0, (p.frame - 1) * f))), `${kind}: early frames`);
      assert.ok(!Buffer.from(p.frames.subarray((v.traj.frames - 1) * f)).equals(Buffer.from(v.frames.subarray((v.traj.frames - 1) * f))), `${kind}: last frame differs`);
    }
  });
  it('is deterministic per (kind, index, video)', () => {
    assert.ok(Buffer.from(plantViolation(v, 'teleport', 3).frames).equals(Buffer.from(plantViolation(v, 'teleport', 3).frames)));
  });
  it('static-moved needs a static body', () => {
    const dynOnly = makePhyreVideo({ template: 0, seed: 0, size: 32, frames: 10 }); // 2,5,7,8: no static object
    assert.equal(canPlant(dynOnly, 'static-moved'), false);
    assert.throws(() => plantViolation(dynOnly, 'static-moved', 0), /no static body/);
  });
});
