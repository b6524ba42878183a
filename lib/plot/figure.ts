/**
 * Typed builders for plotly.js figure specs (plain JSON: `{data, layout, config}`), styled for
 * papers: white background, boxed axes with outside ticks, a colour-blind-safe palette
 * (Okabe–Ito), one colour per series name across all panels of a figure.
 *
 * Builders return plain objects; nothing here loads plotly. Display them with lib/plot/display.ts
 * and export them with lib/plot/export.ts. Any plotly attribute not covered by the typed options
 * can be set on the returned objects directly.
 *
 *   const fig = subplots([
 *     { title: 'in distribution', traces: line({ x: sizes, y: errId, error: stdId, name: 'DiT-S' }), x: { title: 'videos', log: true } },
 *     { title: 'out of distribution', traces: line({ x: sizes, y: errOod, band: { lower, upper }, name: 'DiT-S' }), x: { title: 'videos', log: true } },
 *   ], { cols: 2, y: { title: 'velocity error' } });
 */

/** A plotly.js trace. The common attributes are typed; any other plotly attribute passes through. */
export interface Trace {
  type?: string;
  name?: string;
  x?: Array<number | string | null>;
  y?: Array<number | string | null>;
  z?: Array<Array<number | null>>;
  mode?: string;
  xaxis?: string;
  yaxis?: string;
  legendgroup?: string;
  showlegend?: boolean;
  [key: string]: unknown;
}

/** A plotly.js layout (free-form; see https://plotly.com/javascript/reference/layout/). */
export interface Layout {
  width?: number;
  height?: number;
  [key: string]: unknown;
}

/** A complete plotly.js figure spec, as saved in `*.plotly.json` and sent to the front ends. */
export interface Figure {
  data: Trace[];
  layout: Layout;
  config?: Record<string, unknown>;
}

/** Okabe–Ito colour-blind-safe palette (black moved last). Series get colours in this order. */
export const PALETTE: ReadonlyArray<string> = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

/**
 * Font stack: the project's pinned font `phylab-sans` (DejaVu Sans, lib/plot/fonts/, loaded by the
 * exporter, so every export uses it), then the same font installed, then common sans fonts (notebooks).
 */
export const FONT_FAMILY = '"phylab-sans", "DejaVu Sans", Arial, "Liberation Sans", Helvetica, sans-serif';

/** Marker symbols given to series in order of first appearance (with the colour), so series differ in greyscale too. */
export const SYMBOLS: ReadonlyArray<string> = ['circle', 'square', 'diamond', 'triangle-up', 'triangle-down', 'cross', 'x', 'star'];

/** Default size of a single-panel figure, px (also the export size unless overridden). */
export const DEFAULT_WIDTH = 560;
export const DEFAULT_HEIGHT = 380;

type Num = number | null;
type NumLike = ArrayLike<Num> | ReadonlyArray<Num>;
type XLike = ArrayLike<number | string | null> | ReadonlyArray<number | string | null>;

function arr<T>(a: ArrayLike<T> | ReadonlyArray<T>): T[] {
  return Array.from(a as ArrayLike<T>);
}

function checkLength(what: string, a: ArrayLike<unknown>, n: number): void {
  if (a.length !== n) throw new RangeError(`${what}: length ${a.length} does not match x (length ${n})`);
}

// ---------------------------------------------------------------------------------------------
// Traces
// ---------------------------------------------------------------------------------------------

export interface LineSpec {
  /** x values (numbers or category labels). */
  x: XLike;
  /** y values; null leaves a gap. Same length as x. */
  y: NumLike;
  /** Series name: legend entry, and the key for the automatic colour (same name = same colour). */
  name?: string;
  /** Symmetric error bars: half-width per point (e.g. std over seeds). Plus side when errorMinus is given. */
  error?: NumLike;
  /** Lower error-bar length per point, for asymmetric bars (requires `error`). */
  errorMinus?: NumLike;
  /** Shaded band between `lower` and `upper` (e.g. min–max over seeds, or a confidence interval). */
  band?: { lower: NumLike; upper: NumLike };
  /** CSS colour; default: the palette colour of `name` (assigned by figure()/subplots()). */
  color?: string;
  /** Line dash; default 'solid'. */
  dash?: 'solid' | 'dash' | 'dot' | 'dashdot' | 'longdash';
  /** Line width in px; default 2. */
  width?: number;
  /** Draw markers on the points; default true when there are at most 30 points. */
  markers?: boolean;
  /** Marker symbol (plotly name, e.g. 'circle', 'square', 'diamond'); default: one per series (SYMBOLS, by order of appearance). */
  symbol?: string;
  /** Show in the legend; default true when `name` is set. */
  showLegend?: boolean;
}

/** A line series, optionally with error bars and/or a shaded band. Returns the band trace (if any) first. */
export function line(spec: LineSpec): Trace[] {
  const x = arr(spec.x);
  const y = arr(spec.y);
  checkLength('line y', y, x.length);
  const group = spec.name ?? undefined;
  const out: Trace[] = [];
  if (spec.band) out.push(bandTrace(x, spec.band.lower, spec.band.upper, group, spec.color));
  const markers = spec.markers ?? x.length <= 30;
  const t: Trace = {
    type: 'scatter',
    mode: markers ? 'lines+markers' : 'lines',
    x,
    y,
    line: { width: spec.width ?? 2, dash: spec.dash ?? 'solid', ...(spec.color ? { color: spec.color } : {}) },
    ...(markers ? { marker: { size: 6, ...(spec.symbol ? { symbol: spec.symbol } : {}), ...(spec.color ? { color: spec.color } : {}) } } : {}),
  };
  if (spec.name !== undefined) {
    t.name = spec.name;
    t.legendgroup = spec.name;
  }
  t.showlegend = spec.showLegend ?? spec.name !== undefined;
  if (spec.error) t.error_y = errorBars(spec.error, spec.errorMinus, x.length, spec.color);
  else if (spec.errorMinus) throw new RangeError('line errorMinus: needs `error` (the plus side) too');
  out.push(t);
  return out;
}

export interface ScatterSpec {
  x: XLike;
  y: NumLike;
  name?: string;
  /** Symmetric y error bars (half-widths). */
  error?: NumLike;
  /** Per-point hover text. */
  text?: ReadonlyArray<string>;
  color?: string;
  /** Marker size in px; default 7. */
  size?: number;
  /** Marker symbol; default: one per series (SYMBOLS, by order of appearance). */
  symbol?: string;
  /** Marker opacity in [0, 1]; default 0.85. */
  opacity?: number;
  showLegend?: boolean;
}

/** Horizontal shaded band y ∈ [lo, hi] across x ∈ [a, b] (or vertical, x ∈ [lo, hi], when `vertical`). */
export function shade(lo: number, hi: number, a: number, b: number, name: string, color: string, vertical = false): Trace {
  const [xs, ys] = vertical ? [[lo, hi, hi, lo, lo], [a, a, b, b, a]] : [[a, b, b, a, a], [lo, lo, hi, hi, lo]];
  return { type: 'scatter', mode: 'lines', x: xs, y: ys, fill: 'toself', fillcolor: color, line: { width: 0, color }, name, legendgroup: name, showlegend: true, hoverinfo: 'skip' };
}

/** Markers only. */
export function scatter(spec: ScatterSpec): Trace[] {
  const x = arr(spec.x);
  const y = arr(spec.y);
  checkLength('scatter y', y, x.length);
  const t: Trace = {
    type: 'scatter',
    mode: 'markers',
    x,
    y,
    marker: { size: spec.size ?? 7, ...(spec.symbol ? { symbol: spec.symbol } : {}), opacity: spec.opacity ?? 0.85, ...(spec.color ? { color: spec.color } : {}) },
  };
  if (spec.name !== undefined) {
    t.name = spec.name;
    t.legendgroup = spec.name;
  }
  t.showlegend = spec.showLegend ?? spec.name !== undefined;
  if (spec.text) t.text = [...spec.text];
  if (spec.error) t.error_y = errorBars(spec.error, undefined, x.length, spec.color);
  return [t];
}

export interface BarSpec {
  x: XLike;
  y: NumLike;
  name?: string;
  error?: NumLike;
  color?: string;
  showLegend?: boolean;
}

/** Vertical bars (grouped when several bar series share a panel). */
export function bar(spec: BarSpec): Trace[] {
  const x = arr(spec.x);
  const y = arr(spec.y);
  checkLength('bar y', y, x.length);
  const t: Trace = { type: 'bar', x, y, marker: spec.color ? { color: spec.color } : {} };
  if (spec.name !== undefined) {
    t.name = spec.name;
    t.legendgroup = spec.name;
  }
  t.showlegend = spec.showLegend ?? spec.name !== undefined;
  if (spec.error) t.error_y = errorBars(spec.error, undefined, x.length, '#000000');
  return [t];
}

export interface HeatmapSpec {
  /** Values, z[row][col]; rows go along y. */
  z: ReadonlyArray<NumLike>;
  /** Column labels/positions (length = z[0].length). */
  x?: XLike;
  /** Row labels/positions (length = z.length). */
  y?: XLike;
  name?: string;
  /** Plotly colour scale name; default 'Viridis'. */
  colorscale?: string;
  zmin?: number;
  zmax?: number;
  /** Write each value in its cell, formatted with this d3 format (e.g. '.2f'); default: no text. */
  textFormat?: string;
  /** Colour-bar title. */
  colorbarTitle?: string;
}

/** A heatmap (e.g. a grid of errors over two factors). */
export function heatmap(spec: HeatmapSpec): Trace[] {
  const z = spec.z.map((r) => arr(r));
  const t: Trace = { type: 'heatmap', z, colorscale: spec.colorscale ?? 'Viridis', showlegend: false };
  if (spec.x) t.x = arr(spec.x);
  if (spec.y) t.y = arr(spec.y);
  if (spec.name !== undefined) t.name = spec.name;
  if (spec.zmin !== undefined) t.zmin = spec.zmin;
  if (spec.zmax !== undefined) t.zmax = spec.zmax;
  if (spec.textFormat) {
    t.texttemplate = `%{z:${spec.textFormat}}`;
    t.textfont = { size: 11 };
  }
  if (spec.colorbarTitle) t.colorbar = { title: { text: spec.colorbarTitle, side: 'right' } };
  return [t];
}

function errorBars(plus: NumLike, minus: NumLike | undefined, n: number, color?: string): Record<string, unknown> {
  checkLength('error', plus, n);
  const e: Record<string, unknown> = { type: 'data', array: arr(plus), visible: true, thickness: 1.2, width: 4 };
  if (minus) {
    checkLength('errorMinus', minus, n);
    e.symmetric = false;
    e.arrayminus = arr(minus);
  }
  if (color) e.color = color;
  return e;
}

function bandTrace(x: Array<number | string | null>, lower: NumLike, upper: NumLike, group: string | undefined, color?: string): Trace {
  checkLength('band lower', lower, x.length);
  checkLength('band upper', upper, x.length);
  const lo = arr(lower);
  const hi = arr(upper);
  const t: Trace = {
    type: 'scatter',
    mode: 'lines',
    x: [...x, ...[...x].reverse()],
    y: [...hi, ...lo.reverse()],
    fill: 'toself',
    line: { width: 0 },
    hoverinfo: 'skip',
    showlegend: false,
  };
  if (group !== undefined) {
    t.name = group;
    t.legendgroup = group;
  }
  if (color) t.fillcolor = withAlpha(color, BAND_ALPHA);
  return t;
}

/** Opacity of shaded bands. */
export const BAND_ALPHA = 0.2;

/** '#RRGGBB' (or '#RGB') plus alpha → 'rgba(r,g,b,a)'; other colour strings are returned unchanged. */
export function withAlpha(color: string, alpha: number): string {
  let m = /^#([0-9a-f]{6})$/i.exec(color);
  let hex = m?.[1];
  if (!hex) {
    m = /^#([0-9a-f]{3})$/i.exec(color);
    if (m) hex = m[1].split('').map((c) => c + c).join('');
  }
  if (!hex) return color;
  const n = parseInt(hex, 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

// ---------------------------------------------------------------------------------------------
// Axes, layout, figures
// ---------------------------------------------------------------------------------------------

export interface AxisSpec {
  /** Axis title (unicode is fine: 'v₀ (px/frame)'). */
  title?: string;
  /** Logarithmic axis; default false. */
  log?: boolean;
  /** [min, max] in data units (for log axes: data units too; converted to log10 here). */
  range?: [number, number];
  /** d3 tick format, e.g. '.2f', '~s', '.0%'. */
  tickformat?: string;
  /** Category axis (labels in the given order). */
  category?: boolean;
}

export interface LegendSpec {
  /** Where the legend goes; default 'right' (outside the plot area, top). 'none' hides it. */
  position?: 'right' | 'top' | 'bottom' | 'inside-top-right' | 'inside-top-left' | 'inside-bottom-right' | 'inside-bottom-left' | 'none';
  /** Legend title. */
  title?: string;
}

export interface FigureOptions {
  /** Figure title (top). Omit for paper figures, where the caption carries it. */
  title?: string;
  /** Width in px; default DEFAULT_WIDTH (560). */
  width?: number;
  /** Height in px; default DEFAULT_HEIGHT (380). */
  height?: number;
  x?: AxisSpec;
  y?: AxisSpec;
  legend?: LegendSpec;
  /** Base font size in px; default 12. */
  fontSize?: number;
}

/** A single-panel figure. Traces are the concatenated outputs of line()/scatter()/bar()/heatmap(). */
export function figure(traces: ReadonlyArray<Trace | ReadonlyArray<Trace>>, opts: FigureOptions = {}): Figure {
  const data = flat(traces);
  const layout = baseLayout(opts.width ?? DEFAULT_WIDTH, opts.height ?? DEFAULT_HEIGHT, opts.title, opts.legend, opts.fontSize);
  layout.xaxis = axis(opts.x);
  layout.yaxis = axis(opts.y);
  if (data.some((t) => t.type === 'bar')) layout.barmode = 'group';
  setLogTicks(layout, data);
  return { data: assignColors(data), layout, config: defaultConfig() };
}

export interface PanelSpec {
  traces: ReadonlyArray<Trace | ReadonlyArray<Trace>>;
  /** Panel title, drawn above the panel. */
  title?: string;
  /** Axis settings for this panel (merged over the figure-wide `x`/`y` of SubplotOptions). */
  x?: AxisSpec;
  y?: AxisSpec;
}

export interface SubplotOptions extends FigureOptions {
  /** Columns of the grid; default: all panels in one row. Rows follow from the panel count. */
  cols?: number;
  /** Horizontal gap between panels as a fraction of the figure width; default 0.08. */
  hgap?: number;
  /** Vertical gap between panels as a fraction of the figure height; default 0.14. */
  vgap?: number;
  /** All panels share the x range (zoom together); default false. */
  shareX?: boolean;
  /** All panels share the y range; default false. */
  shareY?: boolean;
  /** Width of one panel in px when `width` is not given; default 300. */
  panelWidth?: number;
  /** Height of one panel in px when `height` is not given; default 280. */
  panelHeight?: number;
}

/**
 * A grid of panels (row-major). Series with the same name get the same colour in every panel and
 * one legend entry. Figure-wide `x`/`y` axis settings apply to every panel, panel ones override.
 */
export function subplots(panels: ReadonlyArray<PanelSpec>, opts: SubplotOptions = {}): Figure {
  if (panels.length === 0) throw new RangeError('subplots: needs at least one panel');
  const cols = opts.cols ?? panels.length;
  if (!Number.isInteger(cols) || cols < 1) throw new RangeError(`subplots cols: must be an integer ≥ 1, got ${cols}`);
  const rows = Math.ceil(panels.length / cols);
  const hgap = opts.hgap ?? 0.08;
  const vgap = opts.vgap ?? 0.14;
  const width = opts.width ?? Math.round(cols * (opts.panelWidth ?? 300) + 160);
  const height = opts.height ?? Math.round(rows * (opts.panelHeight ?? 280) + 40 + (opts.title ? 40 : 0));
  const layout = baseLayout(width, height, opts.title, opts.legend, opts.fontSize);
  const annotations: Array<Record<string, unknown>> = [];
  const data: Trace[] = [];
  const cellW = (1 - hgap * (cols - 1)) / cols;
  const cellH = (1 - vgap * (rows - 1)) / rows;
  panels.forEach((p, i) => {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const suffix = i === 0 ? '' : String(i + 1);
    const x0 = c * (cellW + hgap);
    const y1 = 1 - r * (cellH + vgap);
    const xa = axis({ ...opts.x, ...p.x });
    const ya = axis({ ...opts.y, ...p.y });
    xa.domain = [round6(x0), round6(x0 + cellW)];
    xa.anchor = `y${suffix}`;
    ya.domain = [round6(y1 - cellH), round6(y1)];
    ya.anchor = `x${suffix}`;
    if (opts.shareX && i > 0) xa.matches = 'x';
    if (opts.shareY && i > 0) ya.matches = 'y';
    layout[`xaxis${suffix}`] = xa;
    layout[`yaxis${suffix}`] = ya;
    if (p.title) {
      annotations.push({
        text: `<b>${escapeHtml(p.title)}</b>`,
        x: round6(x0 + cellW / 2),
        y: round6(y1),
        xref: 'paper',
        yref: 'paper',
        xanchor: 'center',
        yanchor: 'bottom',
        yshift: 4,
        showarrow: false,
        font: { size: (opts.fontSize ?? 12) + 1 },
      });
    }
    for (const t of flat(p.traces)) {
      const placed: Trace = { ...t, xaxis: `x${suffix}`, yaxis: `y${suffix}` };
      // A colour bar goes beside its own panel (plotly's default spans the whole figure).
      const cb = (t.colorbar ?? {}) as Record<string, unknown>;
      if (t.type === 'heatmap' && cb.x === undefined) {
        placed.colorbar = { ...cb, x: round6(x0 + cellW + 0.01), xanchor: 'left', y: round6(y1 - cellH / 2), yanchor: 'middle', len: round6(cellH), thickness: 12 };
      }
      data.push(placed);
    }
  });
  if (annotations.length) layout.annotations = annotations;
  if (data.some((t) => t.type === 'bar')) layout.barmode = 'group';
  setLogTicks(layout, data);
  return { data: dedupeLegend(assignColors(data)), layout, config: defaultConfig() };
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6 + 0; // + 0: no -0 in the JSON
}

function flat(traces: ReadonlyArray<Trace | ReadonlyArray<Trace>>): Trace[] {
  const out: Trace[] = [];
  for (const t of traces) {
    if (Array.isArray(t)) out.push(...(t as Trace[]));
    else out.push(t as Trace);
  }
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function defaultConfig(): Record<string, unknown> {
  return { displaylogo: false, responsive: true };
}

function axis(spec: AxisSpec = {}): Record<string, unknown> {
  const a: Record<string, unknown> = {
    showline: true,
    linecolor: '#000000',
    linewidth: 1,
    mirror: true,
    ticks: 'outside',
    ticklen: 4,
    showgrid: true,
    gridcolor: '#e6e6e6',
    zeroline: false,
    automargin: true,
  };
  if (spec.title) a.title = { text: spec.title, standoff: 6 };
  if (spec.log) {
    a.type = 'log';
    a.exponentformat = 'power';
  } else if (spec.category) a.type = 'category';
  if (spec.range) {
    if (spec.log && (spec.range[0] <= 0 || spec.range[1] <= 0)) throw new RangeError(`axis range: a log axis needs a positive range, got [${spec.range.join(', ')}]`);
    a.range = spec.log ? spec.range.map((v) => Math.log10(v)) : [...spec.range];
  }
  if (spec.tickformat) a.tickformat = spec.tickformat;
  return a;
}

function baseLayout(width: number, height: number, title?: string, legend?: LegendSpec, fontSize = 12): Layout {
  if (!(width > 0 && height > 0)) throw new RangeError(`figure size: width and height must be > 0 px, got ${width}×${height}`);
  const layout: Layout = {
    width,
    height,
    font: { family: FONT_FAMILY, size: fontSize, color: '#000000' },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    margin: { l: 60, r: 20, t: title ? 56 : 28, b: 50 },
    hovermode: 'closest',
  };
  if (title) layout.title = { text: title, x: 0.5, xanchor: 'center', font: { size: fontSize + 3 } };
  const pos = legend?.position ?? 'right';
  if (pos === 'none') layout.showlegend = false;
  else layout.legend = { ...legendPlacement(pos), bgcolor: 'rgba(255,255,255,0.85)', borderwidth: 0, ...(legend?.title ? { title: { text: legend.title } } : {}) };
  return layout;
}

function legendPlacement(pos: Exclude<LegendSpec['position'], undefined | 'none'>): Record<string, unknown> {
  switch (pos) {
    case 'top':
      return { orientation: 'h', x: 0.5, xanchor: 'center', y: 1.02, yanchor: 'bottom' };
    case 'bottom':
      return { orientation: 'h', x: 0.5, xanchor: 'center', y: -0.18, yanchor: 'top' };
    case 'inside-top-right':
      return { x: 0.98, xanchor: 'right', y: 0.98, yanchor: 'top' };
    case 'inside-top-left':
      return { x: 0.02, xanchor: 'left', y: 0.98, yanchor: 'top' };
    case 'inside-bottom-right':
      return { x: 0.98, xanchor: 'right', y: 0.02, yanchor: 'bottom' };
    case 'inside-bottom-left':
      return { x: 0.02, xanchor: 'left', y: 0.02, yanchor: 'bottom' };
    default:
      return { x: 1.02, xanchor: 'left', y: 1, yanchor: 'top' };
  }
}

/**
 * Clean ticks on log axes (plotly's own put 2…9 labels between decades, which collide in small
 * panels): an axis whose traces have at most 6 distinct positive values gets ticks at exactly those
 * values (e.g. data sizes 256, 1K, 4K, 16K); otherwise 1-2-5 steps over up to 1.3 decades, 1-3
 * steps up to 3, decades beyond. Axes with explicit tickvals or dtick are left alone. Changes `layout` in place.
 */
export function setLogTicks(layout: Layout, data: ReadonlyArray<Trace>): void {
  for (const key of Object.keys(layout)) {
    const m = /^([xy])axis(\d*)$/.exec(key);
    if (!m) continue;
    const ax = layout[key] as Record<string, unknown>;
    if (ax.type !== 'log' || ax.tickvals !== undefined || ax.dtick !== undefined) continue;
    const ref = `${m[1]}${m[2]}`;
    const values: number[] = [];
    for (const t of data) {
      const own = ((m[1] === 'x' ? t.xaxis : t.yaxis) ?? m[1]) === ref;
      if (!own || t.hoverinfo === 'skip') continue;
      const vs = (m[1] === 'x' ? t.x : t.y) ?? [];
      for (const v of vs) if (typeof v === 'number' && v > 0 && Number.isFinite(v)) values.push(v);
      const err = (m[1] === 'y' ? t.error_y : undefined) as { array?: Array<number | null> } | undefined;
      if (err?.array && t.y) err.array.forEach((e, i) => { const y = t.y?.[i]; if (typeof y === 'number' && typeof e === 'number' && y + e > 0) values.push(y + e); });
    }
    if (values.length === 0) continue;
    const ticks = logTickValues(values, m[1] === 'x');
    ax.tickvals = ticks;
    ax.ticktext = ticks.map(formatLogTick);
  }
}

/** Tick positions for positive values: the values themselves when few and `exact`, else 1-2-5 steps or decades. */
export function logTickValues(values: ReadonlyArray<number>, exact = false): number[] {
  const distinct = [...new Set(values.map((v) => Number(v.toPrecision(6))))].sort((a, b) => a - b);
  if (exact && distinct.length <= 6) return distinct;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const d0 = Math.floor(Math.log10(lo));
  const d1 = Math.ceil(Math.log10(hi));
  const span = Math.log10(hi / lo);
  const steps = span <= 1.3 ? [1, 2, 5] : span <= 3 ? [1, 3] : [1];
  const out: number[] = [];
  for (let d = d0; d <= d1; d++) for (const s of steps) out.push(Number((s * 10 ** d).toPrecision(6)));
  // the ticks inside the data range plus one step either side (plotly draws only those inside its range)
  const inside = out.filter((v) => v >= lo && v <= hi);
  const below = out.filter((v) => v < lo).slice(-1);
  const above = out.filter((v) => v > hi).slice(0, 1);
  return [...below, ...inside, ...above];
}

/** Compact tick label: 16384 → '16K', 1024 → '1K', 0.05 → '0.05', 2e-5 → '2e-5'. */
export function formatLogTick(v: number): string {
  if (v >= 1000 && v % 1024 === 0) return `${v / 1024}K`;
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (v >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  if (v >= 1e-3) return String(Number(v.toPrecision(3)));
  return v.toExponential(0).replace('e-', 'e−');
}

/**
 * Give every trace without an explicit colour the palette colour of its series (legendgroup or
 * name, in order of first appearance; unnamed traces get their own). Sets line, marker, error-bar
 * and band fill colours. Returns new trace objects.
 */
export function assignColors(traces: ReadonlyArray<Trace>): Trace[] {
  const colorOf = new Map<string, string>();
  const symbolOf = new Map<string, string>();
  let next = 0;
  return traces.map((t, i) => {
    if (t.type === 'heatmap') return { ...t };
    const skey = t.legendgroup ?? t.name ?? `#${i}`;
    if (!symbolOf.has(skey) && !(typeof t.fill === 'string' && t.fill !== 'none')) symbolOf.set(skey, SYMBOLS[symbolOf.size % SYMBOLS.length]);
    const key = t.legendgroup ?? t.name ?? `#${i}`;
    const explicit = ((t.line as Record<string, unknown> | undefined)?.color ?? (t.marker as Record<string, unknown> | undefined)?.color) as string | undefined;
    let color = colorOf.get(key);
    if (!color) {
      color = explicit ?? PALETTE[next++ % PALETTE.length];
      colorOf.set(key, color);
    }
    const c = typeof explicit === 'string' ? explicit : color;
    const out: Trace = { ...t };
    const isBand = typeof t.fill === 'string' && t.fill !== 'none';
    if (isBand) {
      if (out.fillcolor === undefined) out.fillcolor = withAlpha(c, BAND_ALPHA);
      return out;
    }
    if (t.type !== 'bar') out.line = { ...(t.line as object), color: c };
    if (t.marker !== undefined || t.type === 'bar' || (typeof t.mode === 'string' && t.mode.includes('markers'))) {
      const mk: Record<string, unknown> = { ...(t.marker as Record<string, unknown>), color: c };
      if (t.type !== 'bar' && mk.symbol === undefined) mk.symbol = symbolOf.get(skey) ?? 'circle';
      out.marker = mk;
    }
    if (t.error_y && (t.error_y as Record<string, unknown>).color === undefined) out.error_y = { ...(t.error_y as object), color: t.type === 'bar' ? '#000000' : c };
    return out;
  });
}

/**
 * One legend entry per legend group (later panels repeat the same series): the first trace of the
 * group that has points, so a series empty in the first panel (e.g. no flips in Set-1) still gets
 * its entry from a later panel.
 */
function dedupeLegend(traces: Trace[]): Trace[] {
  const hasPoints = (t: Trace) => Array.isArray(t.x) ? t.x.length > 0 : true;
  const owner = new Map<string, number>();
  traces.forEach((t, i) => {
    if (!t.showlegend || t.legendgroup === undefined) return;
    const cur = owner.get(t.legendgroup);
    if (cur === undefined || (!hasPoints(traces[cur]) && hasPoints(t))) owner.set(t.legendgroup, i);
  });
  return traces.map((t, i) => {
    if (!t.showlegend || t.legendgroup === undefined) return t;
    return owner.get(t.legendgroup) === i ? t : { ...t, showlegend: false };
  });
}

/**
 * A JSON-clean copy of a figure: typed arrays become arrays, NaN/±Infinity become null (gaps),
 * undefined fields are dropped. This is what display and export send, and what `*.plotly.json` holds.
 */
export function toPlotlyJSON(fig: Figure): Figure {
  const text = JSON.stringify(fig, (_k, v: unknown) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    if (typeof v === 'number' && !Number.isFinite(v)) return null;
    return v;
  });
  return JSON.parse(text) as Figure;
}

/** Validate a parsed JSON value as a figure spec ({data: array, layout?: object}); errors name the problem. */
export function asFigure(value: unknown, what = 'figure'): Figure {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${what}: expected an object {data, layout}, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.data)) throw new TypeError(`${what}: 'data' must be an array of traces`);
  if (v.layout !== undefined && (typeof v.layout !== 'object' || v.layout === null || Array.isArray(v.layout))) throw new TypeError(`${what}: 'layout' must be an object`);
  return { data: v.data as Trace[], layout: (v.layout as Layout) ?? {}, ...(v.config ? { config: v.config as Record<string, unknown> } : {}) };
}

/** Figure size in px: explicit values, else the layout's, else the defaults. */
export function figureSize(fig: Figure, width?: number, height?: number): { width: number; height: number } {
  const w = width ?? (typeof fig.layout.width === 'number' ? fig.layout.width : DEFAULT_WIDTH);
  const h = height ?? (typeof fig.layout.height === 'number' ? fig.layout.height : DEFAULT_HEIGHT);
  if (!(Number.isFinite(w) && w > 0 && Number.isFinite(h) && h > 0)) throw new RangeError(`figure size: width and height must be > 0 px, got ${w}×${h}`);
  return { width: Math.round(w), height: Math.round(h) };
}
