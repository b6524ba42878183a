/**
 * Notebooks never overwrite exported results with empty ones (issue 15, item 5): every cell that
 * writes a table or figure does so only when it has summary rows, into the folder of the results
 * it shows (the run's own folder when it ran another config), never a hard-coded data/results path.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/runtime/provenance';

const notebooks = readdirSync(join(REPO_ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'));

describe('notebooks: guarded exports', () => {
  for (const nb of notebooks) {
    it(`${nb}: writes tables and figures only with rows, into the shown results' folder`, () => {
      const cells = (JSON.parse(readFileSync(join(REPO_ROOT, 'notebooks', nb), 'utf8')).cells as Array<{ cell_type: string; source: string[] | string }>)
        .filter((c) => c.cell_type === 'code')
        .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
      for (const src of cells) {
        if (!/\b(writeTable|saveAndShow)\(/.test(src)) continue;
        if (/\b(writeTable|saveAndShow)\([^;]*'data\/runs\//.test(src)) continue; // scratch output of a demo (git-ignored), not results
        assert.match(src, /if \([^)]*\.length\)/, `a cell exports results without checking it has any:\n${src.slice(0, 300)}`);
      }
      for (const src of cells) for (const line of src.split('\n')) {
        if (/`data\/results\/[^`]*\/(figures|examples)/.test(line)) assert.fail(`a hard-coded results path (use the run's folder): ${line.trim()}`);
      }
    });
  }
});
