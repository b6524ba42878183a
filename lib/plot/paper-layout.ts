/**
 * Re-lay out a figure for a paper column: a target width in pt (single column 240 pt, two columns
 * 500 pt) and font size in pt (7–9), so labels print at that size at the column's width. Works on
 * any saved spec (`*.plotly.json`): panels (xaxisN/yaxisN) are reflowed into as many columns as fit
 * (each at least `minPanelPt` wide), panel titles (the paper-anchored annotations above panels)
 * follow their panels, repeated axis titles are kept once per row/column, the legend goes
 * horizontally under the plot, the figure title is dropped (the caption carries it), fonts, lines
 * and markers are scaled, and every margin is set explicitly (no automargin), so nothing overlaps.
 * Sizes: CSS px at 96 px/in, as the PDF page is printed (1 pt = 4/3 px).
 */
import { Figure, FONT_FAMILY, Layout, setLogTicks, toPlotlyJSON, Trace } from './figure';

export interface PaperSpec {
  /** Figure width in pt (e.g. 240 for one column, 500 for two). */
  widthPt: number;
  /** Base font size in pt (tick labels, axis and panel titles, legend); 7–9 for papers. */
  fontPt: number;
  /** Narrowest panel in pt before panels wrap to more rows; default 72. */
  minPanelPt?: number;
  /** Panel height / width; default 0.75. */
  aspect?: number;
}

export const PAPER_PRESETS: Readonly<Record<'single' | 'double', PaperSpec>> = {
  single: { widthPt: 240, fontPt: 8 },
  double: { widthPt: 500, fontPt: 8 },
};

export const PX_PER_PT = 96 / 72;

interface Panel {
  suffix: string;
  x: Record<string, unknown>;
  y: Record<string, unknown>;
  x0: number;
  y1: number;
}

function num(v: unknown, d: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : d;
}

function titleText(ax: Record<string, unknown>): string | undefined {
  const t = ax.title as { text?: string } | string | undefined;
  return typeof t === 'string' ? t : t?.text;
}

/** Approximate width in px of a text (tags stripped) at font size f. */
function textPx(s: string, f: number): number {
  return s.replace(/<[^>]+>/g, '').length * f * 0.6;
}

/** The text with a <br> at the space nearest its middle when it is wider than `maxPx` (HTML tags kept). */
export function wrapText(s: string, maxPx: number, f: number): string {
  if (textPx(s, f) <= maxPx || s.includes('<br>')) return s;
  const open = /^(<[^>]+>)*/.exec(s)![0];
  const close = /(<\/[^>]+>)*$/.exec(s)![0];
  const body = s.slice(open.length, s.length - close.length);
  const mid = body.length / 2;
  let best = -1;
  for (let i = 0; i < body.length; i++) if (body[i] === ' ' && (best < 0 || Math.abs(i - mid) < Math.abs(best - mid))) best = i;
  if (best < 0) return s;
  return `${open}${body.slice(0, best)}${close}<br>${open}${body.slice(best + 1)}${close}`;
}

/** Approximate width in px of a legend entry at font size f. */
function legendEntryPx(name: string, f: number): number {
  return 34 + name.replace(/<[^>]+>/g, '').length * f * 0.58;
}

/** The figure re-laid out for `spec` (see the module comment). The input is not changed. */
export function paperLayout(fig: Figure, spec: PaperSpec): Figure {
  if (!(spec.widthPt >= 100 && spec.widthPt <= 2000)) throw new RangeError(`paper widthPt: must be in [100, 2000] pt, got ${spec.widthPt}`);
  if (!(spec.fontPt >= 5 && spec.fontPt <= 14)) throw new RangeError(`paper fontPt: must be in [5, 14] pt, got ${spec.fontPt}`);
  const f = toPlotlyJSON(fig);
  const L: Layout = { ...f.layout };
  const F = spec.fontPt * PX_PER_PT;
  const W = Math.round(spec.widthPt * PX_PER_PT);
  const minPanel = (spec.minPanelPt ?? 72) * PX_PER_PT;
  const aspect = spec.aspect ?? 0.75;

  // Panels in reading order (top row first, then left to right).
  const panels: Panel[] = Object.keys(L)
    .filter((k) => /^xaxis\d*$/.test(k))
    .map((k) => {
      const suffix = k.slice(5);
      const x = { ...(L[k] as Record<string, unknown>) };
      const y = { ...((L[`yaxis${suffix}`] as Record<string, unknown>) ?? {}) };
      const xd = (x.domain as number[]) ?? [0, 1];
      const yd = (y.domain as number[]) ?? [0, 1];
      return { suffix, x, y, x0: xd[0], y1: yd[1] };
    })
    .sort((a, b) => b.y1 - a.y1 || a.x0 - b.x0);
  if (panels.length === 0) panels.push({ suffix: '', x: {}, y: {}, x0: 0, y1: 1 });
  const n = panels.length;
  const origCols = new Set(panels.map((p) => p.x0.toFixed(3))).size;
  const heatmaps = f.data.some((t) => t.type === 'heatmap');

  // Axis titles: when every panel that has one says the same, show it once per row (y, first
  // column) or column (x, bottom panel) of the new grid.
  const yTitles = panels.map((p) => titleText(p.y));
  const xTitles = panels.map((p) => titleText(p.x));
  const yShared = new Set(yTitles.filter(Boolean)).size === 1 ? yTitles.find(Boolean) : undefined;
  const xShared = new Set(xTitles.filter(Boolean)).size === 1 ? xTitles.find(Boolean) : undefined;
  const sameY = yShared !== undefined;
  const sameX = xShared !== undefined;

  const tickW = F * 2.9; // y tick labels such as '0.05', '16K'
  const titleH = F * 1.45; // one line of text
  const l = Math.round(tickW + (yTitles.some(Boolean) ? titleH : 0) + 6);
  const r = Math.round(heatmaps ? F * 4.5 : 8);
  const hgap = tickW + (sameY ? 0 : titleH) + 8 + (heatmaps ? F * 4 : 0);
  const fit = (c: number) => (W - l - r - (c - 1) * hgap) / c;
  let cols = Math.min(n, Math.max(origCols, 1));
  while (cols > 1 && fit(cols) < minPanel) cols--;
  const rows = Math.ceil(n / cols);
  const panelW = fit(cols);
  // tall enough for the longest y title written along it
  const yTitleW = Math.max(0, ...yTitles.map((t) => (t ? textPx(t, F) : 0)));
  const panelH = Math.max(70, Math.min(260, Math.max(panelW * aspect, yTitleW + 8)));
  // titles wider than their room wrap onto a second line (and get the room for it)
  const wrapW = panelW + hgap * 0.8;
  const panelTitleAnns = ((L.annotations as Array<Record<string, unknown>>) ?? []).filter((a) => a.xref === 'paper' && a.yref === 'paper' && a.yanchor === 'bottom');
  const titleLines = Math.max(1, ...panelTitleAnns.map((a) => wrapText(String(a.text ?? ''), wrapW, F * 1.08).split('<br>').length));
  const xTitleLines = Math.max(1, ...xTitles.map((t) => (t ? wrapText(t, wrapW, F).split('<br>').length : 1)));

  const hasPanelTitles = (L.annotations as unknown[] | undefined)?.length ? true : false;
  const panelTitleH = hasPanelTitles ? titleH * titleLines + 2 : 0;
  const xTickH = F * 1.35 + 4;
  const vgap = xTickH + (sameX ? 0 : titleH * xTitleLines) + panelTitleH + 6;
  const t = Math.round(panelTitleH + 6);

  // Legend entries (one per legend group) → rows of a horizontal legend under the plot.
  const showLegend = L.showlegend !== false;
  const names: string[] = [];
  const seen = new Set<string>();
  for (const tr of f.data) {
    if (tr.showlegend === false || tr.name === undefined || tr.type === 'heatmap') continue;
    const key = tr.legendgroup ?? tr.name;
    if (seen.has(key)) continue;
    seen.add(key);
    names.push(String(tr.name));
  }
  // Legend rows: entries packed left to right within the plot width, as plotly wraps them.
  let legendRows = 0;
  if (names.length) {
    const avail = W - l - r;
    let x = 0;
    legendRows = 1;
    for (const nm of names) {
      const w = legendEntryPx(nm, F);
      if (x > 0 && x + w > avail) {
        legendRows++;
        x = 0;
      }
      x += w;
    }
  }
  const legendH = legendRows ? legendRows * F * 1.55 + 4 : 0;
  const bottomAxis = xTickH + (xTitles.some(Boolean) ? titleH * xTitleLines : 0);
  const b = Math.round(bottomAxis + legendH + 4);
  const plotH = rows * panelH + (rows - 1) * vgap;
  const H = Math.round(t + plotH + b);
  const plotW = W - l - r;

  const out: Layout = {
    ...L,
    width: W,
    height: H,
    autosize: false,
    font: { ...((L.font as object) ?? {}), family: FONT_FAMILY, size: F, color: '#000000' },
    margin: { l, r, t, b, pad: 0 },
    meta: { ...((L.meta as object) ?? {}), paper: { widthPt: spec.widthPt, fontPt: spec.fontPt } },
  };
  delete out.title;
  if (showLegend && names.length) {
    out.legend = {
      ...((L.legend as object) ?? {}),
      orientation: 'h',
      xanchor: 'left',
      x: 0,
      y: -bottomAxis / plotH,
      yanchor: 'top',
      font: { size: F },
      itemwidth: 30,
      tracegroupgap: 0,
      bgcolor: 'rgba(255,255,255,0)',
      title: undefined,
    };
  }

  const annotations = ((L.annotations as Array<Record<string, unknown>>) ?? []).map((a) => ({ ...a }));
  const used = new Set<number>();
  panels.forEach((p, i) => {
    const row = Math.floor(i / cols);
    const col = i % cols;
    const x0 = (col * (panelW + hgap)) / plotW;
    const x1 = (col * (panelW + hgap) + panelW) / plotW;
    const y1 = 1 - (row * (panelH + vgap)) / plotH;
    const y0 = 1 - (row * (panelH + vgap) + panelH) / plotH;
    const oldX = (p.x.domain as number[]) ?? [0, 1];
    const oldY = (p.y.domain as number[]) ?? [0, 1];
    const below = i + cols < n;
    const axisStyle = { ticklen: 3, tickwidth: 0.75, linewidth: 0.75, automargin: false, tickfont: { size: F } };
    const xa: Record<string, unknown> = { ...p.x, ...axisStyle, domain: [r6(x0), r6(x1)] };
    const ya: Record<string, unknown> = { ...p.y, ...axisStyle, domain: [r6(y0), r6(y1)] };
    if (xa.type !== 'log' && xa.type !== 'category' && xa.nticks === undefined && xa.tickvals === undefined) xa.nticks = Math.max(3, Math.floor(panelW / (F * 4)));
    if (ya.type !== 'log' && ya.type !== 'category' && ya.nticks === undefined && ya.tickvals === undefined) ya.nticks = Math.max(3, Math.floor(panelH / (F * 2.2)));
    const xt = sameX ? (below ? undefined : xShared) : titleText(xa);
    const yt = sameY ? (col > 0 ? undefined : yShared) : titleText(ya);
    if (xt) xa.title = { text: wrapText(xt, wrapW, F), standoff: 2, font: { size: F } };
    else delete xa.title;
    if (yt) ya.title = { text: yt, standoff: 2, font: { size: F } };
    else delete ya.title;
    out[`xaxis${p.suffix}`] = xa;
    out[`yaxis${p.suffix}`] = ya;
    // the panel title: a paper-anchored annotation centred above the old panel
    const cx = (oldX[0] + oldX[1]) / 2;
    annotations.forEach((a, k) => {
      if (used.has(k) || a.xref !== 'paper' || a.yref !== 'paper') return;
      if (Math.abs(num(a.x, -9) - cx) < 0.02 && Math.abs(num(a.y, -9) - oldY[1]) < 0.02 && a.yanchor === 'bottom') {
        used.add(k);
        Object.assign(a, { text: wrapText(String(a.text ?? ''), wrapW, F * 1.08), x: r6((x0 + x1) / 2), y: r6(y1), yshift: 2, font: { ...((a.font as object) ?? {}), size: F } });
      }
    });
    // heatmap colour bars beside their panel
    for (const tr of f.data) {
      if (tr.type !== 'heatmap' || (tr.xaxis ?? 'x') !== `x${p.suffix}`) continue;
      tr.colorbar = { ...((tr.colorbar as object) ?? {}), x: r6(x1 + 0.01), xanchor: 'left', y: r6((y0 + y1) / 2), yanchor: 'middle', len: r6(y1 - y0), thickness: 8, tickfont: { size: F } };
    }
  });
  annotations.forEach((a, k) => {
    if (!used.has(k)) a.font = { ...((a.font as object) ?? {}), size: Math.min(num((a.font as { size?: number } | undefined)?.size, F), F) };
  });
  if (annotations.length) out.annotations = annotations;
  // clean log ticks also on specs saved before setLogTicks existed (plotly's own collide in small panels)
  for (const k of Object.keys(out)) {
    const ax = out[k] as Record<string, unknown> | undefined;
    if (/^[xy]axis\d*$/.test(k) && ax?.type === 'log' && Array.isArray(ax.tickvals) === false) delete ax.dtick;
  }
  setLogTicks(out, f.data);
  return { data: f.data.map((tr) => scaleTrace(tr, F)), layout: out, config: { ...(f.config ?? {}), responsive: false } };
}

/** Thinner lines, smaller markers and error-bar caps for print. */
function scaleTrace(t: Trace, F: number): Trace {
  const o: Trace = { ...t };
  if (o.line && typeof o.line === 'object') {
    const ln = { ...(o.line as Record<string, unknown>) };
    if (typeof ln.width === 'number' && ln.width > 0) ln.width = Math.min(ln.width, Math.max(0.75, ln.width * 0.6));
    o.line = ln;
  }
  if (o.marker && typeof o.marker === 'object') {
    const mk = { ...(o.marker as Record<string, unknown>) };
    if (typeof mk.size === 'number') mk.size = Math.max(3, Math.round(mk.size * 0.7 * 10) / 10);
    o.marker = mk;
  }
  if (o.error_y && typeof o.error_y === 'object') o.error_y = { ...(o.error_y as Record<string, unknown>), thickness: 0.75, width: 2 };
  if (o.textfont && typeof o.textfont === 'object') o.textfont = { ...(o.textfont as Record<string, unknown>), size: F * 0.9 };
  return o;
}

function r6(v: number): number {
  return Math.round(v * 1e6) / 1e6 + 0;
}
