/**
 * Real exports through headless Chromium. Skipped (with the reason printed) where no browser is
 * installed; on the project machines /usr/bin/chromium exists and these run.
 */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findChromium, launchChromium, requireChromium, BrowserNotFoundError } from '../../lib/plot/chromium';
import { Exporter, normalizePdfDates, normalizeSvgIds, sortSvgAttributes } from '../../lib/plot/export';
import { figureHtml } from '../../lib/plot/display';
import { figure, line, subplots } from '../../lib/plot/figure';

const chromium = (() => {
  try {
    return findChromium();
  } catch {
    return null;
  }
})();

function pngSize(png: Buffer): [number, number] {
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG magic');
  assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

const fig = subplots(
  [
    { title: 'ID', traces: line({ x: [1, 10, 100], y: [0.5, 0.3, 0.2], error: [0.05, 0.03, 0.02], name: 'S' }), x: { title: 'videos', log: true } },
    { title: 'OOD', traces: line({ x: [1, 10, 100], y: [2, 1.8, 1.7], band: { lower: [1.8, 1.6, 1.5], upper: [2.2, 2, 1.9] }, name: 'S' }), x: { title: 'videos', log: true } },
  ],
  { width: 500, height: 260, y: { title: 'error' } },
);

describe('plot/export (pure helpers)', () => {
  it('a missing browser gives a message that says what to install', () => {
    assert.throws(
      () => requireChromium({ PATH: '' }, []),
      (e: unknown) => e instanceof BrowserNotFoundError && /apt-get install chromium/.test((e as Error).message) && /PHYLAB_CHROMIUM/.test((e as Error).message),
    );
    assert.throws(() => findChromium({ PHYLAB_CHROMIUM: '/nonexistent/chrome' }), /PHYLAB_CHROMIUM=\/nonexistent\/chrome is not an executable file/);
  });

  it('a broken browser path fails with the hint, and no process is left', async () => {
    const ex = new Exporter({ executablePath: '/nonexistent/chrome', timeoutMs: 5000 });
    await assert.rejects(ex.svg(fig), /could not start \/nonexistent\/chrome[\s\S]*PHYLAB_CHROMIUM/);
    assert.equal(ex.isOpen, false);
    await ex.close();
  });

  it('SVG id, attribute-order and PDF date normalisation', () => {
    const svg = '<svg><defs id="defs-a1b2c3"/><clipPath id="clipa1b2c3xyplot"/><g clip-path="url(#clipa1b2c3xyplot)" style="fill:#a1b2c3"/></svg>';
    assert.equal(normalizeSvgIds(svg), '<svg><defs id="defs-000000"/><clipPath id="clip000000xyplot"/><g clip-path="url(#clip000000xyplot)" style="fill:#a1b2c3"/></svg>');
    assert.equal(sortSvgAttributes('<rect y="1" x="2" class="bg"/><g b="1" a="&quot;>"></g>'), '<rect class="bg" x="2" y="1"/><g a="&quot;>" b="1"></g>');
    const pdf = Buffer.from("%PDF-1.4\n<</CreationDate (D:20261125140106+00'00')\n/ModDate (D:20261125140107+00'00')>>");
    const n = normalizePdfDates(pdf);
    assert.equal(n.length, pdf.length);
    assert.equal(n.toString('latin1'), "%PDF-1.4\n<</CreationDate (D:19700101000000+00'00')\n/ModDate (D:19700101000000+00'00')>>");
  });
});

describe('plot/export (headless Chromium)', function () {
  this.timeout(90_000);
  let ex: Exporter;
  let dir: string;

  before(function () {
    if (!chromium) {
      // eslint-disable-next-line no-console
      console.log('    (skipped: no Chromium found; install it, e.g. `apt-get install chromium`, or set PHYLAB_CHROMIUM)');
      this.skip();
    }
    ex = new Exporter({ idleCloseMs: 0 });
    dir = mkdtempSync(join(tmpdir(), 'phylab-export-'));
  });

  after(async () => {
    if (ex) await ex.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('SVG starts with <svg, PNG has the scaled pixel size, PDF starts with %PDF', async () => {
    const svg = await ex.svg(fig);
    assert.ok(svg.startsWith('<svg'), svg.slice(0, 40));
    assert.ok(svg.includes('>videos<') && svg.includes('>OOD<'), 'axis and panel titles are text in the SVG');
    assert.deepEqual(pngSize(await ex.png(fig, { scale: 2 })), [1000, 520]);
    assert.deepEqual(pngSize(await ex.png(fig, { scale: 0.5, width: 300, height: 200 })), [150, 100]);
    const pdf = await ex.pdf(fig);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)];
    assert.equal(boxes.length, 1, 'one page');
    assert.ok(Math.abs(Number(boxes[0][1]) - 375) < 0.5 && Math.abs(Number(boxes[0][2]) - 195) < 0.5, `500×260 px = 375×195 pt, got ${boxes[0][0]}`);
    assert.ok(ex.versions && /^\d+\.\d+\.\d+$/.test(ex.versions.plotly));
    await assert.rejects(ex.png(fig, { scale: 20 }), /scale: must be a number in \[0.1, 10\]/);
  });

  it('save() writes the files and a sidecar; the same figure gives the same bytes', async () => {
    const a = await ex.save(fig, join(dir, 'a', 'fig.svg'), { scale: 1.5, config: { steps: 3 }, seed: 5 });
    const b = await ex.save(fig, join(dir, 'b', 'fig'), { scale: 1.5 });
    assert.deepEqual(Object.keys(a.files).sort(), ['json', 'pdf', 'png', 'svg']);
    assert.equal(a.files.svg, join(dir, 'a', 'fig.svg'));
    assert.equal(a.files.json, join(dir, 'a', 'fig.plotly.json'));
    for (const f of ['svg', 'png', 'pdf', 'json'] as const) {
      assert.ok(readFileSync(a.files[f]!).equals(readFileSync(b.files[f]!)), `${f} bytes are reproducible`);
    }
    const side = JSON.parse(readFileSync(a.sidecar, 'utf8'));
    assert.equal(a.sidecar, join(dir, 'a', 'fig.json'));
    assert.deepEqual(side.config, { steps: 3 });
    assert.equal(side.seed, 5);
    assert.ok(side.commit && side.date);
    assert.deepEqual(side.pngPixels, [750, 390]);
    assert.deepEqual(pngSize(readFileSync(a.files.png!)), [750, 390]);
    assert.equal(side.sha256.pdf, createHash('sha256').update(readFileSync(a.files.pdf!)).digest('hex'));
    assert.deepEqual(JSON.parse(readFileSync(a.files.json!, 'utf8')).layout.width, 500);
    const only = await ex.save(figure([line({ x: [1, 2], y: [1, 2] })]), join(dir, 'c', 'one'), { formats: ['pdf'] });
    assert.deepEqual(Object.keys(only.files), ['pdf']);
    await assert.rejects(ex.save(fig, join(dir, 'x'), { formats: ['gif' as 'png'] }), /unknown format 'gif'/);
  });

  it('--paper single: 240 pt wide PDF with only the pinned font embedded, recorded in the sidecar', async () => {
    const { PAPER_PRESETS } = await import('../../lib/plot/paper-layout');
    const r = await ex.save(fig, join(dir, 'p', 'fig'), { paper: PAPER_PRESETS.single });
    const pdf = readFileSync(r.files.pdf!).toString('latin1');
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf)!;
    assert.ok(Math.abs(Number(box[1]) - 240) < 0.5, `240 pt wide, got ${box[1]}`);
    const fonts = [...new Set([...pdf.matchAll(/\/BaseFont \/([A-Z]{6}\+)?([\w-]+)/g)].map((m) => m[2]))];
    assert.ok(fonts.length >= 1 && fonts.every((f) => f.startsWith('DejaVuSans')), `only the pinned DejaVu Sans embedded: ${fonts.join(', ')}`);
    assert.ok(/\/FontFile2/.test(pdf), 'font program embedded');
    const side = JSON.parse(readFileSync(r.sidecar, 'utf8'));
    assert.deepEqual(side.paper.widthPt, 240);
    assert.equal(side.paper.fontPt, 8);
    assert.equal(side.font.family, 'phylab-sans');
    assert.equal(Object.keys(side.font.files).length, 2);
    assert.equal(side.scale, 4);
    assert.ok(readFileSync(r.files.svg!, 'utf8').includes("@font-face{font-family:'phylab-sans'"), 'SVG carries the font');
  });

  it('the notebook HTML output draws the figure (classic Notebook loader, base URL aware)', async () => {
    const browser = await launchChromium(chromium!, 30_000);
    try {
      const page = await browser.newPage();
      // The page plays a classic Notebook served from the repo root under base URL <dir>/:
      // <dir>/files/ is the server root (a link to the folder holding node_modules), and the
      // default relative plotly URL must resolve to <base>files/node_modules/plotly.js-dist/plotly.js.
      const serverRoot = dirname(dirname(dirname(require.resolve('plotly.js-dist/package.json'))));
      symlinkSync(serverRoot, join(dir, 'files'));
      const html = figureHtml(fig, { plotlyUrl: 'node_modules/plotly.js-dist/plotly.js' });
      writeFileSync(join(dir, 'nb.html'), `<!doctype html><html><head></head><body data-base-url="${pathToFileURL(dir).pathname}/">${html}</body></html>`);
      await page.goto(pathToFileURL(join(dir, 'nb.html')).href);
      await page.waitForSelector('.phylab-figure .main-svg', { timeout: 30_000 });
      const titles = await page.$$eval('.phylab-figure .annotation-text', (els) => els.map((e) => e.textContent));
      assert.deepEqual(titles, ['ID', 'OOD']);
    } finally {
      await browser.close();
    }
  });
});
