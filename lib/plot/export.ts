/**
 * Figure export through headless Chromium: SVG and PNG by `Plotly.toImage` (PNG at any scale),
 * vector PDF by printing that SVG on a page of the figure's size. Every save writes a JSON sidecar
 * (config, seed, commit, date, sizes, checksums; see sidecar.ts) and, by default, the figure spec
 * itself (`<base>.plotly.json`) so `phylab export-figure` can re-export it later.
 *
 * Starting the browser and parsing plotly.js costs ~5–6 s here (2 vCPUs; more under load), then a
 * figure ~0.25 s (one panel) to ~0.7 s (four panels) for SVG+PNG+PDF: keep one Exporter for a
 * batch and close() it. It also closes its browser after `idleCloseMs` without work, and the
 * browser never outlives the process (playwright kills it on 'exit'; Chromium quits when its
 * pipe closes if the process is killed).
 *
 *   const ex = new Exporter();
 *   try { await ex.save(fig, 'out/fig2', { config, seed, scale: 3 }); } finally { await ex.close(); }
 *   await exportFigure(fig, 'out/fig3');                       // one-shot: launch, save, close
 *
 * Outputs are deterministic: trace uids and plotly's random element ids are fixed, and the PDF
 * creation date is zeroed (the real date is in the sidecar), so the same figure gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { Figure, figureSize, FONT_FAMILY, toPlotlyJSON } from './figure';
import { embedFontInSvg, fontFaceCss, fontInfo, PINNED_FONT_FAMILY } from './font';
import { paperLayout, PaperSpec } from './paper-layout';
import { inNotebook, showFigure } from './display';
import { launchChromium, requireChromium } from './chromium';
import { stripExtension, writeSidecar } from './sidecar';

export type ExportFormat = 'svg' | 'png' | 'pdf' | 'json';
export const EXPORT_FORMATS: ReadonlyArray<ExportFormat> = ['svg', 'png', 'pdf', 'json'];

export interface ExporterOptions {
  /** Chromium/Chrome binary; default: findChromium() ($PHYLAB_CHROMIUM, /usr/bin/chromium, …, PATH). */
  executablePath?: string;
  /** Close the browser after this many ms without work (reopened on demand; 0 = only on close()); default 300000 inside a notebook kernel, 10000 elsewhere. */
  idleCloseMs?: number;
  /** Limit for starting the browser and for each rendering, ms; default 60000. */
  timeoutMs?: number;
}

export interface RenderOptions {
  /** Width in px (CSS px; the PDF page is this wide at 96 px/in); default: layout.width, else 560. */
  width?: number;
  /** Height in px; default: layout.height, else 380. */
  height?: number;
  /** PNG pixel density: the PNG is width·scale × height·scale pixels; default 2. In [0.1, 10]. */
  scale?: number;
}

export interface SaveOptions extends RenderOptions {
  /** Files to write; default all of svg, png, pdf, json (json = the plotly spec, `<base>.plotly.json`). */
  formats?: ReadonlyArray<ExportFormat>;
  /** Run config recorded in the sidecar (any JSON value). */
  config?: unknown;
  /** Run seed recorded in the sidecar. */
  seed?: number | null;
  /** Extra sidecar fields. */
  extra?: Record<string, unknown>;
  /**
   * Re-lay out the figure for a paper column first (paper-layout.ts): e.g. PAPER_PRESETS.single
   * (240 pt wide, 8 pt fonts). The sizes then come from it (`width`/`height` are ignored); the
   * sidecar records it.
   */
  paper?: PaperSpec;
}

export interface ExportResult {
  /** Format → path written. */
  files: Partial<Record<ExportFormat, string>>;
  /** The sidecar `<base>.json`. */
  sidecar: string;
  /** The PNG bytes when a PNG was written (e.g. for showFigure's static fallback). SVG and PDF are only in the files. */
  png?: Buffer;
  width: number;
  height: number;
  scale: number;
  /** Wall time per format, ms (the first call includes the browser start under 'start'). */
  ms: Record<string, number>;
}

const PAGE_HTML = (plotlySrc: string) => `<!doctype html>
<html><head><meta charset="utf-8"><style>${fontFaceCss()}</style><script src="${plotlySrc}"></script></head><body></body></html>
`;

/**
 * The export page (a few hundred bytes: a <script src> to plotly.js) at a fixed per-user path,
 * rewritten atomically on each start. Nothing to clean up, even when a kernel is killed.
 */
function writeExportPage(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const dir = join(tmpdir(), `phylab-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const plotly = require.resolve('plotly.js-dist');
  const file = join(dir, `plot-page-${createHash('sha1').update(plotly).digest('hex').slice(0, 12)}.html`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, PAGE_HTML(pathToFileURL(plotly).href));
  renameSync(tmp, file);
  return file;
}

function checkScale(scale: number): number {
  if (!(Number.isFinite(scale) && scale >= 0.1 && scale <= 10)) throw new RangeError(`scale: must be a number in [0.1, 10], got ${scale}`);
  return scale;
}

/**
 * Give traces fixed uids (plotly otherwise draws random ones into element ids), and set the pinned
 * font (older specs name other fonts; exports always use the one shipped with phylab).
 */
function withFixedUids(fig: Figure): Figure {
  const f = toPlotlyJSON(fig);
  f.data = f.data.map((t, i) => (t.uid === undefined ? { ...t, uid: `t${i}` } : t));
  f.layout = { ...f.layout, font: { ...((f.layout.font as object) ?? {}), family: FONT_FAMILY } };
  return f;
}

/** Replace plotly's random 6-hex layout uid in element ids and references by a fixed one. */
export function normalizeSvgIds(svg: string): string {
  const m = /id="defs-([0-9a-f]{6})"/.exec(svg);
  if (!m) return svg;
  const uid = m[1];
  const re = new RegExp(`(defs-|clip|[#"'(]g|[#"'(]p|legend|topdefs-)${uid}`, 'g');
  return svg.replace(re, '$1000000');
}

/**
 * Sort each element's attributes by name. Plotly caches text measurements, so a figure's first
 * and later renderings set the same attributes in a different order; sorted, the bytes agree.
 * (XMLSerializer output: double-quoted values, '<' and '"' escaped inside them.)
 */
export function sortSvgAttributes(svg: string): string {
  return svg.replace(/<([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")+)\s*(\/?)>/g, (_m, tag: string, attrs: string, close: string) => {
    const list: Array<[string, string]> = [];
    attrs.replace(/\s+([\w:.-]+)="([^"]*)"/g, (_a, k: string, v: string) => {
      list.push([k, v]);
      return '';
    });
    list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return `<${tag}${list.map(([k, v]) => ` ${k}="${v}"`).join('')}${close}>`;
  });
}

/** Zero the creation/modification dates Chromium writes into a PDF (same length: offsets stay valid). */
export function normalizePdfDates(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const fixed = text.replace(/\/(CreationDate|ModDate) \(D:(\d{14})/g, (_s, key: string) => `/${key} (D:19700101000000`);
  return fixed === text ? pdf : Buffer.from(fixed, 'latin1');
}

/** A headless browser with plotly.js loaded, for exporting many figures. */
export class Exporter {
  private browser: Browser | null = null;
  private page: Page | null = null;
  private pdfPage: Page | null = null;
  private starting: Promise<void> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly opts: { executablePath?: string; idleCloseMs: number; timeoutMs: number };
  /** Versions, known after the first rendering: { chromium, plotly }. */
  versions: { chromium: string; plotly: string } | null = null;
  /** ms spent on the last browser start (launch + plotly.js parse). */
  startMs = 0;

  constructor(opts: ExporterOptions = {}) {
    const idle = opts.idleCloseMs ?? (inNotebook() ? 300_000 : 10_000);
    if (!(idle >= 0)) throw new RangeError(`idleCloseMs: must be ≥ 0, got ${idle}`);
    const timeout = opts.timeoutMs ?? 60_000;
    if (!(timeout > 0)) throw new RangeError(`timeoutMs: must be > 0, got ${timeout}`);
    this.opts = { executablePath: opts.executablePath, idleCloseMs: idle, timeoutMs: timeout };
  }

  /** Whether a browser is running now. */
  get isOpen(): boolean {
    return this.browser !== null;
  }

  /** Start the browser now (otherwise the first export does). Throws BrowserNotFoundError with install hints when there is none. */
  async start(): Promise<void> {
    return this.run(async () => undefined);
  }

  /** The figure as an SVG document (string starting with '<svg'). */
  async svg(fig: Figure, opts: RenderOptions = {}): Promise<string> {
    return this.run(() => this.renderSvg(fig, opts));
  }

  /** The figure as PNG bytes, width·scale × height·scale pixels. */
  async png(fig: Figure, opts: RenderOptions = {}): Promise<Buffer> {
    return this.run(() => this.renderPng(fig, opts));
  }

  /** The figure as a one-page vector PDF of the figure's size. */
  async pdf(fig: Figure, opts: RenderOptions = {}): Promise<Buffer> {
    return this.run(async () => this.renderPdf(await this.renderSvg(fig, opts), figureSize(fig, opts.width, opts.height)));
  }

  /**
   * Write `<base>.svg/.png/.pdf/.plotly.json` (as chosen by `formats`) and the sidecar `<base>.json`.
   * `base` may end in one of those extensions; it is dropped. Folders are created.
   */
  async save(fig: Figure, base: string, opts: SaveOptions = {}): Promise<ExportResult> {
    if (opts.paper) fig = paperLayout(fig, opts.paper);
    const formats = opts.formats ?? EXPORT_FORMATS;
    for (const f of formats) if (!EXPORT_FORMATS.includes(f)) throw new RangeError(`formats: unknown format '${String(f)}'; allowed: ${EXPORT_FORMATS.join(', ')}`);
    if (formats.length === 0) throw new RangeError(`formats: give at least one of ${EXPORT_FORMATS.join(', ')}`);
    const scale = checkScale(opts.scale ?? (opts.paper ? 4 : 2));
    const { width, height } = opts.paper ? figureSize(fig) : figureSize(fig, opts.width, opts.height);
    const b = stripExtension(stripExtension(base, ['svg', 'png', 'pdf', 'json']), ['plotly']);
    mkdirSync(dirname(b) || '.', { recursive: true });
    const spec = toPlotlyJSON(fig);
    return this.run(async () => {
      const ms: Record<string, number> = {};
      if (this.unreportedStartMs) ms.start = this.unreportedStartMs;
      this.unreportedStartMs = 0;
      const res: ExportResult = { files: {}, sidecar: '', width, height, scale, ms };
      const contents: Record<string, string | Uint8Array> = {};
      const write = (fmt: ExportFormat, path: string, data: string | Uint8Array) => {
        writeFileSync(path, data);
        res.files[fmt] = path;
        contents[fmt] = data;
      };
      let t = Date.now();
      let svg = '';
      if (formats.includes('svg') || formats.includes('pdf')) {
        svg = await this.renderSvg(spec, { width, height });
        ms.svg = Date.now() - t;
        if (formats.includes('svg')) write('svg', `${b}.svg`, embedFontInSvg(svg));
      }
      if (formats.includes('png')) {
        t = Date.now();
        res.png = await this.renderPng(spec, { width, height, scale });
        ms.png = Date.now() - t;
        write('png', `${b}.png`, res.png);
      }
      if (formats.includes('pdf')) {
        t = Date.now();
        const pdf = await this.renderPdf(svg, { width, height });
        ms.pdf = Date.now() - t;
        write('pdf', `${b}.pdf`, pdf);
      }
      if (formats.includes('json')) write('json', `${b}.plotly.json`, JSON.stringify(spec) + '\n');
      const title = (spec.layout.title as { text?: string } | undefined)?.text;
      res.sidecar = writeSidecar(b, {
        kind: 'figure',
        files: res.files as Record<string, string>,
        contents,
        config: opts.config,
        seed: opts.seed,
        extra: {
          ...(title ? { title } : {}),
          width,
          height,
          ...(formats.includes('png') ? { scale, pngPixels: [Math.round(width * scale), Math.round(height * scale)] } : {}),
          ...(opts.paper ? { paper: { widthPt: opts.paper.widthPt, fontPt: opts.paper.fontPt, heightPt: Math.round((height * 72) / 96) } } : {}),
          font: { ...fontInfo(), embedded: formats.filter((f) => f === 'svg' || f === 'pdf' || f === 'png') },
          tools: { plotly: this.versions?.plotly ?? null, chromium: this.versions?.chromium ?? null },
          ...(opts.extra ?? {}),
        },
      });
      return res;
    });
  }
  private unreportedStartMs = 0;

  /** Close the browser (idempotent) after the exports already asked for. Later exports start a new one. */
  async close(): Promise<void> {
    this.clearIdle();
    await this.queue;
    await this.shutdown();
  }

  private async shutdown(): Promise<void> {
    this.clearIdle();
    const b = this.browser;
    this.browser = null;
    this.page = null;
    this.pdfPage = null;
    this.starting = null;
    if (b) await b.close().catch(() => undefined);
  }

  // -------------------------------------------------------------------------------------------

  /** Serialise work on the pages; start the browser first; arm the idle timer afterwards. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    this.pending++;
    this.clearIdle();
    const job = this.queue.then(async () => {
      await this.ensureStarted();
      return fn();
    });
    this.queue = job.catch(() => undefined).then(() => {
      this.pending--;
      if (this.pending === 0) this.armIdle();
    });
    return job;
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private armIdle(): void {
    if (this.opts.idleCloseMs <= 0 || !this.browser) return;
    this.idleTimer = setTimeout(() => {
      if (this.pending === 0) void this.shutdown();
    }, this.opts.idleCloseMs);
    this.idleTimer.unref();
  }

  private ensureStarted(): Promise<void> {
    if (this.browser && this.browser.isConnected()) return Promise.resolve();
    if (!this.starting) {
      this.starting = this.startBrowser().catch(async (e) => {
        this.starting = null;
        await this.shutdown();
        throw e;
      });
    }
    return this.starting;
  }

  private async startBrowser(): Promise<void> {
    const t0 = Date.now();
    const exe = this.opts.executablePath ?? requireChromium();
    const pageFile = writeExportPage();
    const browser = await launchChromium(exe, this.opts.timeoutMs);
    this.browser = browser;
    browser.on('disconnected', () => {
      if (this.browser === browser) {
        this.browser = null;
        this.page = null;
        this.pdfPage = null;
        this.starting = null;
      }
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(this.opts.timeoutMs);
    await page.goto(pathToFileURL(pageFile).href, { waitUntil: 'load' });
    const plotly = await page.evaluate(() => {
      const P = (globalThis as unknown as { Plotly?: { version: string } }).Plotly;
      return P ? P.version : null;
    });
    if (!plotly) throw new Error('plotly.js did not load in the export page (node_modules/plotly.js-dist missing?)');
    const fontOk = await page.evaluate(async (fam) => {
      const d = (globalThis as unknown as { document: { fonts: { load(f: string): Promise<unknown[]>; check(f: string): boolean } } }).document;
      await Promise.all([d.fonts.load(`12px '${fam}'`), d.fonts.load(`bold 12px '${fam}'`)]);
      return d.fonts.check(`12px '${fam}'`) && d.fonts.check(`bold 12px '${fam}'`);
    }, PINNED_FONT_FAMILY);
    if (!fontOk) throw new Error(`the pinned figure font '${PINNED_FONT_FAMILY}' (lib/plot/fonts/) did not load in the export page`);
    this.page = page;
    this.pdfPage = await browser.newPage();
    this.pdfPage.setDefaultTimeout(this.opts.timeoutMs);
    this.versions = { chromium: browser.version(), plotly };
    this.startMs = Date.now() - t0;
    this.unreportedStartMs = this.startMs;
  }

  private async withTimeout<T>(what: string, p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
    });
    try {
      return await Promise.race([p, limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async toImage(fig: Figure, format: 'svg' | 'png', width: number, height: number, scale: number): Promise<string> {
    const page = this.page;
    if (!page) throw new Error('export browser is not running');
    const spec = withFixedUids(fig);
    try {
      return await this.withTimeout(
        `rendering ${format}`,
        page.evaluate(
          ({ f, o }) => (globalThis as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } }).Plotly.toImage(f, o),
          { f: spec as unknown as Record<string, unknown>, o: { format, width, height, scale } },
        ),
      );
    } catch (e) {
      throw new Error(`figure export (${format}) failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  private async renderSvg(fig: Figure, opts: RenderOptions): Promise<string> {
    const { width, height } = figureSize(fig, opts.width, opts.height);
    const url = await this.toImage(fig, 'svg', width, height, 1);
    const prefix = 'data:image/svg+xml,';
    if (!url.startsWith(prefix)) throw new Error(`figure export (svg): unexpected result ${url.slice(0, 40)}`);
    return sortSvgAttributes(normalizeSvgIds(decodeURIComponent(url.slice(prefix.length))));
  }

  private async renderPng(fig: Figure, opts: RenderOptions): Promise<Buffer> {
    const { width, height } = figureSize(fig, opts.width, opts.height);
    const scale = checkScale(opts.scale ?? 2);
    const url = await this.toImage(fig, 'png', width, height, scale);
    const prefix = 'data:image/png;base64,';
    if (!url.startsWith(prefix)) throw new Error(`figure export (png): unexpected result ${url.slice(0, 40)}`);
    return Buffer.from(url.slice(prefix.length), 'base64');
  }

  private async renderPdf(svg: string, size: { width: number; height: number }): Promise<Buffer> {
    const page = this.pdfPage;
    if (!page) throw new Error('export browser is not running');
    const { width, height } = size;
    const html = `<!doctype html><html><head><meta charset="utf-8"><style>${fontFaceCss()}\n@page{size:${width}px ${height}px;margin:0}html,body{margin:0;padding:0;background:#fff}svg{display:block}</style></head><body>${svg}</body></html>`;
    await page.setContent(html, { waitUntil: 'load' });
    await page.evaluate(async (fam) => {
      const d = (globalThis as unknown as { document: { fonts: { load(f: string): Promise<unknown[]> } } }).document;
      await Promise.all([d.fonts.load(`12px '${fam}'`), d.fonts.load(`bold 12px '${fam}'`)]);
    }, PINNED_FONT_FAMILY);
    const pdf = await this.withTimeout(
      'rendering pdf',
      page.pdf({ width: `${width}px`, height: `${height}px`, printBackground: true, margin: { top: '0', right: '0', bottom: '0', left: '0' }, pageRanges: '1' }),
    );
    return normalizePdfDates(Buffer.from(pdf));
  }
}

/** One figure, one browser: launch, save (see Exporter.save), close. Use an Exporter for several. */
export async function exportFigure(fig: Figure, base: string, opts: SaveOptions & ExporterOptions = {}): Promise<ExportResult> {
  const ex = new Exporter(opts);
  try {
    return await ex.save(fig, base, opts);
  } finally {
    await ex.close();
  }
}

let shared: Exporter | null = null;

/** A process-wide Exporter for notebooks (closes itself when idle; see ExporterOptions.idleCloseMs). */
export function sharedExporter(): Exporter {
  if (!shared) shared = new Exporter();
  return shared;
}

/** Close the shared Exporter's browser now (a no-op if none). */
export async function closeSharedExporter(): Promise<void> {
  if (shared) await shared.close();
}

/**
 * Notebook one-liner: save the figure (shared Exporter) and display it, with its PNG as the
 * static fallback. Returns the export result. Outside a notebook it only saves.
 */
export async function saveAndShow(fig: Figure, base: string, opts: SaveOptions = {}): Promise<ExportResult> {
  const ex = sharedExporter();
  const res = await ex.save(fig, base, opts);
  showFigure(fig, { png: res.png ?? (await ex.png(fig, { width: opts.width, height: opts.height, scale: opts.scale })) });
  return res;
}
