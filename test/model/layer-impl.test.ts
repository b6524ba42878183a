import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { enableFusedKernels } from '../../lib/engine/fused-kernels';
import { loadNativeAddon } from '../../lib/engine/native-addon';
import { disableNativeKernels, enableNativeKernels, nativeKernelsStatus } from '../../lib/engine/native-kernels';
import { attention, attentionParamsOf, attentionParamSpecs } from '../../lib/model/attention';
import { DiT, gatedResidual } from '../../lib/model/dit';
import { validateDiTConfig } from '../../lib/model/dit-config';
import { LayerImpl } from '../../lib/model/layer-impl';
import { layerNormModulate } from '../../lib/model/layer-norm';
import { mlp } from '../../lib/model/mlp';
import { paramSpecs } from '../../lib/model/params';
import { modelConfigFor } from '../../lib/model/presets';
import { ropeTables } from '../../lib/model/rope';
import { Rng, rngFor } from '../../lib/rng/rng';

function randn(rng: Rng, shape: number[], scale = 1): tf.Tensor {
  const v = new Float32Array(shape.reduce((x, y) => x * y, 1));
  for (let i = 0; i < v.length; i++) v[i] = scale * rng.normal();
  return tf.tensor(v, shape);
}

/** Values and gradients of f(inputs) (cotangent dy), with the kernels f ran. */
async function valuesAndKernels(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], dy: tf.Tensor): Promise<{ vals: Float32Array[]; kernels: Set<string> }> {
  let vals: Float32Array[] = [];
  const info = await tf.profile(() => {
    const out = [f(...xs), ...tf.grads(f)(xs, dy)];
    vals = out.map((t) => t.dataSync() as Float32Array);
    return out;
  });
  tf.dispose(info.result as tf.TensorContainer);
  return { vals, kernels: new Set(info.kernels.map((k) => k.name)) };
}

/** max |a − b| ≤ tol·(1 + max |b|) for every output. */
function assertClose(a: Float32Array[], b: Float32Array[], tol: number, what: string): void {
  assert.equal(a.length, b.length);
  b.forEach((bv, i) => {
    let diff = 0, ref = 0;
    for (let j = 0; j < bv.length; j++) {
      diff = Math.max(diff, Math.abs(a[i][j] - bv[j]));
      ref = Math.max(ref, Math.abs(bv[j]));
    }
    assert.ok(Number.isFinite(diff) && diff <= tol * (1 + ref), `${what} output ${i}: fused and composite disagree, max |diff| ${diff} > ${tol}·(1 + ${ref})`);
  });
}

const fusedNames = (k: Set<string>) => [...k].filter((n) => n.startsWith('Phylab'));

describe('model/layer-impl: fused vs composite vs reference', function () {
  this.timeout(60000);
  let previous = '';
  let kernelsWereOn = false;

  it('the model config names the implementation; absent = fused; other values are refused', () => {
    const cfg = modelConfigFor('q64', [8, 16, 16, 3]);
    assert.equal(cfg.impl, undefined, 'presets leave it absent (today\'s configs and checkpoints unchanged)');
    for (const impl of ['fused', 'composite', 'reference'] as LayerImpl[]) validateDiTConfig({ ...cfg, impl });
    assert.throws(() => validateDiTConfig({ ...cfg, impl: 'native' as LayerImpl }), /model\.impl must be one of 'fused', 'composite', 'reference'; got "native"/);
  });

  it('attention declares its parameters beside the layer, in the checkpoint order', () => {
    const cfg = modelConfigFor('q64', [8, 16, 16, 3]);
    const names = paramSpecs(cfg).map((s) => s.name);
    const attn = attentionParamSpecs('blocks.1.attn', cfg.hidden).map((s) => s.name);
    const at = names.indexOf('blocks.1.attn.q.w');
    assert.deepEqual(names.slice(at, at + 8), attn);
    assert.throws(() => attentionParamsOf({}, 'blocks.0.attn'), /missing parameter 'blocks\.0\.attn\.q\.w'/);
  });

  describe('on wasm with the fused kernels', () => {
    before(async function () {
      const off = ['PHYLAB_NATIVE_KERNELS', 'PHYLAB_FUSED_KERNELS'].find((e) => process.env[e] === '0');
      if (off || !loadNativeAddon()?.fused) {
        console.log(`      (skipped: ${off ? `${off}=0` : 'addon without fused kernels; run `node native/build.cjs --force`'})`);
        this.skip();
      }
      previous = tf.getBackend();
      await tf.setBackend('wasm');
      await tf.ready();
      kernelsWereOn = nativeKernelsStatus().enabled;
      assert.ok(enableNativeKernels().enabled);
      assert.ok(enableFusedKernels().enabled);
    });

    after(async function () {
      if (!previous) return;
      if (!kernelsWereOn) disableNativeKernels();
      await tf.setBackend(previous);
    });

    it('each layer: fused runs its kernels, composite none, and they agree (values and gradients) within float rounding; reference agrees too', async () => {
      const rng = rngFor(5, 'layer-impl');
      const [b, n, w, heads] = [2, 8, 64, 2];
      const rope = ropeTables([2, 2, 2], heads, w / heads, 10000);
      const attnX = [randn(rng, [b, n, w]), ...[0, 1, 2, 3].flatMap(() => [randn(rng, [w, w], 1 / Math.sqrt(w)), randn(rng, [w], 0.1)])];
      const layers: Array<{ name: string; xs: tf.Tensor[]; dy: tf.Tensor; f: (impl: LayerImpl) => (...a: tf.Tensor[]) => tf.Tensor; kernels: string[] }> = [
        {
          name: 'attention (RoPE)', xs: attnX, dy: randn(rng, [b, n, w]), kernels: ['PhylabAttnFwd', 'PhylabAttnBwd', 'PhylabRopeFwd', 'PhylabRopeBwd'],
          f: (impl) => (...a) => attention(a[0] as tf.Tensor3D, { wq: a[1], bq: a[2], wk: a[3], bk: a[4], wv: a[5], bv: a[6], wo: a[7], bo: a[8] }, heads, rope, impl),
        },
        {
          name: 'layerNormModulate', xs: [randn(rng, [b, n, w]), randn(rng, [b, 1, w], 0.1), randn(rng, [b, 1, w], 0.1)], dy: randn(rng, [b, n, w]), kernels: ['PhylabLnModFwd', 'PhylabLnModBwd'],
          f: (impl) => (x, s, c) => layerNormModulate(x as tf.Tensor3D, s as tf.Tensor3D, c as tf.Tensor3D, impl),
        },
        {
          name: 'mlp', xs: [randn(rng, [b, n, w]), randn(rng, [w, 4 * w], 0.1), randn(rng, [4 * w], 0.1), randn(rng, [4 * w, w], 0.05), randn(rng, [w], 0.1)], dy: randn(rng, [b, n, w]), kernels: ['PhylabGeluFwd', 'PhylabGeluBwd'],
          f: (impl) => (h, w1, b1, w2, b2) => mlp(h as tf.Tensor3D, w1, b1, w2, b2, impl),
        },
        {
          name: 'gatedResidual', xs: [randn(rng, [b, n, w]), randn(rng, [b, 1, w]), randn(rng, [b, n, w])], dy: randn(rng, [b, n, w]), kernels: ['PhylabGateFwd', 'PhylabGateBwd'],
          f: (impl) => (x, g, a) => gatedResidual(x as tf.Tensor3D, g as tf.Tensor3D, a as tf.Tensor3D, impl),
        },
      ];
      for (const l of layers) {
        const fused = await valuesAndKernels(l.f('fused'), l.xs, l.dy);
        const composite = await valuesAndKernels(l.f('composite'), l.xs, l.dy);
        const reference = await valuesAndKernels(l.f('reference'), l.xs, l.dy);
        for (const k of l.kernels) assert.ok(fused.kernels.has(k), `${l.name}: fused ran ${fusedNames(fused.kernels).join(' ') || 'no fused kernel'}, not ${k}`);
        assert.deepEqual(fusedNames(composite.kernels), [], `${l.name}: composite ran fused kernels`);
        assert.deepEqual(fusedNames(reference.kernels), [], `${l.name}: reference ran fused kernels`);
        assertClose(fused.vals, composite.vals, 1e-5, `${l.name} fused vs composite`);
        assertClose(reference.vals, composite.vals, 1e-4, `${l.name} reference vs composite`);
      }
      tf.dispose([...layers.flatMap((l) => [...l.xs, l.dy]), ...Object.values(rope)]);
    });

    it('the DiT with model.impl fused and composite: same loss and parameter gradients within float rounding', async () => {
      const base = modelConfigFor('q64', [8, 16, 16, 3]);
      const rng = rngFor(9, 'layer-impl-dit');
      const init = DiT.create(base, 3);
      const params = Object.fromEntries(Object.entries(init.params).map(([k, t]) => [k, tf.tidy(() => tf.add(t, randn(rng, t.shape, 0.05)))]));
      init.dispose();
      const [t, h, w, c] = base.latentShape;
      const inp = { xt: randn(rng, [2, t, h, w, c]) as tf.Tensor5D, cond: randn(rng, [2, t, h, w, c]) as tf.Tensor5D, mask: tf.ones([2, t, h, w, 1]) as tf.Tensor5D, t: tf.tensor1d([100, 700]) };
      const names = Object.keys(params);
      const run = async (impl: LayerImpl | undefined) => {
        const m = new DiT({ ...base, ...(impl ? { impl } : {}) }, Object.fromEntries(names.map((k) => [k, tf.clone(params[k])])));
        const loss = (...ps: tf.Tensor[]) => tf.mean(tf.square(m.apply(Object.fromEntries(names.map((k, i) => [k, ps[i]])), inp)));
        const r = await valuesAndKernels(loss, names.map((k) => m.params[k]), tf.scalar(1));
        m.dispose();
        return r;
      };
      const absent = await run(undefined);
      const fused = await run('fused');
      const composite = await run('composite');
      assert.ok(fusedNames(fused.kernels).length >= 8, `fused ran ${fusedNames(fused.kernels).join(' ')}`);
      assert.deepEqual(fusedNames(composite.kernels), []);
      assertClose(absent.vals, fused.vals, 0, 'absent vs fused (bit-identical)');
      assertClose(fused.vals, composite.vals, 1e-5, 'dit loss and gradients fused vs composite');
      tf.dispose([...Object.values(params), ...Object.values(inp)]);
    });
  });
});
