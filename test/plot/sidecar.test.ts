import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSidecar, sha256, stripExtension, writeSidecar } from '../../lib/plot/sidecar';
import { gitCommit } from '../../lib/runtime/provenance';

describe('plot/sidecar', () => {
  it('records config, seed, commit, date, relative file names and checksums', () => {
    const before = Date.now();
    const s = buildSidecar('/x/figs/fig2', {
      kind: 'figure',
      files: { svg: '/x/figs/fig2.svg', png: '/x/figs/fig2.png' },
      contents: { svg: '<svg/>', png: new Uint8Array([1, 2, 3]) },
      config: { model: { depth: 4 } },
      seed: 11,
      extra: { width: 100 },
    });
    assert.equal(s.kind, 'figure');
    assert.equal(s.name, 'fig2');
    assert.deepEqual(s.files, { svg: 'fig2.svg', png: 'fig2.png' });
    assert.equal(s.sha256.svg, 'd4dc56669143034f31aa309635d4113d9ad76a02b1739da22c965ed2049be9e6');
    assert.equal(sha256('<svg/>'), s.sha256.svg);
    assert.equal(s.sha256.png, '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81');
    assert.deepEqual(s.config, { model: { depth: 4 } });
    assert.equal(s.seed, 11);
    assert.equal(s.commit, gitCommit());
    assert.match(s.commit, /^([0-9a-f]{12}(-dirty)?|unknown)$/);
    assert.ok(Date.parse(s.date) >= before - 1000 && /Z$/.test(s.date));
    assert.equal(s.width, 100);
    assert.equal(s.node, process.version);
  });

  it('defaults config and seed to null; writeSidecar writes <base>.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-sidecar-'));
    try {
      const p = writeSidecar(join(dir, 'a', 'b'), { kind: 'table', files: {}, contents: {} });
      assert.equal(p, join(dir, 'a', 'b.json'));
      const s = JSON.parse(readFileSync(p, 'utf8'));
      assert.equal(s.config, null);
      assert.equal(s.seed, null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stripExtension', () => {
    assert.equal(stripExtension('out/f.SVG', ['svg', 'png']), 'out/f');
    assert.equal(stripExtension('out/f.v2', ['svg']), 'out/f.v2');
  });
});
