import { strict as assert } from 'node:assert';
import { ABNORMAL_KINDS, detectAbnormal } from '../../lib/metrics/abnormal';
import { canPlant, plantViolation } from '../../lib/metrics/abnormal-plant';
import { makePhyreVideo } from '../../lib/sim/phyre/video';

describe('metrics/abnormal (automatic abnormal detection)', function () {
  this.timeout(120000);

  it('clean ground-truth videos are not flagged (a sample of templates, 32 and 128 px)', () => {
    for (const size of [32, 128]) {
      for (const template of [0, 5, 23, 41, 66]) {
        const v = makePhyreVideo({ template, seed: 300 + template, trial: 1, size, frames: 24 });
        const r = detectAbnormal(v.frames, 24, size, size);
        assert.equal(r.abnormal, false, `${v.name} @${size}: ${r.flags.map((f) => f.kind + ' ' + f.detail).join('; ')}`);
      }
    }
  });

  it('flags each planted kind in an example video (128 px), with that kind', () => {
    // (template, seed, trial, plant index) chosen once; the validation table measures the rates
    const cases: Record<string, [number, number]> = { vanished: [7, 11], appeared: [0, 11], 'size-change': [0, 11], 'static-moved': [7, 11], interpenetration: [21, 11], teleport: [0, 11] };
    for (const kind of ABNORMAL_KINDS) {
      const [template, seed] = cases[kind];
      const v = makePhyreVideo({ template, seed, trial: 0, size: 128, frames: 24 });
      assert.ok(canPlant(v, kind));
      let hit = false;
      const seen: string[] = [];
      for (let i = 0; i < 4 && !hit; i++) {
        const p = plantViolation(v, kind, i);
        const r = detectAbnormal(p.frames, 24, 128, 128);
        seen.push(`${p.detail} → ${r.kinds.join(',') || 'nothing'}`);
        hit = r.kinds.includes(kind) && r.flags.some((f) => f.kind === kind && f.frame >= p.frame);
      }
      assert.ok(hit, `${kind}: ${seen.join(' | ')}`);
    }
  });

  it('rejects a video of the wrong size, naming it', () => {
    assert.throws(() => detectAbnormal(new Uint8Array(10), 2, 4, 4), /video holds 10 bytes, expected frames·H·W·3 = 96/);
    assert.throws(() => detectAbnormal(new Uint8Array(96), 2, 4, 4, { matchRadius: 2 }), /matchRadius must be in \(0, 1\)/);
  });
});
