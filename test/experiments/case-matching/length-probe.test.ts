import { strict as assert } from 'node:assert';
import { applyDotted } from '../../../lib/config/overrides';
import type { Row } from '../../../lib/experiments/core/experiment';
import {
  LENGTH_PROBE_COMMAND,
  LENGTH_PROBE_SEEDS,
  LENGTH_PROBE_STEPS,
  lengthProbeConfig,
  lengthProbeMarkdown,
  readLengthProbe,
} from '../../../lib/experiments/case-matching/length-probe';
import { defaultVelocityGapConfig } from '../../../lib/experiments/case-matching/velocity-gap';

/** A velocity-gap row of set 1 (bands [1, 1.25] ∪ [3.75, 4]): generated off the condition by `err`, the parser's truth by `floor`. */
const row = (seed: number, cond: number, err: number, floor: number, trainingSet: string | number = '1'): Row => ({
  trainingSet, seed, conditionVelocity: cond, generatedVelocity: cond + err, truthVelocity: cond + floor, intact: true,
});
const rows = (seed: number, err: number, floor: number, set?: string | number) => [1.1, 3.9, 1.2].map((c) => row(seed, c, err, floor, set)).concat(row(seed, 2.5, 1, floor, set));

describe('experiments/case-matching/length-probe', () => {
  it('its command line, applied to the quick config, builds exactly the probe config', () => {
    const pairs = Object.fromEntries([...LENGTH_PROBE_COMMAND.matchAll(/--([\w.]+)=(\S+)/g)].filter((m) => m[1] !== 'seeds').map((m) => [m[1], m[2]]));
    assert.deepEqual(applyDotted(defaultVelocityGapConfig('quick'), pairs), lengthProbeConfig());
    assert.deepEqual(lengthProbeConfig().trainingSets, ['1'], 'set names stay text, as in the default config');
    assert.match(LENGTH_PROBE_COMMAND, new RegExp(`--seeds=${LENGTH_PROBE_SEEDS.join(',')}`));
    assert.equal(lengthProbeConfig().train.steps, LENGTH_PROBE_STEPS);
  });

  it('reads the in-band error of set 1 seed 1 against its floor, only inside the bands, and the exponent between lengths', () => {
    const shipped = [...rows(1, 0.4, 0.1), ...rows(2, 9, 0.1), ...rows(1, 9, 0.1, '2')];
    const probe = rows(1, 0.2, 0.1, 1); // a run whose set name was parsed as a number still reads
    const r = readLengthProbe(shipped, probe, 5000);
    assert.ok(Math.abs(r.short!.error - 0.4) < 1e-9 && Math.abs(r.short!.ratio - 4) < 1e-9, 'the gap condition (2.5) and other seeds and sets are left out');
    assert.ok(Math.abs(r.long!.ratio - 2) < 1e-9);
    const exponent = Math.log(0.5) / Math.log(LENGTH_PROBE_STEPS / 5000);
    assert.ok(Math.abs(r.exponent! - exponent) < 1e-12);
    assert.equal(r.stepsToWithin, LENGTH_PROBE_STEPS, 'already within 3x: no extrapolation');
    assert.match(lengthProbeMarkdown(r), /within 3x: \*\*yes\*\*/);
    assert.match(lengthProbeMarkdown(r), /inside a training band: 0\.0% at 5,000 steps, 0\.0% at 40,000/, 'the gap condition (2.5 → 3.5) lands outside both bands');
  });

  it('extrapolates to 3x only when the error falls, and says it is an extrapolation', () => {
    const far = readLengthProbe(rows(1, 0.8, 0.1), rows(1, 0.4, 0.1), 5000);
    assert.ok(far.stepsToWithin! > LENGTH_PROBE_STEPS);
    assert.ok(Math.abs(0.4 * (far.stepsToWithin! / LENGTH_PROBE_STEPS) ** far.exponent! - 0.3) < 1e-9, 'the power law reaches 3x the floor there');
    assert.match(lengthProbeMarkdown(far), /within 3x: \*\*no\*\*.*an extrapolation from two points/);
    const flat = readLengthProbe(rows(1, 0.4, 0.1), rows(1, 0.5, 0.1), 5000);
    assert.equal(flat.stepsToWithin, null);
    assert.match(lengthProbeMarkdown(flat), /did not fall/);
    assert.match(lengthProbeMarkdown(null), /not run yet/);
    assert.match(lengthProbeMarkdown(readLengthProbe([], rows(1, 0.4, 0.1), 5000)), /one model, spread n\/a/);
  });
});
