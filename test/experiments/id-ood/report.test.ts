import { strict as assert } from 'node:assert';
import type { Row } from '../../../lib/experiments/core/experiment';
import { aggregate, comparisonTable, criterionMarkdown, fig3, floors, GAP_KEPT, verdict, verdictMarkdown } from '../../../lib/experiments/id-ood/report';
import { PAPER_FIG3 } from '../../../lib/experiments/id-ood/paper-numbers';

/** Rows for one scenario: model → dataSize → seed → [id, ood-v] errors. */
function rows(cells: Array<[string, number, number, number, number]>, floor = 0.05): Row[] {
  const out: Row[] = [
    { scenario: 'uniform', model: 'gt', dataSize: null, seed: null, split: 'gt', set: 'id', velocityError: floor, velocityErrorMask: floor, n: 10, nanCount: 0 },
    { scenario: 'uniform', model: 'gt', dataSize: null, seed: null, split: 'gt', set: 'ood-v', velocityError: floor, velocityErrorMask: floor, n: 10, nanCount: 0 },
  ];
  for (const [model, n, seed, id, ood] of cells) {
    out.push({ scenario: 'uniform', model, dataSize: n, seed, split: 'id', set: 'id', velocityError: id, velocityErrorMask: id, n: 10, nanCount: 0 });
    out.push({ scenario: 'uniform', model, dataSize: n, seed, split: 'ood-v', set: 'ood-v', velocityError: ood, velocityErrorMask: ood, n: 10, nanCount: 0 });
  }
  return out;
}

describe('experiments/id-ood-report', () => {
  it('aggregates seeds into mean and a 95% t-interval', () => {
    const c = aggregate(rows([['q64', 100, 1, 0.2, 2], ['q64', 100, 2, 0.4, 2]])).find((x) => x.group === 'id')!;
    assert.ok(Math.abs(c.mean - 0.3) < 1e-12);
    assert.equal(c.seeds, 2);
    assert.ok(Math.abs(c.ci - (12.706 * Math.sqrt(0.02)) / Math.sqrt(2)) < 1e-9);
    assert.deepEqual(floors(rows([])).map((f) => f.group), ['id', 'ood']);
  });

  it("orders scenarios as the paper does (uniform, collision, parabola) in cells, tables and the verdict", () => {
    const base = rows([['q64', 100, 1, 0.2, 2], ['q64', 400, 1, 0.1, 2]]);
    const as = (scenario: string) => base.map((r) => ({ ...r, scenario }));
    const all = [...as('parabola'), ...as('uniform'), ...as('collision')];
    const order = (xs: ReadonlyArray<object>) => [...new Set(xs.map((x) => String((x as { scenario?: unknown }).scenario)))];
    assert.deepEqual(order(aggregate(all)), ['uniform', 'collision', 'parabola']);
    assert.deepEqual(order(comparisonTable(all).filter((r) => r.source === 'ours')), ['uniform', 'collision', 'parabola']);
    assert.deepEqual(order(verdict(all)), ['uniform', 'collision', 'parabola']);
  });

  it('says reproduced when ID falls with data and model, OOD is ≥ 5x ID and flat', () => {
    const r = rows([
      ['q64', 100, 1, 0.4, 3],
      ['q64', 1000, 1, 0.2, 3],
      ['q128', 100, 1, 0.3, 3],
      ['q128', 1000, 1, 0.1, 3],
    ]);
    const [v] = verdict(r);
    assert.equal(v.idFallsWithData, true);
    assert.equal(v.idFallsWithModel, true);
    assert.equal(v.oodFlatterThanId, true);
    assert.equal(v.reproduced, true);
    assert.match(verdictMarkdown(r), /uniform: reproduced/);
  });

  it("judges the paper's own Fig 3 numbers reproduced in every scenario (the criterion is calibrated on them)", () => {
    const r: Row[] = [];
    for (const p of PAPER_FIG3) {
      const model = p.model === 'GT' ? 'gt' : p.model;
      const base = { scenario: p.scenario, model, dataSize: p.dataSize, seed: p.model === 'GT' ? null : 1, n: 10, nanCount: 0 };
      r.push({ ...base, split: p.model === 'GT' ? 'gt' : 'id', set: 'id', velocityError: p.id, velocityErrorMask: p.id });
      if (p.ood !== null) r.push({ ...base, split: p.model === 'GT' ? 'gt' : 'ood-v', set: 'ood-v', velocityError: p.ood, velocityErrorMask: p.ood });
    }
    const vs = verdict(r);
    assert.deepEqual(vs.map((v) => v.scenario).sort(), ['collision', 'parabola', 'uniform']);
    for (const v of vs) {
      assert.equal(v.reproduced, true, `${v.scenario}: ${JSON.stringify(v)}`);
      assert.ok(Object.values(v.gapRatio).every((g) => g >= GAP_KEPT));
    }
    // with a strict "OOD falls less than ID" (gap ratio ≥ 1) the paper's uniform DiT-S would fail
    const u = vs.find((v) => v.scenario === 'uniform')!;
    assert.ok(u.gapRatio['DiT-S'] < 1 && u.gapRatio['DiT-S'] > 0.97);
    const all = vs.flatMap((v) => Object.values(v.gapRatio));
    assert.ok(Math.min(...all) > 0.93 && Math.max(...all) < 1.5, `gap ratios ${Math.min(...all)}–${Math.max(...all)}`);
  });

  it('states the criterion with the thresholds the verdict uses', () => {
    const md = criterionMarkdown();
    assert.match(md, /< 0\.95/);
    assert.match(md, /×5/);
    assert.match(md, new RegExp(`≥ ${GAP_KEPT} ×`));
  });

  it('says the OOD/ID gap closes when OOD falls clearly more than ID', () => {
    const [v] = verdict(rows([
      ['q64', 100, 1, 0.4, 4],
      ['q64', 1000, 1, 0.2, 1.4],
    ]));
    assert.ok(Math.abs(v.gapRatio.q64 - 0.7) < 1e-12);
    assert.equal(v.oodFlatterThanId, false);
    assert.equal(v.reproduced, false);
  });

  it('says not reproduced, with numbers, when ID does not fall with data', () => {
    const r = rows([
      ['q64', 100, 1, 0.5, 2.3],
      ['q64', 1000, 1, 0.52, 2.4],
    ]);
    const [v] = verdict(r);
    assert.equal(v.idFallsWithData, false);
    assert.equal(v.reproduced, false);
    const md = verdictMarkdown(r);
    assert.match(md, /not reproduced at this scale/);
    assert.match(md, /×1\.04/);
    assert.match(md, /moot: ID does not fall with data either/);
    assert.match(md, /×10\.0 the ground-truth floor; the paper's best: ×1\.25 its floor — ours is still far above its floor/);
  });

  it('puts the paper numbers beside ours and builds the Fig 3 panels', () => {
    const r = rows([['q64', 100, 1, 0.4, 3], ['q64', 1000, 1, 0.2, 3]]);
    const t = comparisonTable(r);
    assert.ok(t.some((x) => x.source === 'paper' && x.model === 'DiT-L' && x.dataSize === 3e6 && x.id === 0.0124));
    assert.ok(t.some((x) => x.source === 'ours' && x.model === 'q64' && x.oodOverId === 7.5));
    const f = fig3(r);
    assert.equal(f.data.filter((d) => (d as { name?: string }).name === 'q64').length, 2, 'one q64 line per panel (ID, OOD)');
  });
});

describe('experiments/id-ood-report scale notes', () => {
  it('describes the clip, steps and per-scenario frame interval read from the config', async () => {
    const { scaleNotesMarkdown } = await import('../../../lib/experiments/id-ood/report');
    const { defaultIdOodConfig } = await import('../../../lib/experiments/id-ood/experiment');
    const quick = scaleNotesMarkdown(defaultIdOodConfig('quick'));
    assert.match(quick, /16 px, 8 frames \(3 conditioning\); the models diffuse the latents of a frame VAE trained per scenario \(16×16×3 → 4×4×8, 30000 steps\).*; 1×2×2 patches = 32 tokens/);
    assert.match(scaleNotesMarkdown({ ...defaultIdOodConfig('quick'), latent: 'pixel' }), /diffuse pixels; 1×4×4 patches = 128 tokens/);
    assert.match(quick, /15000 steps of batch 32 \(480,000 clip presentations/);
    assert.match(quick, /uniform 30 \(0\.30 s per frame, 2\.1 s per clip\); collision 15/);
    assert.match(quick, /uniform 0\.48–1\.92 px/);
    const changed = scaleNotesMarkdown({ ...defaultIdOodConfig('quick'), frameStride: { uniform: 10, collision: 10, parabola: 10 } });
    assert.match(changed, /uniform 0\.16–0\.64 px/);
    assert.doesNotMatch(changed, /shorter interval/);
  });
});

describe('experiments/id-ood-report speed pulls', () => {
  it('says where out-of-range speeds land (uniform and parabola), from the points', async () => {
    const { speedPulls, speedPullMarkdown } = await import('../../../lib/experiments/id-ood/report');
    const pt = (set: string, t: number, g: number) => ({ set, index: 0, seed: 1, radius: 1, trueVx: t, generatedVx: g });
    const pulls = speedPulls([
      { scenario: 'uniform', model: 'q64', dataSize: 1024, seeds: [1], points: [pt('id', 2, 2.1), pt('ood-v', 5, 3.9), pt('ood-v', 6, 4.5), pt('ood-v', 0.5, 1.2)] },
      { scenario: 'collision', model: 'q64', dataSize: 1024, seeds: [1], points: [pt('ood-v1', 6, 3)] },
    ]);
    assert.equal(pulls.length, 2, 'collision has no single speed range');
    const above = pulls.find((p) => p.side === 'above')!;
    assert.deepEqual([above.n, above.meanTrue, above.meanGenerated, above.insideShare], [2, 5.5, 4.2, 0.5]);
    const below = pulls.find((p) => p.side === 'below')!;
    assert.deepEqual([below.n, below.insideShare], [1, 1]);
    assert.match(speedPullMarkdown(pulls), /2 conditions above .* generated mean 4\.20 u\/s; 50%/);
    assert.match(speedPullMarkdown(pulls), /1 condition below/);
  });

  it('gives each evaluation set one colour across the speed-response panels', async () => {
    const { speedResponseFigure } = await import('../../../lib/experiments/id-ood/report');
    const pt = (set: string, t: number, g: number) => ({ set, index: 0, seed: 1, radius: 1, trueVx: t, generatedVx: g });
    const fig = speedResponseFigure([
      { scenario: 'uniform', model: 'q64', dataSize: 1024, seeds: [1], points: [pt('id', 2, 2.1), pt('ood-v', 5, 3.9)] },
      { scenario: 'collision', model: 'q64', dataSize: 1024, seeds: [1], points: [pt('id', 2, 2), pt('ood-v1', 6, 3), pt('ood-v1+v2', 6, 3)] },
      { scenario: 'parabola', model: 'q64', dataSize: 1024, seeds: [1], points: [pt('id', 2, 2), pt('ood-v', 5, 3)] },
    ]);
    const colour = new Map<string, Set<string>>();
    for (const t of fig.data as Array<{ mode?: string; name?: string; marker?: { color?: string } }>) {
      if (t.mode !== 'markers' || !t.name) continue;
      if (!colour.has(t.name)) colour.set(t.name, new Set());
      colour.get(t.name)!.add(String(t.marker?.color));
    }
    assert.deepEqual([...colour.keys()].sort(), ['id', 'ood-v', 'ood-v1', 'ood-v1+v2']);
    for (const [name, cs] of colour) assert.equal(cs.size, 1, `${name} has one colour in every panel`);
    const distinct = new Set([...colour.values()].map((cs) => [...cs][0]));
    assert.equal(distinct.size, 4, 'different sets, different colours');
    const legend = (fig.data as Array<{ name?: string; showlegend?: boolean }>).filter((t) => t.name && t.showlegend !== false).map((t) => t.name);
    assert.equal(legend.length, new Set(legend).size, 'one legend entry per name');
    assert.ok(legend.includes('ood-v1+v2') && legend.includes('generated = true'));
  });
});

describe('experiments/id-ood-report VAE floor', () => {
  it('keeps VAE-reconstruction rows out of the trained cells and shows them as a second floor', () => {
    const r = rows([['q64', 100, 1, 0.4, 3], ['q64', 1000, 1, 0.2, 3]]);
    r.push({ scenario: 'uniform', model: 'vae', dataSize: null, seed: null, split: 'vae', set: 'id', velocityError: 0.08, velocityErrorMask: 0.1, n: 10, nanCount: 0 });
    r.push({ scenario: 'uniform', model: 'vae', dataSize: null, seed: null, split: 'vae', set: 'ood-v', velocityError: 0.12, velocityErrorMask: 0.1, n: 10, nanCount: 0 });
    assert.ok(aggregate(r).every((c) => c.model === 'q64'));
    assert.deepEqual(floors(r, 'velocityError', 'vae'), [{ scenario: 'uniform', group: 'id', floor: 0.08 }, { scenario: 'uniform', group: 'ood', floor: 0.12 }]);
    const t = comparisonTable(r).find((x) => x.model === 'VAE recon')!;
    assert.deepEqual([t.id, t.ood], [0.08, 0.12]);
    assert.ok(fig3(r).data.some((d) => String(d.name).startsWith('VAE reconstruction')));
    assert.match(verdictMarkdown(r), /×4\.0 the ground-truth floor \(×2\.5 the VAE-reconstruction floor\)/);
  });
});

describe('experiments/id-ood-report floors and paper ratios (issue #17 items 5-6)', () => {
  it("states the paper's OOD/ID range per scenario, not one range for all", async () => {
    const { paperRatioText } = await import('../../../lib/experiments/id-ood/report');
    assert.equal(paperRatioText('uniform'), '×15.9–34.4');
    assert.match(paperRatioText('collision'), /^×6\.7–11\.6$/);
    assert.match(paperRatioText('parabola'), /^×5\.8–10\.2$/);
  });

  it('tables the floors under every parser the rows carry, and ID over floor like for like', async () => {
    const { floorTable, idOverFloorMarkdown, idOverFloorTable } = await import('../../../lib/experiments/id-ood/report');
    const r = rows([['q64', 100, 1, 0.1, 1]], 0.05);
    r[0] = { ...r[0], velocityErrorPaper: 0.2, nanCountDropLast: 3 };
    const ft = floorTable(r);
    assert.deepEqual(ft.map((x) => x.set), ['id', 'ood-v']);
    assert.deepEqual([ft[0].ours, ft[0].paperCode, ft[0].paperPublished, ft[0].unparseableLastDropped], [0.05, 0.2, 0.0099, 3]);
    assert.equal(ft[1].paperCode, null, 'a floor unit without the paper-code parser shows nothing, not 0');
    const t = idOverFloorTable(r);
    assert.deepEqual(t.map((x) => x.likeForLike), ["no: not the paper's parser", "no: not the paper's parser", 'same parser (clip differs)']);
    assert.ok(Math.abs((t[0].oursRatio as number) - 2) < 1e-12);
    assert.equal(t[0].paperRatio, null, "the paper's ratio sits only beside the same parser");
    // trained cells scored before the paper-code column: n/a, never a ratio to the wrong parser's ID
    assert.equal(t[2].oursRatio, null);
    assert.ok(Math.abs((t[2].paperRatio as number) - 0.0124 / 0.0099) < 1e-12);
    const withPaper = r.map((x) => (x.model === 'q64' && x.set === 'id' ? { ...x, velocityErrorPaper: 0.3 } : x));
    assert.ok(Math.abs((idOverFloorTable(withPaper)[2].oursRatio as number) - 1.5) < 1e-12);
    const md = idOverFloorMarkdown(r, { size: 16, paperScale: [{ scenario: 'uniform', size: 128, frames: 32, ours: 0.0001, maskGrid: 0.0017, paperCode: 0.019, paperPublished: 0.0099, videos: 8, unparseable: 0, unparseableLastDropped: 0 }] });
    assert.match(md, /only the paper-code row is, and our trained cells have no paper-code error yet/);
    assert.match(md, /×8 larger at our 16 px/);
    assert.match(md, /uniform ×5\.8 the bias-free mask floor/);
    assert.match(idOverFloorMarkdown([]), /No trained cells/);
  });
});
