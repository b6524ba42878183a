/**
 * The notebooks' repeated glue lives in lib (issue #16 item 5): run-or-load and the run decision
 * (lib/experiments/core/notebook-run.ts), the "Exported: …" note (plot.exportedMarkdown) and the
 * colours of reference lines, floors and training ranges (plot/roles.ts). A notebook that grows its
 * own copy again fails here, with the line.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/runtime/provenance';

const notebooks = readdirSync(join(REPO_ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'));

/** Each pattern, and where its one copy lives. */
const COPIES: Array<[RegExp, string]> = [
  [/PHYLAB_RUN/, 'runsHere(profile) in lib/experiments/core/notebook-run.ts'],
  [/\bloadSummary\(/, 'runOrLoad(...) in lib/experiments/core/notebook-run.ts'],
  [/'Exported: ' \+|Exported: ` \+/, 'plot.exportedMarkdown(...)'],
  [/rgba\(0,\s*158,\s*115/, 'plot.trainingBand / plot.ROLE_COLOURS.training'],
  [/'#(555555|999999)'/, 'plot.identityLine / plot.floorLine / plot.ROLE_COLOURS'],
];

describe('notebooks: glue lives in lib', () => {
  for (const nb of notebooks) {
    it(`${nb}: no copy of run-or-load, the exported note or the role colours`, () => {
      const cells = (JSON.parse(readFileSync(join(REPO_ROOT, 'notebooks', nb), 'utf8')).cells as Array<{ cell_type: string; source: string[] | string }>)
        .filter((c) => c.cell_type === 'code')
        .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
      for (const src of cells) for (const line of src.split('\n')) {
        if (line.trim().startsWith('//')) continue; // a comment may name the setting (e.g. "set PHYLAB_RUN=1")
        for (const [re, use] of COPIES) if (re.test(line)) assert.fail(`${nb}: use ${use} instead of: ${line.trim()}`);
      }
    });
  }
});
