import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import * as aq from 'arquero';
import { asTable, formatNumber, formatTableHtml, formatTableText, htmlHeader, humanizeHeader, latexEscape, toCSV, toLatex, writeTable } from '../../lib/plot/table';

describe('plot/table', () => {
  it('formatNumber: integers exact, significant digits, fixed decimals, exponents, percent, no -0', () => {
    const cases: Array<[number, Parameters<typeof formatNumber>[1], string]> = [
      [42, {}, '42'],
      [-7, {}, '-7'],
      [0.123456, {}, '0.1235'],
      [123.456, {}, '123.5'],
      [12345.6, {}, '12350'],
      [0.1, {}, '0.1'],
      [1.5e-5, {}, '1.5e-5'],
      [-23456779.5, {}, '-2.346e7'],
      [-23456700, {}, '-23456700'],
      [0.123456, { significant: 2 }, '0.12'],
      [2, { decimals: 3 }, '2.000'],
      [0.3333333, { decimals: 2 }, '0.33'],
      [-0.0001, { decimals: 2 }, '0.00'],
      [0.1234, { percent: true, decimals: 1 }, '12.3%'],
      [Infinity, {}, 'inf'],
      [-Infinity, {}, '-inf'],
    ];
    for (const [v, f, want] of cases) assert.equal(formatNumber(v, f), want, `${v} ${JSON.stringify(f)}`);
    assert.throws(() => formatNumber(1.5, { decimals: -1 }), /decimals: must be an integer in \[0, 20\]/);
    assert.throws(() => formatNumber(1.5, { significant: 0 }), /significant/);
  });

  it('asTable accepts arquero tables, row arrays and column objects', () => {
    const rows = [{ a: 1, b: 'x' }, { a: 2, b: 'y' }];
    const fromRows = asTable(rows);
    assert.equal(fromRows.numRows(), 2);
    assert.deepEqual(asTable({ a: [1, 2], b: ['x', 'y'] }).objects(), rows);
    const t = aq.table({ a: [1] });
    assert.equal(asTable(t), t);
  });

  it('toCSV: RFC 4180 quoting, full precision, missing values empty', () => {
    const t = aq.table({ name: ['plain', 'a,b', 'say "hi"', 'two\nlines', ' pad'], v: [0.1 + 0.2, null, NaN, -0, 1e21] });
    assert.equal(
      toCSV(t),
      'name,v\nplain,0.30000000000000004\n"a,b",\n"say ""hi""",\n"two\nlines",0\n" pad",1e+21\n',
    );
    assert.equal(toCSV(t, { decimals: 2, columns: ['v'], missing: 'NA' }), 'v\n0.30\nNA\nNA\n0.00\n1e21\n');
    assert.equal(toCSV({ a: ['x;y'], b: [1] }, { delimiter: ';' }), 'a;b\n"x;y";1\n');
    assert.throws(() => toCSV(t, { columns: ['nope'] }), /unknown column 'nope'; columns: name, v/);
  });

  it('latexEscape escapes every special character', () => {
    assert.equal(latexEscape('a_b & 50% $5 #1 {x} ~ ^ \\ <>'), 'a\\_b \\& 50\\% \\$5 \\#1 \\{x\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{} \\textless{}\\textgreater{}');
    assert.equal(latexEscape('±×≤≥−'), '$\\pm$$\\times$$\\leq$$\\geq$$-$');
  });

  it('latexEscape is pdflatex-safe: symbols as math, dashes, unknown non-ASCII visible', () => {
    assert.equal(latexEscape('[1.0, 2.0] ∪ [3.5, 4.0] – v ≲ 1.25 · σ'), '[1.0, 2.0] $\\cup$ [3.5, 4.0] -- v $\\lesssim$ 1.25 $\\cdot$ $\\sigma$');
    assert.equal(latexEscape('ok ✓'), 'ok [U+2713]');
    assert.ok(!/[^\x00-\x7f]/.test(latexEscape('≈ → ₀ ² µ §')));
  });

  it('LaTeX headers: camelCase humanised, units added (CSV keeps the names)', () => {
    assert.equal(humanizeHeader('midGapCi95'), 'mid gap CI95');
    const t = { midGapError: [0.5], seeds: [1] };
    const tex = toLatex(t, { units: { midGapError: 'u/s' } });
    assert.ok(tex.includes('mid gap error (u/s) & seeds \\\\'), tex);
    assert.ok(toCSV(t, { units: { midGapError: 'u/s' } }).startsWith('midGapError,seeds'));
  });

  it('toLatex: booktabs, escaped text, math for negatives/exponents/±, best in bold, float with caption', () => {
    const t = aq.table({ model: ['DiT_S', 'DiT_B & co'], err: [0.33333, -0.125], sd: [0.05, 0.01], tiny: [1.5e-5, 2] });
    const tex = toLatex(t, {
      caption: 'Velocity error (50% data)',
      label: 'tab:err',
      format: { err: { decimals: 3, pm: 'sd', best: 'min', header: 'error_v' }, tiny: { latexHeader: '$\\epsilon$' } },
    });
    assert.equal(
      tex,
      [
        '\\begin{table}[tbp]',
        '\\centering',
        '\\caption{Velocity error (50\\% data)}',
        '\\label{tab:err}',
        '\\begin{tabular}{lrr}',
        '\\toprule',
        'model & error\\_v & $\\epsilon$ \\\\',
        '\\midrule',
        'DiT\\_S & $0.333 \\pm 0.050$ & $1.5\\times10^{-5}$ \\\\',
        'DiT\\_B \\& co & $\\mathbf{-0.125 \\pm 0.010}$ & 2 \\\\',
        '\\bottomrule',
        '\\end{tabular}',
        '\\end{table}',
        '',
      ].join('\n'),
    );
    const bare = toLatex({ a: [1, null], b: ['x', 'y'] }, { format: { a: { best: 'max' } } });
    assert.ok(bare.startsWith('\\begin{tabular}{rl}\n'), bare);
    assert.ok(bare.includes('\\textbf{1} & x \\\\'), bare);
    assert.ok(bare.includes('-- & y \\\\'), bare);
    assert.throws(() => toLatex(t, { format: { err: { pm: 'nope' } } }), /format\.err\.pm: unknown column 'nope'/);
  });

  it('ties after rounding are all bold', () => {
    const tex = toLatex({ v: [0.1001, 0.1004, 0.2] }, { format: { v: { decimals: 2, best: 'min' } } });
    assert.equal((tex.match(/\\textbf/g) ?? []).length, 2);
  });

  it('HTML and text renderings escape, align and truncate', () => {
    const t = aq.table({ k: ['<b>', 'y', 'z'], v: [1.23456, 2, null] });
    const html = formatTableHtml(t, { caption: 'A & B', maxRows: 2, format: { v: { best: 'max' } } });
    assert.ok(html.includes('&lt;b&gt;'));
    assert.ok(html.includes('<caption'));
    assert.ok(html.includes('A &amp; B'));
    assert.ok(html.includes('text-align:right'));
    assert.ok(html.includes('<b>2</b>'));
    assert.ok(html.includes('1 more rows (3 in all)'));
    assert.equal(formatTableText(t), ['k        v', '---  -----', '<b>  1.235', 'y        2', 'z        –'].join('\n'));
    assert.equal(formatTableText({ m: [1], s: [0.5] }, { format: { m: { pm: 's' } } }), ['      m', '-------', '1 ± 0.5'].join('\n'));
  });

  it('HTML headers may wrap inside camelCase names (a wide table fits a narrow output area), never inside units', () => {
    assert.equal(htmlHeader('midGapCi95'), 'mid<wbr>Gap<wbr>Ci<wbr>95');
    assert.equal(htmlHeader('velocity_err (u/s)'), 'velocity_<wbr>err (u/s)');
    assert.equal(htmlHeader('a<b'), 'a&lt;b');
    const html = formatTableHtml({ meanFlipVelocity: [1] });
    assert.ok(html.includes('>mean<wbr>Flip<wbr>Velocity</th>'));
    assert.equal(formatTableText({ meanFlipVelocity: [1] }).split('\n')[0].trim(), 'meanFlipVelocity');
  });

  it('writeTable writes csv, tex and a sidecar whose checksums match', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-table-'));
    try {
      const r = writeTable([{ a: 1, b: 'x' }], join(dir, 'sub', 't1.csv'), { config: { k: 1 }, seed: 3, caption: 'cap' });
      assert.equal(r.files.csv, join(dir, 'sub', 't1.csv'));
      assert.equal(r.files.tex, join(dir, 'sub', 't1.tex'));
      const side = JSON.parse(readFileSync(r.sidecar, 'utf8'));
      assert.equal(side.kind, 'table');
      assert.deepEqual(side.files, { csv: 't1.csv', tex: 't1.tex' });
      assert.equal(side.sha256.csv, createHash('sha256').update(readFileSync(r.files.csv!)).digest('hex'));
      assert.deepEqual(side.config, { k: 1 });
      assert.equal(side.seed, 3);
      assert.equal(side.rows, 1);
      assert.equal(side.caption, 'cap');
      assert.equal(readFileSync(r.files.csv!, 'utf8'), 'a,b\n1,x\n');
      assert.throws(() => writeTable([{ a: 1 }], join(dir, 'x'), { formats: ['xls' as 'csv'] }), /unknown format 'xls'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
