/**
 * The analyst's path, in a real browser: every notebook opened in JupyterLab 3.6 (phylab's npm
 * build, no plotly extension) and in classic Notebook 6, kernel `phylab`, all cells run in the
 * `smoke` profile: no error output, every cell ran, every plotly figure drawn, tables and markdown
 * rendered, nothing wider than its output area. Then each committed notebook (quick results) is
 * reopened untrusted, as a fresh clone opens: verdicts and figures must still be readable.
 * Screenshots: out/browser-test/screenshots/ (git-ignored). Run with `npm run test:browser`.
 * Needs Debian python3-jupyter-server, python3-jupyterlab-server, jupyter-notebook, chromium and
 * the front end build (`node bin/build-jupyterlab.cjs`, done here when missing).
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { findJupyter, jupyterEnv } from '../../lib/notebook/jupyter';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT } from '../../lib/runtime/provenance';
import { requireChromium, CHROMIUM_ARGS } from '../../lib/plot/chromium';
import { buildLab } from '../../lib/notebook/lab-build';
import { FRONT_ENDS, FrontEnd, RunningServer, startNotebookServer } from '../../lib/notebook/notebook-server';
import { closeNotebook, inspectNotebook, openNotebook, PageReport, runAll, screenshots, waitForPlotly } from './browser-driver';

const OUT = join(REPO_ROOT, 'out', 'browser-test');
const SHOTS = join(OUT, 'screenshots');
const notebooks = readdirSync(join(REPO_ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort();

/** Figures, tables and PNGs a notebook file holds in its committed outputs. */
function committedOutputs(nb: string): { figures: number; pngs: number; tables: number } {
  const j = JSON.parse(readFileSync(join(REPO_ROOT, 'notebooks', nb), 'utf8')) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
  let figures = 0, pngs = 0, tables = 0;
  for (const c of j.cells) for (const o of c.outputs ?? []) {
    const d = o.data ?? {};
    if ('application/vnd.plotly.v1+json' in d) figures++;
    else if ('image/png' in d) pngs++;
    else if (typeof d['text/html'] === 'string' && (d['text/html'] as string).includes('<table')) tables++;
  }
  return { figures, pngs, tables };
}

function summary(r: PageReport): string {
  return JSON.stringify({ ...r, cells: r.cells.filter((c) => c.count === null || c.errors.length) });
}

describe('notebooks in a real browser (JupyterLab 3.6 and classic Notebook 6, Chromium)', function () {
  this.timeout(1_800_000);
  let browser: Browser;
  const times: string[] = [];

  before(async function () {
    if (process.env.PHYLAB_SKIP_BROWSER === '1') this.skip();
    rmSync(join(OUT, 'work'), { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    const t0 = Date.now();
    buildLab({ log: (s) => process.stderr.write(s + '\n') });
    times.push(`front end build/cache ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const { chromium } = require('playwright-core') as typeof import('playwright-core');
    browser = await chromium.launch({ executablePath: requireChromium(), args: [...CHROMIUM_ARGS], headless: true });
  });

  after(async () => {
    await browser?.close();
    writeFileSync(join(OUT, 'times.txt'), times.join('\n') + '\n');
    process.stderr.write(`[browser test] ${times.join('; ')}\n`);
  });

  describe('static HTML (jupyter nbconvert --to html of the committed notebooks)', () => {
    for (const nb of notebooks) {
      it(`${nb}: every figure shows (its PNG), no plotly.js error`, async () => {
        const dir = join(OUT, 'work', 'html');
        mkdirSync(dir, { recursive: true });
        const r = spawnSync(findJupyter() ?? 'jupyter', ['nbconvert', '--to', 'html', '--output-dir', dir, join(REPO_ROOT, 'notebooks', nb)], { env: jupyterEnv(), encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        try {
          await page.goto(pathToFileURL(join(dir, nb.replace('.ipynb', '.html'))).href, { waitUntil: 'load' });
          await new Promise((res) => setTimeout(res, 1500));
          const seen = await page.evaluate(() => ({
            errors: document.body.innerText.includes('could not load plotly.js'),
            figures: document.querySelectorAll('.phylab-figure').length,
            figureImages: Array.from(document.querySelectorAll('.phylab-figure img')).filter((i) => (i as HTMLImageElement).naturalWidth > 0).length,
          }));
          await page.screenshot({ path: join(SHOTS, `html-${nb.replace('.ipynb', '')}.png`) });
          const expected = committedOutputs(nb);
          assert.equal(seen.errors, false, 'no "could not load plotly.js" message');
          assert.equal(seen.figures, expected.figures);
          assert.equal(seen.figureImages, expected.figures, 'each figure shows its PNG');
        } finally {
          await page.close();
        }
      });
    }
  });

  for (const fe of FRONT_ENDS) {
    describe(fe === 'lab' ? 'JupyterLab 3.6.8 (npm build, no plotly extension)' : 'classic Notebook 6', () => {
      let server: RunningServer;
      let page: Page;
      before(async () => {
        const t0 = Date.now();
        server = await startNotebookServer(fe, { stateDir: join(OUT, 'state', fe), env: { PHYLAB_PROFILE: 'smoke', PHYLAB_QUIET: '1' } });
        const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        page = await ctx.newPage();
        times.push(`${fe} server ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      });
      after(async () => {
        await page?.context().close();
        await server?.stop();
      });

      for (const nb of notebooks) {
        it(`${nb}: runs in smoke, figures drawn and within the page, tables and markdown rendered`, async () => {
          const dir = join(OUT, 'work', fe);
          mkdirSync(dir, { recursive: true });
          copyFileSync(join(REPO_ROOT, 'notebooks', nb), join(dir, nb));
          const t0 = Date.now();
          await openNotebook(page, server, `out/browser-test/work/${fe}/${nb}`, { kernel: true });
          const runS = await runAll(page, fe, 900_000);
          const drawn = await waitForPlotly(page, 30_000);
          const r = await inspectNotebook(page, fe);
          await screenshots(page, join(SHOTS, `${fe}-${nb.replace('.ipynb', '')}-smoke`));
          await closeNotebook(page, fe);
          times.push(`${fe} ${nb} ${((Date.now() - t0) / 1000).toFixed(0)} s (run all ${runS.toFixed(0)} s)`);
          const notRun = r.cells.filter((c) => c.count === null).map((c) => c.index);
          const errors = r.cells.flatMap((c) => c.errors.map((e) => `cell ${c.index}: ${e.slice(0, 400)}`));
          assert.deepEqual(errors, [], `error outputs in ${nb} (${fe})`);
          assert.deepEqual(notRun, [], `cells that did not run in ${nb} (${fe}): ${summary(r)}`);
          const expected = committedOutputs(nb);
          assert.ok(r.figures.length >= 1 && r.figures.length >= Math.min(1, expected.figures), `${nb}: figures shown: ${r.figures.length}`);
          assert.ok(drawn && r.figures.every((f) => f.plotly), `${nb} (${fe}): every figure drawn by plotly: ${JSON.stringify(r.figures)}`);
          for (const f of [...r.figures, ...r.images]) assert.ok(f.width <= f.areaWidth + 1, `${nb} (${fe}): an output ${f.width} px wide in a ${f.areaWidth} px output area`);
          assert.equal(r.overflowing, 0, `${nb} (${fe}): output areas that scroll sideways: ${r.overflowDetails.join('; ')}`);
          assert.ok(r.tables >= 1, `${nb} (${fe}): tables rendered: ${r.tables}`);
          assert.ok(r.richText >= 1, `${nb} (${fe}): rendered markdown outputs`);
          assert.deepEqual(r.rawMarkdown, [], `${nb} (${fe}): markdown shown as source`);
        });
      }

      for (const nb of notebooks) {
        it(`${nb}: the committed notebook opened untrusted shows its verdicts and figures`, async () => {
          const dir = join(OUT, 'work', fe, 'untrusted');
          mkdirSync(dir, { recursive: true });
          copyFileSync(join(REPO_ROOT, 'notebooks', nb), join(dir, nb));
          await openNotebook(page, server, `out/browser-test/work/${fe}/untrusted/${nb}`, { kernel: false });
          await new Promise((r) => setTimeout(r, 1500));
          const trusted = await page.evaluate((f) => (f === 'classic' ? (window as any).Jupyter.notebook.trusted : (window as any).phylabNb.content.widgets.some((c: any) => c.model.trusted)), fe);
          assert.equal(trusted, false, 'opened untrusted (fresh Jupyter data dir: no signature)');
          const r = await inspectNotebook(page, fe);
          await screenshots(page, join(SHOTS, `${fe}-${nb.replace('.ipynb', '')}-untrusted`), 2);
          await closeNotebook(page, fe);
          const expected = committedOutputs(nb);
          assert.ok(r.images.length >= expected.figures + expected.pngs, `${nb} (${fe}): images shown ${r.images.length}, expected ≥ ${expected.figures} figures + ${expected.pngs} PNGs`);
          for (const f of r.images) assert.ok(f.width <= f.areaWidth + 1, `${nb} (${fe}): an image ${f.width} px wide in a ${f.areaWidth} px output area`);
          assert.equal(r.overflowing, 0, `${nb} (${fe}): output areas that scroll sideways: ${r.overflowDetails.join('; ')}`);
          assert.deepEqual(r.rawMarkdown, [], `${nb} (${fe}): markdown shown as source`);
          assert.ok(r.richText >= 1 || expected.figures + expected.pngs + expected.tables === 0, `${nb} (${fe}): rendered markdown outputs`);
        });
      }
    });
  }
});
