import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  FUSED_KERNEL_NAMES, disableFusedKernels, enableFusedKernels, fusedKernelReady, fusedKernelsStatus, runFused,
} from '../../lib/engine/fused-kernels';
import { loadNativeAddon } from '../../lib/engine/native-addon';
import { disableNativeKernels, enableNativeKernels, nativeKernelsStatus } from '../../lib/engine/native-kernels';
import { layerNormModulate } from '../../lib/model/layer-norm';
import { mlp } from '../../lib/model/mlp';
import { ParamMap } from '../../lib/model/params';
import { Rng, rngFor } from '../../lib/rng/rng';
import { AdamW } from '../../lib/train/adamw';
import { updateEma } from '../../lib/train/ema';

function randn(rng: Rng, shape: number[], scale = 1): tf.Tensor {
  const v = new Float32Array(shape.reduce((x, y) => x * y, 1));
  for (let i = 0; i < v.length; i++) v[i] = scale * rng.normal();
  return tf.tensor(v, shape);
}

type Vals = { v: Float32Array; s: number[] }[];

/** fn's outputs with the fused kernels off (composite tf code), then on. */
function compositeThenFused(fn: () => tf.Tensor[]): { composite: Vals; fused: Vals } {
  const run = (): Vals => tf.tidy(() => fn().map((t) => ({ v: t.dataSync() as Float32Array, s: t.shape })));
  disableFusedKernels();
  assert.ok(!fusedKernelReady('PhylabGeluFwd'));
  const composite = run();
  assert.ok(enableFusedKernels().enabled);
  return { composite, fused: run() };
}

/** Max |a − b| / (tol·(1 + max |b|)) must be ≤ 1 for every output. */
function assertClose(r: { composite: Vals; fused: Vals }, tol: number, what: string): void {
  assert.equal(r.fused.length, r.composite.length);
  r.composite.forEach((c, i) => {
    const f = r.fused[i];
    assert.deepEqual(f.s, c.s, `${what} output ${i}: shape`);
    let diff = 0, ref = 0;
    for (let j = 0; j < c.v.length; j++) {
      diff = Math.max(diff, Math.abs(f.v[j] - c.v[j]));
      ref = Math.max(ref, Math.abs(c.v[j]));
    }
    assert.ok(Number.isFinite(diff) && diff <= tol * (1 + ref), `${what} output ${i}: max |diff| ${diff} > ${tol}·(1 + ${ref})`);
  });
}

function assertBitEqual(r: { composite: Vals; fused: Vals }, what: string): void {
  r.composite.forEach((c, i) => {
    assert.deepEqual(r.fused[i].s, c.s, `${what} ${i}: shape`);
    const a = new Uint32Array(r.fused[i].v.buffer.slice(0)), b = new Uint32Array(c.v.buffer.slice(0));
    const bad = a.findIndex((x, j) => x !== b[j]);
    assert.equal(bad, -1, `${what} ${i}: element ${bad} differs: ${r.fused[i].v[bad]} vs ${c.v[bad]}`);
  });
}

describe('engine/fused-kernels', function () {
  this.timeout(30000);
  let previous = '';
  let kernelsWereOn = false;

  before(async function () {
    const off = ['PHYLAB_NATIVE_KERNELS', 'PHYLAB_FUSED_KERNELS'].find((e) => process.env[e] === '0');
    if (off) {
      console.log(`      (skipped: ${off}=0)`);
      this.skip();
    }
    if (!loadNativeAddon()?.fused) {
      console.log('      (skipped: addon without fused kernels; run `node native/build.cjs --force`)');
      this.skip();
    }
    previous = tf.getBackend();
    await tf.setBackend('wasm');
    await tf.ready();
    kernelsWereOn = nativeKernelsStatus().enabled;
    assert.ok(enableNativeKernels().enabled);
  });

  after(async function () {
    if (!previous) return;
    enableFusedKernels();
    if (!kernelsWereOn) disableNativeKernels();
    await tf.setBackend(previous);
  });

  it('registers with the native kernels on wasm only, honours PHYLAB_FUSED_KERNELS=0 and PHYLAB_NATIVE_KERNELS=0', () => {
    assert.ok(enableFusedKernels().enabled, fusedKernelsStatus().reason);
    for (const n of FUSED_KERNEL_NAMES) {
      assert.ok(fusedKernelReady(n), n);
      assert.equal(tf.getKernel(n, 'cpu'), undefined, `${n} must not exist on cpu`);
    }
    const k = tf.getKernel('PhylabGeluFwd', 'wasm');
    enableFusedKernels();
    assert.equal(tf.getKernel('PhylabGeluFwd', 'wasm'), k, 'a second enable must not re-register');
    disableNativeKernels();
    assert.ok(FUSED_KERNEL_NAMES.every((n) => !fusedKernelReady(n)), 'disableNativeKernels removes the fused kernels');
    assert.ok(enableNativeKernels().enabled);
    assert.ok(fusedKernelReady('PhylabAdamW'));
    for (const env of ['PHYLAB_FUSED_KERNELS', 'PHYLAB_NATIVE_KERNELS']) {
      const saved = process.env[env];
      process.env[env] = '0';
      try {
        const s = enableFusedKernels();
        assert.equal(s.enabled, false);
        assert.match(s.reason, new RegExp(`${env}=0`));
        assert.ok(!fusedKernelReady('PhylabEma'));
      } finally {
        if (saved === undefined) delete process.env[env];
        else process.env[env] = saved;
      }
      assert.ok(enableFusedKernels().enabled);
    }
  });

  it('kernels reject non-float32 inputs and mismatched shapes', () => {
    tf.tidy(() => {
      assert.throws(() => runFused('PhylabGeluFwd', { u: tf.tensor1d([1, 2], 'int32') }, { A: 0.044715, K: 1.6 }), /float32/);
      const x = tf.zeros([2, 3, 4]);
      assert.throws(() => runFused('PhylabLnModFwd', { x, shift: tf.zeros([2, 3, 4]), scale: tf.zeros([2, 1, 4]) }, { eps: 1e-6 }), /shift\/scale \(B, 1, W\)/);
      assert.throws(() => runFused('PhylabEma', { ema: tf.zeros([3]), p: tf.zeros([4]) }, { d: 0.5, c: 0.5 }), /shape/);
    });
  });

  it('GELU: mlp values and all gradients match the composite code (random shapes)', () => {
    const rng = rngFor(1, 'fused-gelu');
    for (const [b, n, w, f] of [[2, 5, 8, 32], [3, 7, 13, 37], [1, 1, 1, 1], [4, 33, 16, 64]]) {
      const xs = [randn(rng, [b, n, w], 1.5), randn(rng, [w, f], 0.7), randn(rng, [f], 0.5), randn(rng, [f, w], 0.3), randn(rng, [w], 0.1)];
      const dy = randn(rng, [b, n, w]);
      const r = compositeThenFused(() => {
        const y = mlp(xs[0] as tf.Tensor3D, xs[1], xs[2], xs[3], xs[4]);
        const g = tf.grads((...a: tf.Tensor[]) => mlp(a[0] as tf.Tensor3D, a[1], a[2], a[3], a[4]))(xs, dy);
        return [y, ...g];
      });
      assertClose(r, 1e-6, `mlp ${[b, n, w, f]}`);
      tf.dispose([...xs, dy]);
    }
  });

  it('GELU kernels alone: s, a and du within float rounding of the composite, incl. large |u|', () => {
    const rng = rngFor(2, 'fused-gelu-raw');
    const u = tf.concat([randn(rng, [1000], 3), tf.tensor1d([0, -0, 20, -20, 60, -60, 1e-30, -1e-30])]);
    const da = randn(rng, [1008]);
    const A = 0.044715, K = 2 * Math.sqrt(2 / Math.PI);
    const r = compositeThenFused(() => {
      if (fusedKernelReady('PhylabGeluFwd')) {
        const [s, a] = runFused('PhylabGeluFwd', { u }, { A, K });
        return [s, a, runFused('PhylabGeluBwd', { da, u, s }, { A3: 3 * A, K })[0]];
      }
      const s = tf.sigmoid(tf.mul(tf.mul(u, tf.add(tf.mul(tf.mul(u, u), A), 1)), K));
      const gp = tf.add(s, tf.mul(tf.mul(tf.mul(u, s), tf.sub(1, s)), tf.mul(tf.add(tf.mul(tf.mul(u, u), 3 * A), 1), K)));
      return [s, tf.mul(u, s), tf.mul(da, gp)];
    });
    assertClose(r, 2e-7, 'gelu kernels');
    tf.dispose([u, da]);
  });

  it('LayerNorm-modulate: values and gradients of x, shift, scale match the composite code (random shapes)', () => {
    const rng = rngFor(3, 'fused-ln');
    for (const [b, n, w] of [[2, 5, 8], [3, 7, 37], [1, 1, 1], [2, 3, 96], [4, 17, 128]]) {
      const x = randn(rng, [b, n, w], 2);
      const mean = randn(rng, [b, n, 1], 3); // rows with an offset, as in a residual stream
      const xs = [tf.add(x, mean), randn(rng, [b, 1, w], 0.5), randn(rng, [b, 1, w], 0.5)];
      const dy = randn(rng, [b, n, w]);
      const f = (a: tf.Tensor[]) => layerNormModulate(a[0] as tf.Tensor3D, a[1] as tf.Tensor3D, a[2] as tf.Tensor3D);
      const r = compositeThenFused(() => [f(xs), ...tf.grads((...a: tf.Tensor[]) => f(a))(xs, dy)]);
      assertClose(r, 1e-6, `lnMod ${[b, n, w]}`);
      tf.dispose([x, mean, ...xs, dy]);
    }
  });

  it('LayerNorm-modulate falls back to the composite code for shapes the kernel does not take', () => {
    const rng = rngFor(4, 'fused-ln-fallback');
    const x = randn(rng, [2, 3, 8]) as tf.Tensor3D;
    const full = randn(rng, [2, 3, 8]) as tf.Tensor3D; // per-token shift: not (B, 1, W)
    const r = compositeThenFused(() => [layerNormModulate(x, full, full)]);
    assertBitEqual(r, 'lnMod fallback');
    tf.dispose([x, full]);
  });

  it('AdamW: three updates are bit-identical to the composite code (clipping, decay on some tensors)', () => {
    const rng = rngFor(5, 'fused-adamw');
    const shapes: Record<string, number[]> = { w: [13, 7], b: [7], e: [3, 4, 5], z: [0, 3] };
    const settings = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05 };
    const params: ParamMap = {};
    const grads: ParamMap[] = [0, 1, 2].map(() => ({}));
    for (const [k, s] of Object.entries(shapes)) {
      params[k] = randn(rng, s);
      for (const g of grads) g[k] = randn(rng, s, 0.1);
    }
    const run = (): tf.Tensor[] => {
      const opt = new AdamW(params, settings, new Set(['w', 'e']));
      let p = params;
      const made: ParamMap[] = [];
      grads.forEach((g, i) => {
        p = opt.update(p, g, 1e-3 * (i + 1), i === 1 ? 0.37 : 1);
        made.push(p);
      });
      const out = [...Object.values(p), ...Object.values(opt.m), ...Object.values(opt.v)].map((t) => t.clone());
      made.forEach((m) => tf.dispose(Object.values(m)));
      opt.dispose();
      return out;
    };
    const r = compositeThenFused(run);
    assertBitEqual(r, 'adamw');
    tf.dispose([...Object.values(params), ...grads.flatMap((g) => Object.values(g))]);
  });

  it('EMA: bit-identical to the composite code', () => {
    const rng = rngFor(6, 'fused-ema');
    const p = { a: randn(rng, [37, 3]), b: randn(rng, [5]) };
    const r = compositeThenFused(() => {
      const e: ParamMap = { a: randn(rngFor(7), [37, 3]), b: randn(rngFor(8), [5]) };
      updateEma(e, p, 0.9);
      updateEma(e, p, 0.999);
      return [e.a, e.b];
    });
    assertBitEqual(r, 'ema');
    tf.dispose([p.a, p.b]);
  });

  it('no tensors leak: mlp and LayerNorm forward + backward, AdamW, EMA', () => {
    assert.ok(enableFusedKernels().enabled);
    const rng = rngFor(9, 'fused-leak');
    const xs = [randn(rng, [2, 4, 8]), randn(rng, [8, 16]), randn(rng, [16]), randn(rng, [16, 8]), randn(rng, [8])];
    const sh = randn(rng, [2, 1, 8]), sc = randn(rng, [2, 1, 8]);
    const params: ParamMap = { w: randn(rng, [8, 16]) };
    const grads: ParamMap = { w: randn(rng, [8, 16]) };
    const opt = new AdamW(params, { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1 }, new Set(['w']));
    const ema: ParamMap = { w: params.w.clone() };
    const step = () => {
      tf.dispose(tf.grads((...a: tf.Tensor[]) => tf.sum(mlp(layerNormModulate(a[0] as tf.Tensor3D, a[5] as tf.Tensor3D, a[6] as tf.Tensor3D), a[1], a[2], a[3], a[4])))([...xs, sh, sc]));
      tf.dispose(tf.tidy(() => layerNormModulate(xs[0] as tf.Tensor3D, sh as tf.Tensor3D, sc as tf.Tensor3D)));
      const next = opt.update(params, grads, 1e-3, 0.5);
      updateEma(ema, next, 0.9);
      next.w.dispose();
    };
    step();
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    assert.equal(tf.memory().numTensors, n0);
    opt.dispose();
    tf.dispose([...xs, sh, sc, params.w, grads.w, ema.w]);
  });
});
