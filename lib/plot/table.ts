/**
 * Result tables over arquero: format cells once (fixed decimals or significant digits, percent,
 * mean ± spread, best value in bold), then write CSV (data, full precision by default), LaTeX
 * (booktabs, escaped) or HTML/plain text (notebook display, via lib/plot/display.ts).
 *
 *   const t = aq.from(rows).groupby('model').rollup({ err: op.mean('err'), sd: op.stdev('err') });
 *   showTable(t, { format: { err: { decimals: 3, pm: 'sd', best: 'min', header: 'velocity error' } } });
 *   writeTable(t, 'data/runs/01/tables/table1', { format: {...}, config, seed });  // .csv .tex .json
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stripExtension, writeSidecar } from './sidecar';

/** An arquero table, an array of row objects, or a columns object ({name: values[]}). */
export type TableInput = ColumnTable | ReadonlyArray<Record<string, unknown>> | Record<string, ArrayLike<unknown>>;

/** Accept the usual table shapes and return an arquero table. */
export function asTable(input: TableInput): ColumnTable {
  if (input instanceof aq.ColumnTable) return input;
  if (Array.isArray(input)) return aq.from(input as object[]);
  if (typeof input === 'object' && input !== null) return aq.table(input as object);
  throw new TypeError(`table: expected an arquero table, an array of rows or a columns object, got ${typeof input}`);
}

export interface NumberFormat {
  /** Fixed number of decimals (e.g. 3 → '0.330'). Wins over `significant`. */
  decimals?: number;
  /** Significant digits for non-integers when `decimals` is not set; default 4. */
  significant?: number;
  /** Show as a percentage: ×100 with a '%' suffix; default false. */
  percent?: boolean;
}

export interface ColumnFormat extends NumberFormat {
  /** Header text; default the column name. Escaped in LaTeX (use `latexHeader` for raw LaTeX). */
  header?: string;
  /** Raw LaTeX header, e.g. '$v_0$ (m/s)'; not escaped. */
  latexHeader?: string;
  /** Alignment; default 'r' for numeric columns, 'l' otherwise. */
  align?: 'l' | 'c' | 'r';
  /** Name of a column holding a spread shown as 'value ± spread' in this cell (that column is hidden in LaTeX/HTML/text, kept in CSV). */
  pm?: string;
  /** Bold the smallest or largest value of the column (LaTeX \textbf, HTML <b>). */
  best?: 'min' | 'max';
  /** Custom cell text (plain text; escaped in LaTeX/HTML). Wins over the number options. */
  format?: (value: unknown) => string;
}

export interface TableFormatOptions extends NumberFormat {
  /** Columns to include, in order; default all. */
  columns?: ReadonlyArray<string>;
  /** Per-column formats (override the table-wide NumberFormat fields). */
  format?: Record<string, ColumnFormat>;
  /** Units per column, added to its header as ' (unit)' in every format but CSV, e.g. { error: 'u/s' }. */
  units?: Record<string, string>;
  /** Text for null, undefined and NaN; default '' in CSV, '–' in HTML/text, '--' in LaTeX. */
  missing?: string;
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/**
 * Format a finite number. Integers print exactly (unless `decimals` is set); other numbers get
 * `significant` digits (default 4, trailing zeros trimmed), in exponent form ('1.235e-5') below
 * 1e-3 or from 1e6 on. ±Infinity → 'inf'/'-inf'. Never prints '-0'.
 */
export function formatNumber(v: number, f: NumberFormat = {}): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const suffix = f.percent ? '%' : '';
  if (f.percent) v *= 100;
  let s: string;
  if (f.decimals !== undefined) {
    if (!Number.isInteger(f.decimals) || f.decimals < 0 || f.decimals > 20) throw new RangeError(`decimals: must be an integer in [0, 20], got ${f.decimals}`);
    s = v.toFixed(f.decimals).replace('e+', 'e'); // toFixed goes exponential from 1e21
  } else if (Number.isInteger(v) && Math.abs(v) < 1e15) {
    s = String(v);
  } else {
    const sig = f.significant ?? 4;
    if (!Number.isInteger(sig) || sig < 1 || sig > 21) throw new RangeError(`significant: must be an integer in [1, 21], got ${sig}`);
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) {
      const [m, e] = v.toExponential(sig - 1).split('e');
      s = `${trimZeros(m)}e${e.startsWith('+') ? e.slice(1) : e}`;
    } else {
      s = trimZeros(v.toPrecision(sig));
      if (s.includes('e')) s = String(Number(s)); // toPrecision goes exponential for 12345.6 at 4 digits
    }
  }
  if (/^-0(\.0*)?$/.test(s)) s = s.slice(1);
  return s + suffix;
}

function trimZeros(s: string): string {
  return s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s;
}

// ---------------------------------------------------------------------------------------------
// Cell model shared by all outputs
// ---------------------------------------------------------------------------------------------

type Target = 'csv' | 'latex' | 'html' | 'text';

interface Cell {
  /** Plain text of the value (numbers formatted), or null when missing. */
  text: string | null;
  /** Number parts for LaTeX math: value and optional spread, already formatted. */
  num?: string;
  spread?: string;
  bold: boolean;
}

interface Grid {
  names: string[];
  headers: string[];
  latexHeaders: string[];
  aligns: Array<'l' | 'c' | 'r'>;
  rows: Cell[][];
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

function colFormat(opts: TableFormatOptions, name: string): ColumnFormat {
  const c = opts.format?.[name] ?? {};
  return { decimals: opts.decimals, significant: opts.significant, percent: opts.percent, ...c };
}

function plainValue(v: unknown, f: ColumnFormat, target: Target): string {
  if (f.format) return f.format(v);
  if (typeof v === 'number') return target === 'csv' && f.decimals === undefined && f.significant === undefined && !f.percent ? csvNumber(v) : formatNumber(v, f);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** CSV keeps full precision: the shortest string that parses back to the same double. */
function csvNumber(v: number): string {
  if (Number.isNaN(v)) return '';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Object.is(v, -0) ? '0' : String(v);
}

function buildGrid(table: TableInput, opts: TableFormatOptions, target: Target): Grid {
  const t = asTable(table);
  const all = t.columnNames();
  const wanted = opts.columns ? [...opts.columns] : all;
  for (const c of wanted) if (!all.includes(c)) throw new RangeError(`table columns: unknown column '${c}'; columns: ${all.join(', ')}`);
  for (const [name, f] of Object.entries(opts.format ?? {})) {
    if (!all.includes(name)) throw new RangeError(`table format: unknown column '${name}'; columns: ${all.join(', ')}`);
    if (f.pm !== undefined && !all.includes(f.pm)) throw new RangeError(`table format.${name}.pm: unknown column '${f.pm}'; columns: ${all.join(', ')}`);
  }
  const usePm = target !== 'csv';
  const hidden = new Set<string>();
  if (usePm) for (const n of wanted) {
    const pm = opts.format?.[n]?.pm;
    if (pm) hidden.add(pm);
  }
  const names = wanted.filter((n) => !hidden.has(n));
  const values = new Map<string, unknown[]>();
  for (const n of all) values.set(n, Array.from(t.array(n) as ArrayLike<unknown>));
  const nRows = t.numRows();
  const headers: string[] = [];
  const latexHeaders: string[] = [];
  const aligns: Array<'l' | 'c' | 'r'> = [];
  const cols: Cell[][] = [];
  for (const n of names) {
    const f = colFormat(opts, n);
    const vs = values.get(n)!;
    const spreads = usePm && f.pm ? values.get(f.pm)! : null;
    const numeric = vs.every((v) => isMissing(v) || typeof v === 'number');
    const unit = target !== 'csv' && opts.units?.[n] ? ` (${opts.units[n]})` : '';
    headers.push((f.header ?? n) + unit);
    latexHeaders.push(f.latexHeader ?? latexEscape((f.header ?? humanizeHeader(n)) + unit));
    aligns.push(f.align ?? (numeric ? 'r' : 'l'));
    let bestIdx: Set<number> = new Set();
    if (f.best) {
      const finite = vs.map((v, i) => [v, i] as const).filter(([v]) => typeof v === 'number' && Number.isFinite(v)) as Array<readonly [number, number]>;
      if (finite.length) {
        const target = f.best === 'min' ? Math.min(...finite.map(([v]) => v)) : Math.max(...finite.map(([v]) => v));
        // Compare as displayed, so ties after rounding are all bold.
        const shown = formatNumber(target, f);
        bestIdx = new Set(finite.filter(([v]) => formatNumber(v, f) === shown).map(([, i]) => i));
      }
    }
    const cells: Cell[] = [];
    for (let i = 0; i < nRows; i++) {
      const v = vs[i];
      if (isMissing(v)) {
        cells.push({ text: null, bold: false });
        continue;
      }
      const text = plainValue(v, f, target);
      const cell: Cell = { text, bold: bestIdx.has(i) };
      if (typeof v === 'number' && !f.format) cell.num = text;
      if (spreads && !isMissing(spreads[i])) {
        const s = spreads[i];
        const st = typeof s === 'number' ? formatNumber(s, f) : plainValue(s, f, target);
        cell.text = `${text} ± ${st}`;
        if (typeof s === 'number' && cell.num !== undefined) cell.spread = st;
        else delete cell.num;
      }
      cells.push(cell);
    }
    cols.push(cells);
  }
  const rows: Cell[][] = [];
  for (let i = 0; i < nRows; i++) rows.push(cols.map((c) => c[i]));
  return { names, headers, latexHeaders, aligns, rows };
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

export interface CsvOptions extends TableFormatOptions {
  /** Field separator; default ','. */
  delimiter?: string;
}

function csvField(s: string, delim: string): string {
  return s.includes(delim) || /["\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV (RFC 4180: quoted when needed, '\n' line ends, trailing newline). Numbers keep full
 * precision unless a decimals/significant/percent format is given; `pm` columns stay separate.
 */
export function toCSV(table: TableInput, opts: CsvOptions = {}): string {
  const g = buildGrid(table, opts, 'csv');
  const d = opts.delimiter ?? ',';
  const missing = opts.missing ?? '';
  const lines = [g.names.map((n) => csvField(n, d)).join(d)];
  for (const r of g.rows) lines.push(r.map((c) => csvField(c.text ?? missing, d)).join(d));
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// LaTeX
// ---------------------------------------------------------------------------------------------

const LATEX_SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '±': '$\\pm$',
  '×': '$\\times$',
  '≤': '$\\leq$',
  '≥': '$\\geq$',
  '−': '$-$',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '–': '--',
  '—': '---',
  '…': '\\ldots{}',
  '·': '$\\cdot$',
  '≈': '$\\approx$',
  '∪': '$\\cup$',
  '∩': '$\\cap$',
  '∈': '$\\in$',
  '→': '$\\to$',
  '←': '$\\leftarrow$',
  '≲': '$\\lesssim$',
  '≳': '$\\gtrsim$',
  '≠': '$\\neq$',
  '°': '$^\\circ$',
  '§': '\\S{}',
  'µ': '$\\mu$',
  'μ': '$\\mu$',
  'σ': '$\\sigma$',
  'ε': '$\\varepsilon$',
  'α': '$\\alpha$',
  'β': '$\\beta$',
  'Δ': '$\\Delta$',
  '²': '$^2$',
  '³': '$^3$',
  '₀': '$_0$',
  '₁': '$_1$',
  '₂': '$_2$',
  '\u00a0': '~',
};

/**
 * Escape plain text for LaTeX text mode (pdflatex-safe): the ten specials, the symbols the reports
 * use (± × ≤ ≥ − ∪ ≈ ≲ → · Greek, sub/superscripts; `\\lesssim` needs amssymb) as math, dashes as
 * `--`/`---`; any other non-ASCII character (pdflatex stops on it) becomes a visible `[U+XXXX]`.
 */
export function latexEscape(s: string): string {
  return s.replace(/[\\{}&%$#_~^<>]|[^\x00-\x7f]/gu, (c) => LATEX_SPECIAL[c] ?? `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}

/** 'midGapCi95' → 'mid gap CI95', 'inBandError' → 'in band error' (LaTeX headers when no header is given). */
export function humanizeHeader(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)/g, '$1$2')
    .split(' ')
    .map((w) => (/^(ci|id|ood|vae|gt)\d*$/i.test(w) ? w.toUpperCase() : w.toLowerCase()))
    .join(' ');
}

/** A formatted number as LaTeX math body: '-1.2e-5' → '-1.2\times10^{-5}', '12%' → '12\%'. */
function latexNumber(s: string): string {
  const m = /^(-?[\d.]+)e(-?\d+)(%?)$/.exec(s);
  if (m) return `${m[1]}\\times10^{${m[2]}}${m[3] ? '\\%' : ''}`;
  if (s === 'inf') return '\\infty';
  if (s === '-inf') return '-\\infty';
  return s.replace('%', '\\%');
}

function latexCell(c: Cell, missing: string): string {
  if (c.text === null) return missing;
  if (c.num !== undefined) {
    let math = latexNumber(c.num);
    if (c.spread !== undefined) math += ` \\pm ${latexNumber(c.spread)}`;
    const needsMath = c.spread !== undefined || math !== c.num || c.num.startsWith('-');
    if (!needsMath) return c.bold ? `\\textbf{${c.num}}` : c.num;
    return `$${c.bold ? `\\mathbf{${math}}` : math}$`;
  }
  const body = latexEscape(c.text);
  return c.bold ? `\\textbf{${body}}` : body;
}

export interface LatexOptions extends TableFormatOptions {
  /** Caption; with caption or label the tabular is wrapped in a table float. */
  caption?: string;
  /** \label key, e.g. 'tab:velocity-error'. */
  label?: string;
  /** Float placement; default 'tbp'. */
  placement?: string;
  /** Column spec overriding the per-column aligns, e.g. 'lrrr' or 'l@{}rr'. */
  colspec?: string;
  /** Wrap in a float even without caption/label; default: only when caption or label is set. */
  float?: boolean;
}

/** A booktabs table (needs \usepackage{booktabs}); cells escaped, numbers in math mode where needed. */
export function toLatex(table: TableInput, opts: LatexOptions = {}): string {
  const g = buildGrid(table, opts, 'latex');
  const missing = opts.missing ?? '--';
  const colspec = opts.colspec ?? g.aligns.join('');
  const body = [
    `\\begin{tabular}{${colspec}}`,
    '\\toprule',
    g.latexHeaders.join(' & ') + ' \\\\',
    '\\midrule',
    ...g.rows.map((r) => r.map((c) => latexCell(c, missing)).join(' & ') + ' \\\\'),
    '\\bottomrule',
    '\\end{tabular}',
  ];
  const wrap = opts.float ?? (opts.caption !== undefined || opts.label !== undefined);
  if (!wrap) return body.join('\n') + '\n';
  return [
    `\\begin{table}[${opts.placement ?? 'tbp'}]`,
    '\\centering',
    ...(opts.caption !== undefined ? [`\\caption{${latexEscape(opts.caption)}}`] : []),
    ...(opts.label !== undefined ? [`\\label{${opts.label}}`] : []),
    ...body,
    '\\end{table}',
  ].join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// HTML and plain text (notebook display)
// ---------------------------------------------------------------------------------------------

function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface HtmlTableOptions extends TableFormatOptions {
  caption?: string;
  /** Show at most this many rows; default 50. */
  maxRows?: number;
}

/** An HTML table (self-contained inline styles; numbers right-aligned). */
export function formatTableHtml(table: TableInput, opts: HtmlTableOptions = {}): string {
  const g = buildGrid(table, opts, 'html');
  const missing = opts.missing ?? '–';
  const max = opts.maxRows ?? 50;
  const align = (a: 'l' | 'c' | 'r') => (a === 'r' ? 'right' : a === 'c' ? 'center' : 'left');
  const th = g.headers.map((h, j) => `<th style="text-align:${align(g.aligns[j])};padding:2px 8px;border-bottom:1px solid #000">${htmlHeader(h)}</th>`).join('');
  const rows = g.rows.slice(0, max).map((r) =>
    '<tr>' + r.map((c, j) => {
      const txt = htmlEscape(c.text ?? missing);
      return `<td style="text-align:${align(g.aligns[j])};padding:2px 8px;font-variant-numeric:tabular-nums">${c.bold ? `<b>${txt}</b>` : txt}</td>`;
    }).join('') + '</tr>');
  const more = g.rows.length > max ? `<tr><td colspan="${g.headers.length}" style="padding:2px 8px;color:#666">… ${g.rows.length - max} more rows (${g.rows.length} in all)</td></tr>` : '';
  const cap = opts.caption !== undefined ? `<caption style="caption-side:top;text-align:left;font-weight:bold;padding-bottom:4px">${htmlEscape(opts.caption)}</caption>` : '';
  return `<table class="phylab-table" style="border-collapse:collapse;border-top:2px solid #000;border-bottom:2px solid #000">${cap}<thead><tr>${th}</tr></thead><tbody>${rows.join('')}${more}</tbody></table>`;
}

/**
 * A header as HTML with line-break opportunities (<wbr>) inside long words: before an upper-case
 * letter or a digit run that follows a lower-case letter (camelCase names like 'midGapCi95') and
 * after '_' or '·' (not in units like 'u/s'). A table of such names then fits a narrow output area by wrapping its headers
 * instead of scrolling sideways (how wide a word renders differs between browsers and fonts).
 */
export function htmlHeader(h: string): string {
  return h
    .split(/(?<=[a-z])(?=[A-Z0-9])|(?<=[_·])/)
    .map(htmlEscape)
    .join('<wbr>');
}

/** A plain-text table with padded columns (what terminals and logs show). */
export function formatTableText(table: TableInput, opts: HtmlTableOptions = {}): string {
  const g = buildGrid(table, opts, 'text');
  const missing = opts.missing ?? '–';
  const max = opts.maxRows ?? 50;
  const body = g.rows.slice(0, max).map((r) => r.map((c) => c.text ?? missing));
  const widths = g.headers.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const pad = (s: string, j: number) => (g.aligns[j] === 'r' ? s.padStart(widths[j]) : s.padEnd(widths[j]));
  const lines = [g.headers.map(pad).join('  '), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map((r) => r.map(pad).join('  '))];
  if (g.rows.length > max) lines.push(`… ${g.rows.length - max} more rows (${g.rows.length} in all)`);
  if (opts.caption !== undefined) lines.unshift(opts.caption);
  return lines.map((l) => l.trimEnd()).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

export type TableFormat = 'csv' | 'tex';

export interface WriteTableOptions extends LatexOptions {
  /** Which files to write; default ['csv', 'tex']. */
  formats?: ReadonlyArray<TableFormat>;
  /** Run config recorded in the sidecar. */
  config?: unknown;
  /** Run seed recorded in the sidecar. */
  seed?: number | null;
  /** Extra sidecar fields. */
  extra?: Record<string, unknown>;
}

export interface WriteTableResult {
  /** Format → path written. */
  files: Partial<Record<TableFormat, string>>;
  /** Path of the JSON sidecar. */
  sidecar: string;
}

/**
 * Write `<base>.csv` and/or `<base>.tex` plus the sidecar `<base>.json` (config, seed, commit,
 * date, checksums). `base` may carry a .csv/.tex extension; it is dropped.
 */
export function writeTable(table: TableInput, base: string, opts: WriteTableOptions = {}): WriteTableResult {
  const formats = opts.formats ?? ['csv', 'tex'];
  for (const f of formats) if (f !== 'csv' && f !== 'tex') throw new RangeError(`writeTable formats: unknown format '${String(f)}'; allowed: csv, tex`);
  const b = stripExtension(base, ['csv', 'tex', 'json']);
  mkdirSync(dirname(b) || '.', { recursive: true });
  const t = asTable(table);
  const files: Partial<Record<TableFormat, string>> = {};
  const contents: Record<string, string> = {};
  for (const f of formats) {
    const text = f === 'csv' ? toCSV(t, opts) : toLatex(t, opts);
    const path = `${b}.${f}`;
    writeFileSync(path, text);
    files[f] = path;
    contents[f] = text;
  }
  const sidecar = writeSidecar(b, {
    kind: 'table',
    files: files as Record<string, string>,
    contents,
    config: opts.config,
    seed: opts.seed,
    extra: { rows: t.numRows(), columns: t.columnNames(), ...(opts.caption !== undefined ? { caption: opts.caption } : {}), ...(opts.extra ?? {}) },
  });
  return { files, sidecar };
}
