/** `phylab models export` for id-ood and the float16 option: the cell parser and the clear errors (child process, as a user runs it). */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCell } from '../../../lib/cli/commands/models';
import { phylab } from './run-phylab';

describe('cli: phylab models export', function () {
  this.timeout(120_000);

  it('an id-ood cell is its unit tag <scenario>/<preset>/n<size>/s<seed>', () => {
    assert.deepEqual(parseCell('uniform/q128/n16384/s1'), { scenario: 'uniform', preset: 'q128', n: 16384, seed: 1 });
    assert.throws(() => parseCell('uniform/q128/16384/1'), /--cells: 'uniform\/q128\/16384\/1' is not <scenario>\/<preset>\/n<size>\/s<seed>/);
    assert.throws(() => parseCell('bounce/q64/n1024/s1'), /scenario one of uniform, collision, parabola/);
  });

  it('clear errors: a bad --dtype, --sets with id-ood, a --results folder without a run, of another experiment or profile, a cache without the checkpoint (nothing written)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-models-cli-'));
    try {
      const root = join(dir, 'models');
      const cases: Array<[string[], RegExp]> = [
        [['models', 'export', '--experiment', 'id-ood', '--dtype', 'int8', '--root', root], /--dtype/],
        [['models', 'export', '--experiment', 'id-ood', '--sets', 'Set-1', '--root', root], /--sets is for direction-flip; id-ood exports grid cells \(--cells\)/],
        [['models', 'export', '--experiment', 'id-ood', '--cells', 'uniform/q128/n16384/s1', '--cache', join(dir, 'empty'), '--root', root], /no checkpoint of train\/uniform\/q128\/n16384\/s1 at .*empty/],
        [['models', 'export', '--experiment', 'id-ood', '--results', join(dir, 'nowhere'), '--root', root], /--results: no run.json in '.*nowhere'/],
        [['models', 'export', '--experiment', 'id-ood', '--results', 'data/results/direction-flip/quick', '--root', root], /run.json is a run of direction-flip, not id-ood/],
        [['models', 'export', '--experiment', 'id-ood', '--profile', 'smoke', '--results', 'data/results/id-ood/runs/quick-8d2f31050458', '--root', root], /is a quick run, not smoke: pass its profile/],
        [['models', 'export', '--experiment', 'id-ood', '--results', 'data/results/id-ood/runs/quick-8d2f31050458', '--cells', 'uniform/q128/n16384/s2', '--cache', join(dir, 'empty'), '--root', root], /no checkpoint of train\/uniform\/q128\/n16384\/s2 at .*empty/],
      ];
      for (const [args, re] of cases) {
        const r = phylab(args);
        assert.notEqual(r.status, 0, args.join(' '));
        assert.match(r.stderr, re, args.join(' '));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
