import { strict as assert } from 'node:assert';
import { defaultIdOodConfig } from '../../../lib/experiments/id-ood/config';
import { experiment } from '../../../lib/experiments/id-ood/experiment';
import { applyExperimentOverrides } from '../../../lib/experiments/core/optional-settings';
import { collisionProbeConfig, collisionProbeDir, collisionProbeMarkdown, PROBE_COMMAND, PROBE_SEEDS, readCollisionProbe } from '../../../lib/experiments/id-ood/collision-probe';
import type { Row } from '../../../lib/experiments/core/experiment';

const gt = (e: number): Row => ({ scenario: 'collision', model: 'gt', dataSize: null, seed: null, split: 'gt', set: 'id', velocityError: e });
const vae = (e: number): Row => ({ scenario: 'collision', model: 'vae', dataSize: null, seed: null, split: 'vae', set: 'id', velocityError: e });
const model = (seed: number, e: number): Row => ({ scenario: 'collision', model: 'q64', dataSize: 4096, seed, split: 'id', set: 'id', velocityError: e });

describe('experiments/id-ood/collision-probe', () => {
  it('its command line, applied to the quick config, builds exactly the probe config, whose folder holds the shipped probe', () => {
    const pairs = Object.fromEntries([...PROBE_COMMAND.matchAll(/--([\w.]+)=(\S+)/g)].filter((m) => m[1] !== 'seeds').map((m) => [m[1], m[2]]));
    assert.deepEqual(applyExperimentOverrides(experiment, defaultIdOodConfig('quick'), pairs), collisionProbeConfig());
    assert.match(PROBE_COMMAND, new RegExp(`--seeds=${PROBE_SEEDS.join(',')}`));
    // the probe ran before the recipe grid became the quick default: same config, same folder
    assert.match(collisionProbeDir(), /id-ood\/runs\/quick-7b8c50426c0f$/);
  });

  it('criterion: 3 seeds, mean ID error within 3x the floor; fewer seeds incomplete', () => {
    const one = readCollisionProbe([gt(0.02), vae(0.03), model(1, 0.05)]);
    assert.equal(one.verdict, 'incomplete');
    assert.match(collisionProbeMarkdown(one), /\*\*incomplete\*\* \(1 of 3 seeds\)/);
    assert.match(collisionProbeMarkdown(one), /no interval/);
    const pass = readCollisionProbe([gt(0.02), model(1, 0.05), model(2, 0.06), model(3, 0.055)]);
    assert.equal(pass.verdict, 'pass');
    assert.ok(Math.abs(pass.ratio! - 2.75) < 1e-9);
    const fail = readCollisionProbe([gt(0.02), model(3, 0.2), model(1, 0.1), model(2, 0.3)]);
    assert.equal(fail.verdict, 'fail');
    assert.deepEqual(fail.perSeed.map((p) => p.seed), [1, 2, 3]);
    assert.match(collisionProbeMarkdown(fail), /is 10\.0x the floor; the criterion asks for ≤ 3x/);
    assert.match(collisionProbeMarkdown(null), /not run yet/);
  });
});
