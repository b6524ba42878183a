import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Experiment, Unit } from '../../../lib/experiments/core/experiment';
import { shippedFile } from '../../../lib/experiments/core/shipped-units';
import { unitHash } from '../../../lib/experiments/core/unit-cache';
import { REPO_ROOT } from '../../../lib/runtime/provenance';
import { experiment as idOod } from '../../../lib/experiments/id-ood/experiment';
import { experiment as directionFlip } from '../../../lib/experiments/case-matching/direction-flip';
import { experiment as velocityGap } from '../../../lib/experiments/case-matching/velocity-gap';
import { experiment as templateCoverage } from '../../../lib/experiments/template-coverage/index';
import { experiment as attributePriority } from '../../../lib/experiments/attribute-priority/experiment';

const SHIPPED = [idOod, directionFlip, velocityGap, templateCoverage, attributePriority] as unknown as Experiment<unknown>[];

describe('experiments/core/unit-cache unitHash', () => {
  it('ignores describe(): the hash is the same with the description removed', () => {
    const u: Unit = { id: 'train/x', key: { a: 1 }, version: 'v1', cost: 1, describe: () => '512 tokens', run: async () => 1 };
    const { describe: _d, ...bare } = u;
    assert.equal(unitHash(u), unitHash(bare as Unit));
  });

  for (const exp of SHIPPED) {
    it(`${exp.name} (quick): every planned unit hashes to a shipped result, train units described`, () => {
      const units = exp.plan(exp.defaultConfig('quick'), exp.defaultSeeds('quick'));
      const dir = join(REPO_ROOT, 'data', 'results', exp.name, 'quick');
      const missing = units.filter((u) => !existsSync(shippedFile(dir, unitHash(u)))).map((u) => u.id);
      assert.deepEqual(missing, []);
      const train = units.filter((u) => u.id.startsWith('train/'));
      assert.ok(train.length > 0);
      for (const u of train) assert.match(u.describe?.() ?? '', /^\d+ tokens, [\d.]+[kM] params, \d+ steps × batch \d+$/, u.id);
    });
  }
});
