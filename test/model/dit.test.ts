import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { DiT } from '../../lib/model/dit';
import { DiTConfig, tokenGeometry } from '../../lib/model/dit-config';
import { countParams, paramSpecs } from '../../lib/model/params';
import { DIT_PRESETS, PAPER_LATENT_SHAPE, PAPER_PARAM_COUNTS, PROFILE_PRESETS, modelConfigFor } from '../../lib/model/presets';
import { ConfigError } from '../../lib/config/profile';
import { randn, useWasm } from './helpers';

function input(cfg: DiTConfig, b: number, seed: number) {
  const [t, h, w, c] = cfg.latentShape;
  return {
    xt: randn([b, t, h, w, c], seed) as tf.Tensor5D,
    cond: randn([b, t, h, w, c], seed + 1) as tf.Tensor5D,
    mask: tf.ones([b, t, h, w, 1]) as tf.Tensor5D,
    t: tf.tensor1d(Array.from({ length: b }, (_, i) => 100 * i + 7)),
  };
}

describe('model/dit', () => {
  before(useWasm);

  it('quick presets: 16 px, 8 frames, 4×4 patches = 128 tokens, head dim ≥ 32, exact parameter counts', () => {
    const want: Record<string, number> = { q64: 338032, q96: 737424, q128: 1290416 };
    for (const name of PROFILE_PRESETS.quick) {
      const cfg = modelConfigFor(name, [8, 16, 16, 3]);
      const g = tokenGeometry(cfg);
      assert.equal(g.tokens, 128);
      assert.equal(g.inDim, 16 * 7);
      assert.equal(g.outDim, 48);
      assert.ok(g.headDim >= 32);
      assert.equal(cfg.depth, 4);
      assert.equal(countParams(cfg), want[name], name);
    }
  });

  it('paper presets have the paper layers/width/heads and parameter counts within 5% (paper token shape)', () => {
    const tab1: Record<string, [number, number, number]> = { 'DiT-S': [12, 384, 6], 'DiT-B': [12, 768, 12], 'DiT-L': [24, 1024, 16], 'DiT-XL': [28, 1152, 16] };
    for (const name of PROFILE_PRESETS.paper) {
      const p = DIT_PRESETS[name];
      assert.deepEqual([p.depth, p.hidden, p.heads], tab1[name]);
      const cfg = modelConfigFor(name, PAPER_LATENT_SHAPE);
      assert.equal(tokenGeometry(cfg).tokens, 512);
      const n = countParams(cfg);
      const rel = Math.abs(n - PAPER_PARAM_COUNTS[name]) / PAPER_PARAM_COUNTS[name];
      assert.ok(rel < 0.05, `${name}: ${n} params vs paper ${PAPER_PARAM_COUNTS[name]} (${(rel * 100).toFixed(1)}% off)`);
      assert.ok(rel < 0.005, `${name}: expected the adaLN-single layout to land within 0.5%, got ${(rel * 100).toFixed(2)}%`);
    }
    // the same sizes with per-block adaLN-Zero would miss Tab 1 by far
    const perBlock = countParams({ ...modelConfigFor('DiT-S', PAPER_LATENT_SHAPE), adaln: 'block' });
    assert.ok(perBlock > 1.3 * PAPER_PARAM_COUNTS['DiT-S']);
  });

  for (const variant of [{ pos: 'rope', adaln: 'block' }, { pos: 'learned', adaln: 'single' }] as const) {
    it(`forward shape, zero output at init (adaLN-Zero), tensor sizes = count (${variant.pos}, ${variant.adaln})`, () => {
      const cfg = { ...modelConfigFor('tiny', [4, 8, 8, 3]), ...variant };
      const m = DiT.create(cfg, 3);
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const y = m.forward(input(cfg, 2, 5));
        assert.deepEqual(y.shape, [2, 4, 8, 8, 3]);
        assert.equal(tf.max(tf.abs(y)).dataSync()[0], 0, 'zero-initialised final layer gives v̂ = 0');
      });
      assert.equal(tf.memory().numTensors, before, 'forward leaks no tensors');
      const total = Object.values(m.params).reduce((s, t) => s + t.size, 0);
      assert.equal(total, m.numParams());
      assert.deepEqual(Object.keys(m.params), paramSpecs(cfg).map((s) => s.name));
      m.dispose();
    });
  }

  it('seeded initialisation: same seed same bytes, golden sums; another seed differs', () => {
    const cfg = modelConfigFor('tiny', [8, 16, 16, 3]);
    const a = DiT.create(cfg, 1);
    const b = DiT.create(cfg, 1);
    const c = DiT.create(cfg, 2);
    for (const k of Object.keys(a.params)) assert.deepEqual(a.params[k].dataSync(), b.params[k].dataSync(), k);
    assert.notDeepEqual(a.params['x_embed.w'].dataSync(), c.params['x_embed.w'].dataSync());
    const sumAbs = (t: tf.Tensor) => tf.tidy(() => tf.sum(tf.abs(t)).dataSync()[0]);
    assert.ok(Math.abs(sumAbs(a.params['x_embed.w']) - 372.8751) < 1e-3, `x_embed.w golden: ${sumAbs(a.params['x_embed.w'])}`);
    assert.ok(Math.abs(sumAbs(a.params['t_embed.fc1.w']) - 131.6134) < 1e-3, `t_embed golden: ${sumAbs(a.params['t_embed.fc1.w'])}`);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('a trained-looking model (random non-zero weights) depends on the conditioning and the timestep', () => {
    const cfg = modelConfigFor('tiny', [4, 8, 8, 3]);
    const m = DiT.create(cfg, 4);
    // perturb the zero-initialised layers so the output is non-trivial
    m.setParams(Object.fromEntries(Object.entries(m.params).map(([k, t]) => [k, tf.tidy(() => tf.add(t, randn(t.shape, k.length, 0.05)))])));
    tf.tidy(() => {
      const inp = input(cfg, 2, 9);
      const y0 = m.forward(inp);
      const y1 = m.forward({ ...inp, cond: tf.mul(inp.cond, 0.5) as tf.Tensor5D });
      const y2 = m.forward({ ...inp, t: tf.tensor1d([500, 900]) });
      assert.ok(tf.max(tf.abs(tf.sub(y0, y1))).dataSync()[0] > 1e-4, 'conditioning matters');
      assert.ok(tf.max(tf.abs(tf.sub(y0, y2))).dataSync()[0] > 1e-4, 'timestep matters');
    });
    m.dispose();
  });

  it('rejects bad configs with the field name', () => {
    assert.throws(() => modelConfigFor('tiny', [8, 16, 15, 3]), (e: Error) => e instanceof ConfigError && /model\.patch/.test(e.message));
    assert.throws(() => modelConfigFor('q64', [8, 16, 16, 3], { heads: 3 }), /model\.heads/);
    assert.throws(() => modelConfigFor('nope', [8, 16, 16, 3]), /unknown model preset 'nope'; allowed: tiny/);
  });
});
