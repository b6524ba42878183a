import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../lib/experiments/all';
import { experimentNames, getExperiment } from '../../../lib/experiments/core/registry';
import { loadUnitResults } from '../../../lib/experiments/core/runner';
import { PROFILES } from '../../../lib/config/profile';
import { REPO_ROOT } from '../../../lib/runtime/provenance';

describe('experiments: summarize reads the shipped units as they were summarised', () => {
  it('every shipped summary.json is what summarize makes of its shipped units (typed readers, resultOf)', function () {
    this.timeout(120_000);
    const empty = mkdtempSync(join(tmpdir(), 'phylab-no-cache-'));
    let checked = 0;
    try {
      for (const name of experimentNames()) {
        const exp = getExperiment(name)!;
        for (const profile of PROFILES) {
          const dir = join(REPO_ROOT, 'data', 'results', name, profile);
          if (!existsSync(join(dir, 'summary.json')) || !existsSync(join(dir, 'units'))) continue;
          const config = exp.defaultConfig(profile);
          const seeds = exp.defaultSeeds(profile);
          // an empty cache: only the shipped copies count
          const results = loadUnitResults(exp, config, seeds, { profile, cacheDir: empty });
          const rows = JSON.parse(JSON.stringify(exp.summarize(config, seeds, results)));
          const shipped = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
          assert.equal(rows.length, shipped.length, `${name}/${profile}: rows`);
          assert.deepEqual(rows, shipped, `${name}/${profile}`);
          checked++;
        }
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    assert.ok(checked >= 5, `checked ${checked} shipped summaries`);
  });
});
