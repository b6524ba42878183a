/**
 * Executes every notebook in notebooks/ headless through a real Jupyter client (nbconvert with the
 * tslab kernel `phylab`) in the `smoke` profile; fails on any cell error. Jupyter is required:
 * .ci/run installs it (Debian jupyter-nbconvert); set PHYLAB_SKIP_NOTEBOOKS=1 to skip knowingly.
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { executeNotebook, findJupyter, JUPYTER_INSTALL_HINT, outputKinds } from '../../lib/notebook/jupyter';
import { REPO_ROOT } from '../../lib/runtime/provenance';

const dir = join(REPO_ROOT, 'notebooks');
const notebooks = readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort();

/** What each notebook must show besides running cleanly (mime types that must appear somewhere). */
const MUST_SHOW: Record<string, string[]> = {
  '00-tour.ipynb': ['image/png', 'text/html', 'application/vnd.plotly.v1+json', 'text/markdown'],
  '01-id-vs-ood-scaling.ipynb': ['application/vnd.plotly.v1+json', 'text/html', 'image/png', 'text/markdown'],
  '02-template-coverage.ipynb': ['application/vnd.plotly.v1+json', 'text/html', 'image/png', 'text/markdown'],
  '03-case-matching.ipynb': ['application/vnd.plotly.v1+json', 'text/html', 'image/png', 'text/markdown'],
  '04-attribute-priority.ipynb': ['application/vnd.plotly.v1+json', 'text/html', 'image/png', 'text/markdown'],
  '05-ask-the-model.ipynb': ['application/vnd.plotly.v1+json', 'text/html', 'image/png', 'text/markdown'],
};

describe('notebooks (headless, smoke profile, through Jupyter)', function () {
  this.timeout(900_000);
  before(function () {
    if (process.env.PHYLAB_SKIP_NOTEBOOKS === '1') this.skip();
    if (!findJupyter()) throw new Error(JUPYTER_INSTALL_HINT);
  });

  it('finds the notebooks', () => {
    assert.ok(notebooks.includes('00-tour.ipynb'), `notebooks: ${notebooks.join(', ')}`);
  });

  for (const nb of notebooks) {
    it(`${nb} runs without a cell error`, () => {
      const run = executeNotebook(join(dir, nb), { profile: 'smoke', outDir: join(tmpdir(), 'phylab-nbtest') });
      assert.deepEqual(run.errors, [], `cell errors in ${nb}:\n${run.errors.map((e) => `cell ${e.cell}: ${e.ename}: ${e.evalue}`).join('\n')}\n${run.log}`);
      const codeCells = run.notebook.cells.filter((c) => c.cell_type === 'code');
      assert.ok(codeCells.length > 0);
      const kinds = new Set(outputKinds(run).flat());
      for (const k of MUST_SHOW[nb] ?? []) assert.ok(kinds.has(k), `${nb} shows ${k} (got ${[...kinds].join(', ')})`);
    });
  }
});
