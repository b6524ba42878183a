import { strict as assert } from 'node:assert';
import Module from 'node:module';
import { configureDisplay, describeFigure, detailsMarkdown, displayBundle, figureHtml, inNotebook, PLOTLY_MIME, responsiveSpec, showFigure, showMarkdown, showPng, showTable, showText } from '../../lib/plot/display';
import { figure, line } from '../../lib/plot/figure';

type Msg = { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> };

/** Pretend to be a tslab kernel: a loaded tslab/dist/jupyter.js whose display hook records messages. */
function fakeKernel(): { messages: Msg[]; remove(): void } {
  const key = '/fake/node_modules/tslab/dist/jupyter.js';
  const messages: Msg[] = [];
  const m = new Module(key);
  m.exports = { lastWriteDisplayData: (msg: Msg, update: boolean) => { assert.equal(update, false); messages.push(msg); } };
  require.cache[key] = m;
  return { messages, remove: () => delete require.cache[key] };
}

const fig = figure([line({ x: [1, 2], y: [3, 4], name: 'a</script>' })], { title: 'T' });

describe('plot/display', () => {
  it('outside tslab every show*() is a silent no-op', () => {
    assert.equal(inNotebook(), false);
    assert.doesNotThrow(() => {
      showFigure(fig);
      showMarkdown('# x');
      showPng(new Uint8Array([1]));
      showTable([{ a: 1 }]);
      showText('x');
    });
    assert.equal(displayBundle({ 'text/plain': 'x' }), false);
  });

  it('inside tslab: one message with plotly JSON, HTML, plain text (and PNG when given)', () => {
    const k = fakeKernel();
    try {
      assert.equal(inNotebook(), true);
      assert.equal(showFigure(fig, { png: new Uint8Array([137, 80, 78, 71]) }), undefined, 'nothing for tslab to echo');
      assert.equal(k.messages.length, 1);
      const d = k.messages[0].data;
      assert.deepEqual(Object.keys(d).sort(), ['application/vnd.plotly.v1+json', 'image/png', 'text/html', 'text/plain']);
      assert.deepEqual((d[PLOTLY_MIME] as { data: unknown[] }).data.length, 1);
      assert.equal(d['image/png'], 'iVBORw==');
      assert.equal(d['text/plain'], "Figure 'T' (1 trace, 560×380 px)");
      const html = d['text/html'] as string;
      assert.ok(html.includes('<img src="data:image/png;base64,iVBORw=="'), 'static fallback image');
      assert.ok(!/<\/script>[\s\S]*<\/script>/.test(html), 'the figure JSON cannot close the script early');
      assert.ok(html.includes('"node_modules/plotly.js-dist/plotly.js"'));

      showPng(new Uint8Array([1, 2]), { width: 300 });
      assert.deepEqual(k.messages[1].data, { 'image/png': 'AQI=', 'text/plain': '[PNG image]' });
      assert.deepEqual(k.messages[1].metadata, { 'image/png': { width: 300 } });

      showTable({ a: [1.5], b: ['x'] }, { caption: 'c' });
      assert.ok((k.messages[2].data['text/html'] as string).startsWith('<table'));
      assert.equal(k.messages[2].data['text/plain'], 'c\n  a  b\n---  -\n1.5  x');

      showMarkdown('**m**');
      assert.deepEqual(k.messages[3].data, { 'text/html': '<p><strong>m</strong></p>', 'text/markdown': '**m**', 'text/plain': '**m**' }, 'HTML too: untrusted classic Notebook skips text/markdown');
      showText('t');
      assert.deepEqual(k.messages[4].data, { 'text/plain': 't' });
    } finally {
      k.remove();
    }
    assert.equal(inNotebook(), false);
  });

  it('figureHtml: configurable plotly URL, unique ids, base-url aware loader', () => {
    const a = figureHtml(fig, { plotlyUrl: '/static/plotly.js' });
    const b = figureHtml(fig, { plotlyUrl: '/static/plotly.js' });
    const id = (h: string) => /<div id="([^"]+)"/.exec(h)![1];
    assert.notEqual(id(a), id(b));
    assert.match(id(a), new RegExp(`^phylab-fig-${process.pid}-\\d+-[0-9a-f]{8}$`));
    assert.ok(a.includes('"/static/plotly.js"'));
    assert.ok(a.includes("getAttribute('data-base-url')"));
    assert.ok(a.includes('jupyter-config-data'));
    assert.ok(a.includes('min-height:380px'));
    const prev = configureDisplay({}).plotlyUrl;
    try {
      assert.equal(configureDisplay({ plotlyUrl: 'lib/plotly.js' }).plotlyUrl, 'lib/plotly.js');
      assert.throws(() => configureDisplay({ plotlyUrl: ' ' }), /non-empty/);
    } finally {
      configureDisplay({ plotlyUrl: prev });
    }
  });

  it('notebook figures are responsive: no fixed width, the designed width kept as the maximum', () => {
    const r = responsiveSpec(fig);
    assert.equal(r.layout.width, undefined);
    assert.equal(r.layout.autosize, true);
    assert.equal(r.layout.height, 380);
    assert.equal((r.config as { responsive: boolean }).responsive, true);
    assert.equal(fig.layout.width, 560, 'the input is not changed');
    const h = figureHtml(r, { plotlyUrl: 'p.js', png: new Uint8Array([1]) });
    assert.ok(h.includes('width:100%;max-width:560px'), h.slice(0, 200));
    assert.ok(h.includes('style="width:100%;height:auto"'));
    assert.ok(h.includes("el.querySelector('img')"), 'a failed plotly load keeps the static image quietly (nbconvert HTML)');
    assert.equal(describeFigure(r), "Figure 'T' (1 trace, 560×380 px)");
  });

  it('detailsMarkdown folds the body behind one line', () => {
    assert.equal(detailsMarkdown('**run** x', 'a\n\nb'), '**run** x\n\n<details><summary>details</summary>\n\na\n\nb\n\n</details>');
  });

  it('describeFigure counts panels', () => {
    assert.equal(describeFigure({ data: [], layout: { xaxis: {}, xaxis2: {}, width: 10, height: 20 } }), 'Figure (2 panels, 0 traces, 10×20 px)');
  });
});
