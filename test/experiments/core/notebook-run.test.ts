import { strict as assert } from 'node:assert';
import { configHeaderMarkdown, runOrLoad, runsHere, unitTimeTable, unitTimeTotalMarkdown } from '../../../lib/experiments/core/notebook-run';
import { experiment as flipExp } from '../../../lib/experiments/case-matching/direction-flip';
import { toy } from './toy-experiment';

describe('experiments/core/notebook-run', () => {
  it('runs here in smoke, elsewhere only with PHYLAB_RUN=1', () => {
    assert.equal(runsHere('smoke', {}), true);
    assert.equal(runsHere('quick', {}), false);
    assert.equal(runsHere('quick', { PHYLAB_RUN: '1' }), true);
    assert.equal(runsHere('paper', { PHYLAB_RUN: '0' }), false);
  });

  it('folds the config(s) under one visible line', () => {
    const one = configHeaderMarkdown('quick', [1, 2, 3], false, { a: 1 });
    assert.match(one, /^\*\*profile\*\* `quick` · seeds 1, 2, 3 · loading the cached summary\n/);
    assert.match(one, /<summary>the resolved config<\/summary>/);
    assert.match(one, /"a": 1/);
    const two = configHeaderMarkdown('smoke', [1], true, { x: { a: 1 }, y: { b: 2 } }, { plural: true, label: 'configs' });
    assert.match(two, /running the experiments here/);
    assert.match(two, /`x`:\n```json\n\{\n "a": 1\n\}\n```\n`y`:/);
  });

  it('loads a shipped summary without running anything, and says when there is none', async () => {
    const none = await runOrLoad(toy([]), { offset: 10 }, { profile: 'smoke', seeds: [1], run: false });
    assert.deepEqual(none, { rows: [], run: null, dir: 'data/results/toy/smoke', figDir: 'data/results/toy/smoke/figures' });
    const flip = await runOrLoad(flipExp, flipExp.defaultConfig('quick'), { profile: 'quick', seeds: [1, 2, 3], run: false });
    assert.ok(flip.rows.length > 0);
    assert.equal(flip.run?.experiment, 'direction-flip');
    assert.equal(flip.figDir, 'data/results/direction-flip/quick/figures');
  });

  it('sums compute per unit kind from run.json', () => {
    const run = { units: [{ id: 'train/a', seconds: 120, done: true }, { id: 'train/b', seconds: 60, done: true }, { id: 'eval/a', seconds: 6, done: true }, { id: 'eval/b', done: false }] };
    assert.deepEqual(unitTimeTable(run), [
      { unit: 'train', done: 2, planned: 2, minutesEach: 1.5, minutesTotal: 3 },
      { unit: 'eval', done: 1, planned: 2, minutesEach: 0.1, minutesTotal: 0.1 },
    ]);
    assert.equal(unitTimeTotalMarkdown(run), 'Total: **3.1 min** of compute for 3 of 4 units.');
    assert.deepEqual(unitTimeTable(null), []);
  });
});
