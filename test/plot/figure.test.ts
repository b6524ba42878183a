import { strict as assert } from 'node:assert';
import { asFigure, assignColors, bar, BAND_ALPHA, figure, figureSize, heatmap, line, PALETTE, scatter, subplots, toPlotlyJSON, withAlpha } from '../../lib/plot/figure';

describe('plot/figure', () => {
  it('line: error bars, band first, legend group', () => {
    const tr = line({ x: [1, 2, 3], y: [1, 4, 9], error: [0.1, 0.2, 0.3], band: { lower: [0, 3, 8], upper: [2, 5, 10] }, name: 'A' });
    assert.equal(tr.length, 2);
    const [band, l] = tr;
    assert.equal(band.fill, 'toself');
    assert.deepEqual(band.x, [1, 2, 3, 3, 2, 1]);
    assert.deepEqual(band.y, [2, 5, 10, 8, 3, 0]);
    assert.equal(band.showlegend, false);
    assert.equal(band.legendgroup, 'A');
    assert.equal(l.mode, 'lines+markers');
    assert.deepEqual((l.error_y as { array: number[] }).array, [0.1, 0.2, 0.3]);
    assert.equal(l.showlegend, true);
    assert.equal(l.legendgroup, 'A');
  });

  it('line: asymmetric errors, typed arrays become plain arrays, length mismatch is an error', () => {
    const [l] = line({ x: new Float32Array([1, 2]), y: new Float64Array([3, 4]), error: [1, 1], errorMinus: [0.5, 0.5] });
    assert.ok(Array.isArray(l.x) && Array.isArray(l.y));
    assert.deepEqual((l.error_y as { arrayminus: number[] }).arrayminus, [0.5, 0.5]);
    assert.equal((l.error_y as { symmetric: boolean }).symmetric, false);
    assert.equal(l.showlegend, false, 'unnamed series stay out of the legend');
    assert.throws(() => line({ x: [1, 2, 3], y: [1, 2] }), /line y: length 2 does not match x \(length 3\)/);
    assert.throws(() => line({ x: [1], y: [1], errorMinus: [1] }), /needs `error`/);
    assert.throws(() => line({ x: [1, 2], y: [1, 2], band: { lower: [1], upper: [1, 2] } }), /band lower/);
  });

  it('markers default on for short series, off for long ones', () => {
    assert.equal(line({ x: [1, 2], y: [1, 2] })[0].mode, 'lines+markers');
    const xs = Array.from({ length: 31 }, (_, i) => i);
    assert.equal(line({ x: xs, y: xs })[0].mode, 'lines');
  });

  it('figure: palette colours by series, bands get the same colour with alpha', () => {
    const fig = figure([line({ x: [1, 2], y: [1, 2], band: { lower: [0, 1], upper: [2, 3] }, name: 'A' }), line({ x: [1, 2], y: [2, 1], name: 'B' })], {
      x: { title: 'steps', log: true, range: [10, 1000] },
      y: { title: 'error' },
    });
    const [band, a, b] = fig.data;
    assert.equal((a.line as { color: string }).color, PALETTE[0]);
    assert.equal(band.fillcolor, withAlpha(PALETTE[0], BAND_ALPHA));
    assert.equal((b.line as { color: string }).color, PALETTE[1]);
    const xa = fig.layout.xaxis as Record<string, unknown>;
    assert.equal(xa.type, 'log');
    assert.deepEqual(xa.range, [1, 3]);
    assert.deepEqual(xa.title, { text: 'steps', standoff: 6 });
    assert.equal(fig.layout.width, 560);
    assert.equal(fig.layout.height, 380);
    assert.throws(() => figure([], { x: { log: true, range: [0, 10] } }), /log axis needs a positive range/);
  });

  it('explicit colours win; bars group with black error bars', () => {
    const fig = figure([bar({ x: ['a', 'b'], y: [1, 2], error: [0.1, 0.1], name: 'B1', color: '#123456' }), bar({ x: ['a', 'b'], y: [2, 1], name: 'B2' })]);
    assert.equal(fig.layout.barmode, 'group');
    assert.equal((fig.data[0].marker as { color: string }).color, '#123456');
    assert.equal((fig.data[0].error_y as { color: string }).color, '#000000');
    assert.equal((fig.data[1].marker as { color: string }).color, PALETTE[0], 'first palette colour is still free');
  });

  it('subplots: grid domains, anchors, panel titles, one colour and one legend entry per series', () => {
    const panel = (t: string) => ({ title: t, traces: [...line({ x: [1, 2], y: [1, 2], name: 'S' }), ...scatter({ x: [1], y: [1], name: 'P' })] });
    const fig = subplots([panel('a'), panel('b'), panel('c')], { cols: 2, y: { title: 'err' }, shareY: true });
    const L = fig.layout as Record<string, Record<string, unknown>>;
    assert.deepEqual(L.xaxis.domain, [0, 0.46]);
    assert.deepEqual(L.xaxis2.domain, [0.54, 1]);
    assert.deepEqual(L.yaxis.domain, [0.57, 1]);
    assert.deepEqual(L.yaxis3.domain, [0, 0.43]);
    assert.equal(L.xaxis3.anchor, 'y3');
    assert.equal(L.yaxis2.anchor, 'x2');
    assert.equal(L.yaxis2.matches, 'y');
    assert.deepEqual(L.yaxis3.title, { text: 'err', standoff: 6 });
    const ann = fig.layout.annotations as Array<Record<string, unknown>>;
    assert.deepEqual(ann.map((a) => a.text), ['<b>a</b>', '<b>b</b>', '<b>c</b>']);
    assert.equal(ann[1].x, 0.77);
    const s = fig.data.filter((t) => t.name === 'S');
    assert.deepEqual(s.map((t) => t.xaxis), ['x', 'x2', 'x3']);
    assert.deepEqual(s.map((t) => (t.line as { color: string }).color), [PALETTE[0], PALETTE[0], PALETTE[0]]);
    assert.deepEqual(s.map((t) => t.showlegend), [true, false, false]);
    assert.deepEqual(fig.data.filter((t) => t.name === 'P').map((t) => (t.marker as { color: string }).color), [PALETTE[1], PALETTE[1], PALETTE[1]]);
    assert.equal(fig.layout.width, 2 * 300 + 160);
    assert.equal(fig.layout.height, 2 * 280 + 40);
    assert.throws(() => subplots([]), /at least one panel/);
    assert.throws(() => subplots([panel('a')], { cols: 0 }), /cols/);
  });

  it('subplots: a heatmap colour bar sits beside its panel', () => {
    const fig = subplots([{ traces: [] }, { traces: heatmap({ z: [[1, 2], [3, 4]], textFormat: '.1f' }) }], { cols: 2 });
    const cb = fig.data[0].colorbar as Record<string, number>;
    assert.equal(cb.x, 1.01);
    assert.equal(cb.len, 1);
    assert.equal(fig.data[0].texttemplate, '%{z:.1f}');
  });

  it('toPlotlyJSON: typed arrays to arrays, NaN/Infinity to null, undefined dropped', () => {
    const f = toPlotlyJSON({ data: [{ x: new Float32Array([1, 2]) as unknown as number[], y: [NaN, Infinity], name: undefined }], layout: {} });
    assert.deepEqual(f.data[0], { x: [1, 2], y: [null, null] });
  });

  it('withAlpha, assignColors leave non-hex colours alone', () => {
    assert.equal(withAlpha('#0072B2', 0.2), 'rgba(0,114,178,0.2)');
    assert.equal(withAlpha('#fff', 0.5), 'rgba(255,255,255,0.5)');
    assert.equal(withAlpha('red', 0.5), 'red');
    const [t] = assignColors([{ type: 'scatter', mode: 'lines', fill: 'tozeroy', line: { color: 'red' } }]);
    assert.equal(t.fillcolor, 'red');
  });

  it('asFigure validates parsed JSON; figureSize falls back to the defaults', () => {
    assert.throws(() => asFigure([]), /expected an object/);
    assert.throws(() => asFigure({ layout: {} }), /'data' must be an array/);
    assert.throws(() => asFigure({ data: [], layout: 3 }), /'layout' must be an object/);
    const f = asFigure({ data: [{ type: 'scatter' }] });
    assert.deepEqual(f.layout, {});
    assert.deepEqual(figureSize(f), { width: 560, height: 380 });
    assert.deepEqual(figureSize({ data: [], layout: { width: 300.4, height: 200 } }, undefined, 100), { width: 300, height: 100 });
    assert.throws(() => figureSize(f, -1), /must be > 0/);
  });

  it('same input → identical spec JSON', () => {
    const mk = () => JSON.stringify(subplots([{ traces: line({ x: [1, 2], y: [3, 4], name: 'a', band: { lower: [2, 3], upper: [4, 5] } }) }]));
    assert.equal(mk(), mk());
  });
});

describe('plot/figure: greyscale-safe series and log ticks', () => {
  it('each series gets its own marker symbol (explicit symbols win)', async () => {
    const { figure, line, scatter, SYMBOLS } = await import('../../lib/plot/figure');
    const f = figure([line({ x: [1, 2], y: [1, 2], name: 'q64' }), line({ x: [1, 2], y: [2, 3], name: 'q128' }), scatter({ x: [1], y: [1], name: 'b', symbol: 'x' })]);
    const sym = f.data.map((t) => (t.marker as { symbol?: string }).symbol);
    assert.deepEqual(sym, [SYMBOLS[0], SYMBOLS[1], 'x']);
  });

  it('log axes get ticks at few distinct values or at 1-2-5 steps, compact labels', async () => {
    const { subplots, line, logTickValues, formatLogTick } = await import('../../lib/plot/figure');
    const f = subplots([{ traces: line({ x: [256, 1024, 4096, 16384], y: [0.05, 0.08, 0.12, 0.3], name: 'a' }), x: { log: true }, y: { log: true } }]);
    const xa = f.layout.xaxis as { tickvals: number[]; ticktext: string[] };
    assert.deepEqual(xa.tickvals, [256, 1024, 4096, 16384]);
    assert.deepEqual(xa.ticktext, ['256', '1K', '4K', '16K']);
    const ya = f.layout.yaxis as { tickvals: number[]; ticktext: string[] };
    assert.deepEqual(ya.tickvals, [0.02, 0.05, 0.1, 0.2, 0.5]); // one step beyond each end: plotly draws only those inside the range
    assert.deepEqual(ya.ticktext, ['0.02', '0.05', '0.1', '0.2', '0.5']);
    assert.deepEqual(logTickValues([0.002, 3]), [0.001, 0.01, 0.1, 1, 10]);
    assert.deepEqual(logTickValues([0.02, 3]), [0.01, 0.03, 0.1, 0.3, 1, 3, 10]);
    assert.equal(formatLogTick(2e-5), '2e−5');
    assert.equal(formatLogTick(20000), '20k');
  });
});

describe('plot/figure: legend entries across panels', () => {
  it('a series empty in the first panel takes its legend entry from a later panel', async () => {
    const { subplots, scatter } = await import('../../lib/plot/figure');
    const f = subplots([
      { traces: [scatter({ x: [], y: [], name: 'flipped' }), scatter({ x: [1], y: [1], name: 'kept' })] },
      { traces: [scatter({ x: [2], y: [-2], name: 'flipped' }), scatter({ x: [1], y: [1], name: 'kept' })] },
    ]);
    assert.deepEqual(f.data.map((t) => t.showlegend), [false, true, true, false]);
  });
});
