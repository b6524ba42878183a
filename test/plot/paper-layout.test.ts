import { strict as assert } from 'node:assert';
import { line, subplots } from '../../lib/plot/figure';
import { paperLayout, PAPER_PRESETS, PX_PER_PT } from '../../lib/plot/paper-layout';

const panels = [1, 2, 3, 4, 5].map((k) => ({
  title: `panel ${k}`,
  traces: line({ x: [256, 1024, 4096], y: [0.3 / k, 0.2 / k, 0.1 / k], name: k % 2 ? 'q64' : 'q128' }),
  x: { title: 'videos', log: true },
  y: { title: 'error', log: true },
}));
const wide = subplots(panels, { cols: 5, title: 'T', panelWidth: 300 });

describe('plot/paper-layout', () => {
  it('single column: 240 pt, 8 pt fonts, panels wrapped into rows, title dropped, legend below', () => {
    const f = paperLayout(wide, PAPER_PRESETS.single);
    assert.equal(f.layout.width, Math.round(240 * PX_PER_PT));
    assert.equal((f.layout.font as { size: number }).size, 8 * PX_PER_PT);
    assert.equal(f.layout.title, undefined);
    const xd = [1, 2, 3, 4, 5].map((i) => (f.layout[`xaxis${i === 1 ? '' : i}`] as { domain: number[] }).domain);
    const cols = new Set(xd.map((d) => d[0])).size;
    assert.equal(cols, 2, 'two columns fit 240 pt');
    for (const d of xd) assert.ok(d[0] >= 0 && d[1] <= 1 && d[1] > d[0]);
    const legend = f.layout.legend as { orientation: string; y: number };
    assert.equal(legend.orientation, 'h');
    assert.ok(legend.y < 0, 'under the plot');
    const ann = f.layout.annotations as Array<{ text: string; x: number; font: { size: number } }>;
    assert.equal(ann.length, 5);
    assert.ok(ann.every((a) => a.font.size === 8 * PX_PER_PT));
    assert.ok(Math.abs(ann[0].x - (xd[0][0] + xd[0][1]) / 2) < 1e-6, 'panel title follows its panel');
    const yTitled = [1, 2, 3, 4, 5].filter((i) => (f.layout[`yaxis${i === 1 ? '' : i}`] as { title?: unknown }).title);
    assert.deepEqual(yTitled, [1, 3, 5], 'a shared y title once per row');
    assert.ok((f.layout.xaxis as { tickvals: number[] }).tickvals.length === 3, 'log ticks at the data sizes');
    assert.equal(wide.layout.width, 1660, 'input unchanged');
  });

  it('double column keeps more panels per row; bad sizes are errors naming the field', () => {
    const f = paperLayout(wide, PAPER_PRESETS.double);
    const cols = new Set([1, 2, 3, 4, 5].map((i) => (f.layout[`xaxis${i === 1 ? '' : i}`] as { domain: number[] }).domain[0])).size;
    assert.ok(cols >= 3, `cols ${cols}`);
    assert.throws(() => paperLayout(wide, { widthPt: 50, fontPt: 8 }), /widthPt: must be in \[100, 2000\]/);
    assert.throws(() => paperLayout(wide, { widthPt: 240, fontPt: 30 }), /fontPt: must be in \[5, 14\]/);
  });
});
