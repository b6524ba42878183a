import { strict as assert } from 'node:assert';
import { exportedMarkdown } from '../../lib/plot/display';
import { PALETTE } from '../../lib/plot/figure';
import { floorLine, identityLine, ROLE_COLOURS, trainingBand } from '../../lib/plot/roles';

describe('plot/roles', () => {
  it('role colours are the palette where they stand for a palette colour', () => {
    assert.equal(ROLE_COLOURS.generated, PALETTE[0]);
    assert.equal(ROLE_COLOURS.highlight, PALETTE[1]);
    assert.match(ROLE_COLOURS.training, /^rgba\(0,158,115,/); // PALETTE[2] #009E73 with alpha
  });

  it('reference traces carry their role colour', () => {
    const band = trainingBand(1, 2, 0, 5);
    assert.equal(band.fillcolor, ROLE_COLOURS.training);
    assert.equal(band.name, 'training speeds');
    assert.equal(trainingBand(1, 2, 0, 5, { strong: true, vertical: true }).fillcolor, ROLE_COLOURS.trainingStrong);
    const id = identityLine([0, 4]);
    assert.equal((id[0].line as { color: string }).color, ROLE_COLOURS.reference);
    assert.deepEqual(id[0].x, [0, 4]);
    const fl = floorLine([1, 10, 100], 0.5, 'floor', { secondary: true });
    assert.deepEqual(fl[0].x, [1, 100]);
    assert.deepEqual(fl[0].y, [0.5, 0.5]);
    assert.equal((fl[0].line as { color: string; dash: string }).dash, 'dot');
  });

  it('names every exported file once, in order', () => {
    assert.equal(exportedMarkdown({ files: { png: 'a.png', pdf: 'a.pdf' } }, { files: { csv: 't.csv' } }), 'Exported: `a.png`, `a.pdf`, `t.csv`');
  });
});
