/**
 * Drive a notebook in a real browser (headless Chromium through playwright-core) in classic
 * Notebook 6 or JupyterLab 3.6: open it, run all cells, and read back what an analyst sees:
 * which cells ran, error outputs, figures (drawn by plotly or shown as their PNG), tables,
 * markdown shown as raw source, anything wider than its output area. Used by the browser tests.
 */
import type { Page } from 'playwright-core';
import type { FrontEnd, RunningServer } from '../../lib/notebook/notebook-server';

export interface CellState {
  index: number;
  /** Execution count, or null when the cell did not run. */
  count: number | null;
  /** Error outputs and stderr text of the cell. */
  errors: string[];
}

export interface PageReport {
  codeCells: number;
  cells: CellState[];
  /** Figure containers (phylab's HTML figure outputs) and how each is shown. */
  figures: Array<{ plotly: boolean; image: boolean; width: number; areaWidth: number }>;
  /** Images (PNG outputs and figure fallbacks) with pixels, and their widths vs their output areas. */
  images: Array<{ width: number; areaWidth: number }>;
  tables: number;
  /** Rendered HTML/markdown outputs with bold text (verdicts, provenance). */
  richText: number;
  /** Plain-text outputs that look like markdown source (`**bold**`, `# heading`, fenced code). */
  rawMarkdown: string[];
  /** Output areas whose content is wider than they are (horizontal scrolling). */
  overflowing: number;
  /** Each of those: content vs area width (px) and what it holds (first element's tag/class, its text's start). */
  overflowDetails: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Open a notebook (path relative to the repository root) and wait until its kernel is idle (when `kernel`). */
export async function openNotebook(page: Page, server: RunningServer, path: string, opts: { kernel?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const timeout = opts.timeoutMs ?? 120_000;
  if (server.frontEnd === 'classic') {
    await page.goto(server.notebookUrl(path), { waitUntil: 'domcontentloaded', timeout });
    await page.waitForFunction(() => {
      const J = (window as any).Jupyter;
      return !!(J && J.notebook && J.notebook._fully_loaded);
    }, undefined, { timeout });
    if (opts.kernel) await page.waitForFunction(() => !!document.querySelector('#kernel_indicator_icon.kernel_idle_icon'), undefined, { timeout, polling: 250 });
  } else {
    // Lab: one page for the whole session; notebooks are opened by command (a fresh workspace first).
    if (!page.url().startsWith(`${server.url}lab`)) {
      await page.goto(`${server.url}lab?reset`, { waitUntil: 'domcontentloaded', timeout });
      await page.waitForFunction(() => document.body.getAttribute('data-phylab-lab') === 'ready', undefined, { timeout });
      // Lab 3's router shows "Path Not Found: /lab/tree" once on this server (no tree resolver for the bare path): dismiss it.
      await sleep(500);
      await page.evaluate(() => document.querySelectorAll('.jp-Dialog .jp-mod-accept').forEach((b) => (b as HTMLElement).click()));
    }
    await page.evaluate(async (p) => {
      const lab = (window as any).phylabLab;
      await lab.commands.execute('application:close-all');
      // the panel itself, not shell.currentWidget (that follows focus, which a headless page may not have)
      (window as any).phylabNb = await lab.commands.execute('docmanager:open', { path: p, factory: 'Notebook' });
    }, path);
    await page.waitForFunction((p) => {
      const w = (window as any).phylabNb;
      return !!(w && w.context && w.context.path === p && w.context.isReady && w.content && w.content.widgets.length > 0);
    }, path, { timeout, polling: 250 });
    if (opts.kernel) await page.waitForFunction(() => (window as any).phylabNb.sessionContext?.session?.kernel?.status === 'idle', undefined, { timeout, polling: 250 });
  }
}

/** Run all cells and wait until nothing is running and the kernel is idle (two polls in a row). */
export async function runAll(page: Page, frontEnd: FrontEnd, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  if (frontEnd === 'classic') await page.evaluate(() => (window as any).Jupyter.notebook.execute_all_cells());
  else {
    await page.evaluate(() => {
      const w = (window as any).phylabNb;
      (window as any).phylabLab.shell.activateById(w.id);
      void (window as any).phylabLab.commands.execute('notebook:run-all-cells');
    });
  }
  await sleep(1500);
  let quiet = 0;
  while (Date.now() - t0 < timeoutMs) {
    const busy = await page.evaluate((fe) => {
      if (fe === 'classic') {
        const running = document.querySelectorAll('.cell.running').length;
        const idle = !!document.querySelector('#kernel_indicator_icon.kernel_idle_icon');
        return running > 0 || !idle;
      }
      const w = (window as any).phylabNb;
      const status = w.sessionContext?.session?.kernel?.status;
      const running = Array.from(document.querySelectorAll('.jp-InputPrompt')).some((p) => (p.textContent ?? '').includes('*'));
      return running || status !== 'idle';
    }, frontEnd);
    quiet = busy ? 0 : quiet + 1;
    if (quiet >= 2) return (Date.now() - t0) / 1000;
    await sleep(1000);
  }
  throw new Error(`run all: still running after ${timeoutMs / 1000} s`);
}

/** Wait (up to timeoutMs) until every figure container shows plotly's drawing. */
export async function waitForPlotly(page: Page, timeoutMs: number): Promise<boolean> {
  try {
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.phylab-figure')).every((f) => !!f.querySelector('.main-svg')), undefined, { timeout: timeoutMs, polling: 500 });
    return true;
  } catch {
    return false;
  }
}

/** What the page shows now (see PageReport). */
export async function inspectNotebook(page: Page, frontEnd: FrontEnd): Promise<PageReport> {
  // A string, not a function: tsx (esbuild keepNames) would wrap inner functions in a `__name` helper the page lacks.
  return page.evaluate(`(${INSPECT_JS})(${JSON.stringify(frontEnd)})`) as Promise<PageReport>;
}

/** Page-side code of inspectNotebook (plain JavaScript). */
const INSPECT_JS = String.raw`(fe) => {
    const area = (el) => el.closest(fe === 'classic' ? '.output_subarea' : '.jp-OutputArea-output') ?? el.parentElement ?? el;
    const cells = [];
    if (fe === 'classic') {
      const J = window.Jupyter;
      J.notebook.get_cells().forEach((c, index) => {
        if (c.cell_type !== 'code') return;
        const outs = c.output_area.outputs;
        const errors = outs.filter((o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr' && /error/i.test(String(o.text)))).map((o) => (o.ename ?? 'stderr') + ': ' + (o.evalue ?? o.text));
        cells.push({ index, count: typeof c.input_prompt_number === 'number' ? c.input_prompt_number : null, errors });
      });
    } else {
      const w = window.phylabNb;
      w.content.widgets.forEach((c, index) => {
        if (c.model.type !== 'code') return;
        const outs = c.model.outputs.toJSON();
        const errors = outs.filter((o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr' && /error/i.test(String(o.text)))).map((o) => (o.ename ?? 'stderr') + ': ' + (o.evalue ?? o.text));
        const n = c.model.executionCount;
        cells.push({ index, count: typeof n === 'number' ? n : null, errors });
      });
    }
    const outSel = fe === 'classic' ? '.output_subarea' : '.jp-OutputArea-output';
    const figures = Array.from(document.querySelectorAll('.phylab-figure')).map((f) => {
      const svg = f.querySelector('.main-svg');
      const img = f.querySelector('img');
      const w = Math.max(f.scrollWidth, svg ? svg.getBoundingClientRect().width : 0, img ? img.getBoundingClientRect().width : 0);
      return { plotly: !!svg, image: !!img && img.naturalWidth > 0, width: Math.round(w), areaWidth: Math.round(area(f).clientWidth) };
    });
    const images = Array.from(document.querySelectorAll(outSel + ' img'))
      .filter((i) => i.naturalWidth > 0)
      .map((i) => ({ width: Math.round(i.getBoundingClientRect().width), areaWidth: Math.round(area(i).clientWidth) }));
    const tables = document.querySelectorAll(outSel + ' table').length;
    const richText = Array.from(document.querySelectorAll(outSel + ' strong, ' + outSel + ' b')).filter((b) => !b.closest('.phylab-figure')).length;
    const textSel = fe === 'classic' ? '.output_text pre' : '.jp-RenderedText pre';
    const rawMarkdown = Array.from(document.querySelectorAll(textSel))
      .map((p) => p.textContent ?? '')
      .filter((t) => /\*\*[^*\n]+\*\*|^#{1,4} \S|^\x60\x60\x60/m.test(t))
      .map((t) => t.slice(0, 120));
    const wide = Array.from(document.querySelectorAll(outSel)).filter((a) => a.scrollWidth > a.clientWidth + 1);
    const overflowDetails = wide.map((a) => {
      const first = a.firstElementChild;
      const what = first ? first.tagName.toLowerCase() + (first.className ? '.' + String(first.className).split(' ')[0] : '') : '#text';
      const text = (a.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 80);
      return a.scrollWidth + ' px in ' + a.clientWidth + ' px: ' + what + ' "' + text + '"';
    });
    return { codeCells: cells.length, cells, figures, images, tables, richText, rawMarkdown, overflowing: wide.length, overflowDetails };
  }`;

/** Viewport screenshots: the top of the notebook, then each of the first `max` figures scrolled into view. */
export async function screenshots(page: Page, basePath: string, max = 3): Promise<string[]> {
  const files: string[] = [];
  const top = `${basePath}-top.png`;
  await page.screenshot({ path: top });
  files.push(top);
  const n = Math.min(max, await page.locator('.phylab-figure').count());
  for (let i = 0; i < n; i++) {
    await page.locator('.phylab-figure').nth(i).scrollIntoViewIfNeeded();
    await sleep(300);
    const f = `${basePath}-fig${i + 1}.png`;
    await page.screenshot({ path: f });
    files.push(f);
  }
  return files;
}

/** Shut the notebook's kernel down and mark it clean (so the next open closes it without a dialog). */
export async function closeNotebook(page: Page, frontEnd: FrontEnd): Promise<void> {
  await page.evaluate(async (fe) => {
    if (fe === 'classic') {
      const J = (window as any).Jupyter;
      J.notebook.set_dirty(false);
      if (J.notebook.kernel) await new Promise<void>((res) => { J.notebook.session.delete(() => res(), () => res()); setTimeout(res, 5000); });
      return;
    }
    const w = (window as any).phylabNb;
    if (!w || !w.context) return;
    if (w.sessionContext?.session) await w.sessionContext.shutdown();
    w.context.model.dirty = false;
  }, frontEnd);
}
