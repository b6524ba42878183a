import { strict as assert } from 'node:assert';
import type { Unit } from '../../../lib/experiments/core/experiment';
import { findUnit, unitInputs, unitLevels } from '../../../lib/experiments/core/unit-inputs';

const u = (id: string, deps: string[] = []): Unit => ({ id, key: id, version: 'v', deps, cost: 1, run: async () => null });
// floor and vae first; train needs vae; eval needs train and floor
const plan = [u('floor'), u('vae'), u('train/a', ['vae']), u('eval/a', ['train/a', 'floor']), u('train/b', ['vae']), u('eval/b', ['train/b', 'floor'])];

describe('experiments/unit-inputs', () => {
  it('unitInputs: every unit a unit needs, directly or through others', () => {
    assert.deepEqual([...unitInputs(plan, 'eval/a')].sort(), ['floor', 'train/a', 'vae']);
    assert.deepEqual([...unitInputs(plan, 'vae')], []);
  });

  it('findUnit names the unknown id and some allowed ones', () => {
    assert.equal(findUnit(plan, 'train/b').id, 'train/b');
    assert.throws(() => findUnit(plan, 'train/c'), /--unit: no unit 'train\/c' in this plan \(6 units; e\.g\. train\/a, train\/b, …; `--dry-run` lists them all\)/);
  });

  it('unitLevels: levels over the units still to run, in plan order', () => {
    assert.deepEqual(unitLevels(plan, plan.map((x) => x.id)), [['floor', 'vae'], ['train/a', 'train/b'], ['eval/a', 'eval/b']]);
    // vae done: the trains have no scheduled input left; eval/b needs train/b
    assert.deepEqual(unitLevels(plan, ['train/b', 'eval/b', 'eval/a']), [['eval/a', 'train/b'], ['eval/b']]);
    assert.deepEqual(unitLevels(plan, []), []);
  });
});
