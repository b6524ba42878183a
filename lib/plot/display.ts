/**
 * Rich output for notebooks run by the tslab kernel (JupyterLab and classic Notebook), safe
 * everywhere else: outside a tslab cell every show*() is a no-op (never throws, never loads
 * tslab), so experiment code can call them in CLI runs too; inNotebook() tells which case holds.
 * show*() return nothing, so a show call as a cell's last line adds no echoed value.
 *
 * tslab's own `display.raw(mime, data)` sends one MIME type per message. Here a whole MIME bundle
 * goes in one `display_data` message, through the same hook tslab's display uses
 * (`tslab/dist/jupyter.lastWriteDisplayData`), so each front end picks what it can render:
 *   - JupyterLab: `application/vnd.plotly.v1+json` (native plotly renderer),
 *   - classic Notebook: `text/html` (a div plus a script that loads plotly.js from the server),
 *   - static viewers (nbconvert, GitHub, untrusted notebooks): the PNG inside that HTML, and
 *     `image/png` for LaTeX/PDF conversion, when one is given,
 *   - terminals / logs: `text/plain`.
 *
 * plotly.js URL for the HTML output: a path relative to the Jupyter server root is served under
 * `<base_url>files/<path>`; the default `node_modules/plotly.js-dist/plotly.js` works when the
 * server runs in the repository root. Change it with `configureDisplay({ plotlyUrl })` or the
 * environment variable PHYLAB_PLOTLY_URL (a server-root-relative path, an absolute path starting
 * with '/', or a full http(s) URL).
 */
import { createHash } from 'node:crypto';
import { Figure, figureSize, toPlotlyJSON } from './figure';
import { markdownToHtml } from './markdown';
import { formatTableHtml, formatTableText, TableInput, TableFormatOptions, asTable } from './table';
import { inNotebook, tslabHook } from '../runtime/tslab-kernel';

/** A MIME bundle: mime type → string (text), Uint8Array (binary, sent base64) or object (JSON types). */
export type MimeBundle = Record<string, string | Uint8Array | object>;


export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

export interface DisplaySettings {
  /** Where classic Notebook loads plotly.js from (see the module comment); default $PHYLAB_PLOTLY_URL or 'node_modules/plotly.js-dist/plotly.js'. */
  plotlyUrl: string;
}

const settings: DisplaySettings = {
  plotlyUrl: process.env.PHYLAB_PLOTLY_URL || 'node_modules/plotly.js-dist/plotly.js',
};

/** Change display settings for this process (e.g. the plotly.js URL); returns the new settings. */
export function configureDisplay(patch: Partial<DisplaySettings>): DisplaySettings {
  if (patch.plotlyUrl !== undefined) {
    if (typeof patch.plotlyUrl !== 'string' || patch.plotlyUrl.trim() === '') throw new TypeError('configureDisplay plotlyUrl: must be a non-empty string');
    settings.plotlyUrl = patch.plotlyUrl;
  }
  return { ...settings };
}

export { inNotebook };

/**
 * Send one display_data message with several representations. Binary values are base64-encoded.
 * Returns false (and does nothing) outside tslab.
 */
export function displayBundle(bundle: MimeBundle, metadata: Record<string, unknown> = {}): boolean {
  const hook = tslabHook();
  if (!hook) return false;
  const data: Record<string, unknown> = {};
  for (const [mime, v] of Object.entries(bundle)) {
    data[mime] = v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v;
  }
  hook({ data, metadata, transient: {} }, false);
  return true;
}

/**
 * Markdown output. Sent with its HTML rendering too: classic Notebook skips `text/markdown` in an
 * untrusted notebook (a fresh clone) and would show the raw source, but it shows sanitized HTML;
 * every front end prefers `text/html` to `text/markdown`, so all show the same rendering.
 */
export function showMarkdown(markdown: string): void {
  displayBundle({ 'text/html': markdownToHtml(markdown), 'text/markdown': markdown, 'text/plain': markdown });
}

/**
 * One visible line with the rest folded behind it (HTML `<details>`), e.g. provenance: the run's
 * commit and date in the line, config and unit lists inside. Both parts are markdown.
 */
export function detailsMarkdown(summary: string, body: string, label = 'details'): string {
  return `${summary}\n\n<details><summary>${label}</summary>\n\n${body}\n\n</details>`;
}

export function showDetails(summary: string, body: string, label = 'details'): void {
  showMarkdown(detailsMarkdown(summary, body, label));
}

export function showHtml(html: string): void {
  displayBundle({ 'text/html': html, 'text/plain': '[HTML]' });
}

export function showText(text: string): void {
  displayBundle({ 'text/plain': text });
}

export function showSvg(svg: string): void {
  displayBundle({ 'image/svg+xml': svg, 'text/plain': '[SVG image]' });
}

export interface ImageOptions {
  /** Displayed width in CSS px (the image keeps its pixels); default: natural size. */
  width?: number;
  /** Displayed height in CSS px. */
  height?: number;
  /** Alt/plain-text description; default '[PNG image]'. */
  alt?: string;
}

/** Show PNG bytes (e.g. a rendered filmstrip of video frames). */
export function showPng(png: Uint8Array, opts: ImageOptions = {}): void {
  const meta: Record<string, number> = {};
  if (opts.width !== undefined) meta.width = opts.width;
  if (opts.height !== undefined) meta.height = opts.height;
  displayBundle({ 'image/png': png, 'text/plain': opts.alt ?? '[PNG image]' }, Object.keys(meta).length ? { 'image/png': meta } : {});
}

export interface ShowFigureOptions {
  /**
   * A static rendering of the figure (e.g. `(await exporter.png(fig)).png` or the `png` of
   * Exporter.save): shown until plotly.js loads, in viewers that run no scripts, and sent as
   * `image/png` for nbconvert to PDF/LaTeX.
   */
  png?: Uint8Array;
  /** Override the plotly.js URL for this figure (see configureDisplay). */
  plotlyUrl?: string;
}

let figureCounter = 0;

/** Display a plotly figure: interactive in JupyterLab and classic Notebook (see the module comment). */
export function showFigure(fig: Figure, opts: ShowFigureOptions = {}): void {
  if (!tslabHook()) return;
  const spec = responsiveSpec(fig);
  const bundle: MimeBundle = {
    [PLOTLY_MIME]: spec,
    'text/html': figureHtml(spec, { plotlyUrl: opts.plotlyUrl ?? settings.plotlyUrl, png: opts.png }),
    'text/plain': describeFigure(spec),
  };
  if (opts.png) bundle['image/png'] = opts.png;
  displayBundle(bundle);
}

/**
 * The figure as sent to notebooks: no fixed width (`autosize`, plotly's `responsive` config), so it
 * takes the output area's width up to its designed width (the container's max-width) instead of
 * overflowing it; the designed width stays in `layout.meta.phylabWidth`. Height stays fixed.
 */
export function responsiveSpec(fig: Figure): Figure {
  const spec = toPlotlyJSON(fig);
  const { width } = figureSize(spec);
  const layout = { ...spec.layout, autosize: true, meta: { ...((spec.layout.meta as object) ?? {}), phylabWidth: width } };
  delete layout.width;
  return { ...spec, layout, config: { ...(spec.config ?? {}), responsive: true } };
}

/** The designed width of a figure (its layout width, or the one responsiveSpec kept). */
function designedWidth(fig: Figure): number {
  const meta = fig.layout.meta as { phylabWidth?: number } | undefined;
  return typeof meta?.phylabWidth === 'number' ? meta.phylabWidth : figureSize(fig).width;
}

/** One line describing a figure, e.g. "Figure 'velocity error' (2 panels, 4 traces, 660×320 px)". */
export function describeFigure(fig: Figure): string {
  const width = designedWidth(fig);
  const { height } = figureSize(fig);
  const title = (fig.layout.title as { text?: string } | undefined)?.text;
  const panels = Object.keys(fig.layout).filter((k) => /^xaxis\d*$/.test(k)).length;
  return `Figure${title ? ` '${title}'` : ''} (${panels > 1 ? `${panels} panels, ` : ''}${fig.data.length} trace${fig.data.length === 1 ? '' : 's'}, ${width}×${height} px)`;
}

/**
 * HTML that draws the figure with plotly.js loaded from the Jupyter server (one script load per
 * page, shared by all figures). The element id is deterministic within a kernel session.
 */
export function figureHtml(fig: Figure, opts: { plotlyUrl: string; png?: Uint8Array; id?: string }): string {
  const spec = toPlotlyJSON(fig);
  const json = JSON.stringify(spec);
  const id = opts.id ?? `phylab-fig-${process.pid}-${++figureCounter}-${createHash('sha1').update(json).digest('hex').slice(0, 8)}`;
  const width = designedWidth(spec);
  const { height } = figureSize(spec);
  const img = opts.png
    ? `<img src="data:image/png;base64,${Buffer.from(opts.png).toString('base64')}" style="width:100%;height:auto" alt="${escapeAttr(describeFigure(spec))}">`
    : '';
  const script = `(function () {
  var id = ${scriptJson(id)}, fig = ${scriptJson(json, true)}, src = ${scriptJson(opts.plotlyUrl)};
  function baseUrl() {
    var b = document.body && document.body.getAttribute('data-base-url');
    if (b) return b;
    var c = document.getElementById('jupyter-config-data');
    if (c) { try { return JSON.parse(c.textContent).baseUrl || '/'; } catch (e) {} }
    return '/';
  }
  function url() {
    if (/^(https?:)?\\/\\//.test(src) || src.charAt(0) === '/') return src;
    return baseUrl().replace(/\\/?$/, '/') + 'files/' + src;
  }
  function draw() {
    var el = document.getElementById(id);
    if (!el) return;
    el.innerHTML = '';
    el.style.height = '';
    window.Plotly.newPlot(el, fig.data, fig.layout, fig.config || {});
  }
  function fail(u) {
    var el = document.getElementById(id);
    if (!el) return;
    // A static page (nbconvert HTML, a viewer without the server): the PNG already shows the figure.
    if (el.querySelector('img')) { el.title = 'static image (interactive figure needs plotly.js from ' + u + ')'; return; }
    el.style.minHeight = '';
    el.insertAdjacentHTML('beforeend', '<pre style="color:#a00">phylab: could not load plotly.js from ' + u + '. Start the Jupyter server in the phylab repository root, or set PHYLAB_PLOTLY_URL / configureDisplay({plotlyUrl}).</pre>');
  }
  if (window.Plotly) { draw(); return; }
  var q = window.__phylabPlotlyQueue;
  if (!q) {
    q = window.__phylabPlotlyQueue = [];
    var u = url(), s = document.createElement('script');
    s.src = u;
    s.onload = function () { var w = window.__phylabPlotlyQueue; window.__phylabPlotlyQueue = null; w.forEach(function (f) { f[0](); }); };
    s.onerror = function () { var w = window.__phylabPlotlyQueue; window.__phylabPlotlyQueue = null; w.forEach(function (f) { f[1](u); }); };
    document.head.appendChild(s);
  }
  q.push([draw, fail]);
})();`;
  return `<div id="${escapeAttr(id)}" class="phylab-figure" style="width:100%;max-width:${width}px;min-height:${img ? 0 : height}px">${img}</div>\n<script type="text/javascript">\n${script}\n</script>`;
}

/** JSON for inside a <script>: no '</script>', no U+2028/2029 line breaks. */
function scriptJson(value: unknown, alreadyJson = false): string {
  const s = alreadyJson ? (value as string) : JSON.stringify(value);
  return s.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface ShowTableOptions extends TableFormatOptions {
  /** Caption above the table (plain text). */
  caption?: string;
  /** Show at most this many rows (the rest are summarised); default 50. */
  maxRows?: number;
}

/** Display an arquero table (or rows / columns object) as an HTML table with a plain-text fallback. */
export function showTable(table: TableInput, opts: ShowTableOptions = {}): void {
  if (!tslabHook()) return;
  const t = asTable(table);
  displayBundle({
    'text/html': formatTableHtml(t, opts),
    'text/plain': formatTableText(t, opts),
  });
}

/** "Exported: `a.png`, `a.pdf`, …": the files of one or more exports (saveAndShow, writeTable), for the note under a figure or table. */
export function exportedMarkdown(...exports: Array<{ files: Partial<Record<string, string>> }>): string {
  return 'Exported: ' + exports.flatMap((e) => Object.values(e.files)).filter((f): f is string => !!f).map((f) => '`' + f + '`').join(', ');
}
