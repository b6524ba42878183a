import { strict as assert } from 'node:assert';
import { combinations, OBJECT_TYPES, parseTaskName, taskName, TEMPLATES, TRAIN_6, TRAIN_30, EVAL_OUT_OF_TEMPLATE } from '../../../lib/sim/phyre/templates';

/**
 * The paper's order, computed by running the original's own lines with CPython 3.11:
 *   combos = [c for c in itertools.combinations(object_list, 4) if any('dynamic' in o for o in c)]
 *   random.Random(4).shuffle(combos)
 * (object_list from phyworld combinatorial_data/data/task_scripts/main/task10003.py), printed as
 * 1-based type numbers. Entry k is task 1000k.
 */
const PAPER_ORDER = [[2, 5, 7, 8], [4, 6, 7, 8], [1, 4, 6, 7], [5, 6, 7, 8], [2, 3, 5, 7], [3, 4, 5, 6], [1, 4, 5, 8], [2, 3, 7, 8], [2, 3, 4, 6], [2, 3, 5, 6], [3, 5, 6, 8], [2, 6, 7, 8], [1, 4, 5, 7], [1, 4, 6, 8], [3, 4, 5, 7], [1, 3, 5, 7], [3, 4, 7, 8], [2, 4, 5, 6], [2, 4, 5, 8], [2, 3, 6, 7], [1, 3, 6, 7], [2, 3, 4, 7], [2, 5, 6, 8], [1, 2, 3, 4], [1, 2, 5, 6], [2, 3, 6, 8], [1, 2, 3, 6], [1, 2, 4, 8], [1, 5, 6, 7], [1, 2, 4, 7], [3, 4, 6, 8], [1, 3, 4, 5], [1, 5, 6, 8], [1, 3, 7, 8], [1, 3, 5, 8], [1, 2, 4, 5], [4, 5, 6, 8], [3, 4, 5, 8], [3, 6, 7, 8], [1, 2, 5, 7], [1, 2, 6, 7], [2, 4, 6, 8], [2, 4, 5, 7], [2, 3, 5, 8], [4, 5, 6, 7], [4, 5, 7, 8], [1, 3, 4, 6], [1, 2, 4, 6], [3, 5, 7, 8], [1, 3, 4, 7], [1, 3, 6, 8], [1, 6, 7, 8], [1, 5, 7, 8], [1, 2, 7, 8], [1, 2, 3, 7], [2, 4, 6, 7], [2, 5, 6, 7], [1, 3, 4, 8], [3, 4, 6, 7], [2, 3, 4, 5], [1, 4, 5, 6], [1, 2, 3, 5], [1, 2, 3, 8], [1, 2, 5, 8], [1, 3, 5, 6], [3, 5, 6, 7], [2, 4, 7, 8], [1, 2, 6, 8], [2, 3, 4, 8], [1, 4, 7, 8]];

const typeNumbers = (k: number) => TEMPLATES[k].map((o) => OBJECT_TYPES.indexOf(o) + 1);

describe('sim/phyre/templates', () => {
  it('itertools.combinations order', () => {
    assert.deepEqual(combinations([1, 2, 3, 4], 2), [[1, 2], [1, 3], [1, 4], [2, 3], [2, 4], [3, 4]]);
    assert.equal(combinations(OBJECT_TYPES, 4).length, 70);
  });
  it('70 distinct 4-of-8 templates in the paper order (random.Random(4) shuffle)', () => {
    assert.equal(TEMPLATES.length, 70);
    assert.equal(new Set(TEMPLATES.map((t) => t.join('+'))).size, 70);
    for (let k = 0; k < 70; k++) assert.deepEqual(typeNumbers(k), PAPER_ORDER[k], `template ${k} (task ${10000 + k})`);
  });
  it('Train-6 covers every pairwise interaction of the groups {1,2},{3,4},{5,6},{7,8}', () => {
    const groups = [[1, 2], [3, 4], [5, 6], [7, 8]];
    const covered = new Set<string>();
    for (const k of TRAIN_6) {
      const t = typeNumbers(k);
      // each Train-6 template is exactly two whole groups
      const whole = groups.map((g, gi) => (g.every((x) => t.includes(x)) ? gi : -1)).filter((gi) => gi >= 0);
      assert.equal(whole.length, 2, `template ${k} = ${t} is two whole groups`);
      covered.add(whole.join('-'));
    }
    assert.deepEqual([...covered].sort(), ['0-1', '0-2', '0-3', '1-2', '1-3', '2-3']);
  });
  it('splits: Train-30 = even ids below 60, eval = 60..69', () => {
    assert.ok(TRAIN_30.every((k) => /^100[0-5][02468]$/.test(String(10000 + k))));
    assert.equal(TRAIN_30.length, 30);
    assert.deepEqual(EVAL_OUT_OF_TEMPLATE, [60, 61, 62, 63, 64, 65, 66, 67, 68, 69]);
  });
  it('task names', () => {
    assert.equal(taskName(3, 17), '10003:017');
    assert.deepEqual(parseTaskName('10068:084'), { template: 68, seed: 84 });
    assert.throws(() => taskName(70, 0), /template must be an integer template index in \[0, 69\]/);
  });
});
