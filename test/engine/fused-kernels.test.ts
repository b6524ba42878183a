import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  FUSED_KERNEL_NAMES, disableFusedKernels, enableFusedKernels, fusedKernelReady, fusedKernelsStatus, runFused,
} from '../../lib/engine/fused-kernels';
import { loadNativeAddon } from '../../lib/engine/native-addon';
import { disableNativeKernels, enableNativeKernels, nativeKernelsStatus } from '../../lib/engine/native-kernels';
import { AttentionParams, attention, attentionReference } from '../../lib/model/attention';
import { DiT, gatedResidual } from '../../lib/model/dit';
import { modelConfigFor } from '../../lib/model/presets';
import { layerNormModulate } from '../../lib/model/layer-norm';
import { mlp } from '../../lib/model/mlp';
import { ParamMap } from '../../lib/model/params';
import { RopeTables, applyRope, ropeTables } from '../../lib/model/rope';
import { Rng, rngFor } from '../../lib/rng/rng';
import { AdamW } from '../../lib/train/adamw';
import { updateEma } from '../../lib/train/ema';

function randn(rng: Rng, shape: number[], scale = 1): tf.Tensor {
  const v = new Float32Array(shape.reduce((x, y) => x * y, 1));
  for (let i = 0; i < v.length; i++) v[i] = scale * rng.normal();
  return tf.tensor(v, shape);
}

type Vals = { v: Float32Array; s: number[] }[];

/**
 * Outputs of attentionValueAndGrads: [y, dx, dwq, dbq, dwk, dbk, …]. Without RoPE dbk is 0 in exact
 * arithmetic (a key bias shifts a softmax row by a constant), so it is measured on dwk's scale.
 */
const ATTN_SCALE_OF = { 5: 4 };

/** x (B, N, W) and the 8 attention weights: [x, wq, bq, wk, bk, wv, bv, wo, bo]. */
function attentionInputs(rng: Rng, b: number, n: number, w: number, xScale = 1): tf.Tensor[] {
  return [randn(rng, [b, n, w], xScale), ...[0, 1, 2, 3].flatMap(() => [randn(rng, [w, w], 1 / Math.sqrt(w)), randn(rng, [w], 0.1)])];
}

function attentionParams(a: tf.Tensor[]): AttentionParams {
  return { wq: a[1], bq: a[2], wk: a[3], bk: a[4], wv: a[5], bv: a[6], wo: a[7], bo: a[8] };
}

/** attention (or the reference) value and the gradients of x and all 8 weights for cotangent dy. */
function attentionValueAndGrads(f: typeof attention, xs: tf.Tensor[], dy: tf.Tensor, heads: number, rope: RopeTables | null): tf.Tensor[] {
  const g = (...a: tf.Tensor[]) => f(a[0] as tf.Tensor3D, attentionParams(a), heads, rope);
  return [g(...xs), ...tf.grads(g)(xs, dy)];
}

/** The names of the kernels fn runs (tf.profile), fn's outputs disposed. */
async function kernelNames(fn: () => tf.TensorContainer): Promise<Set<string>> {
  const info = await tf.profile(fn);
  tf.dispose(info.result as tf.TensorContainer);
  return new Set(info.kernels.map((k) => k.name));
}

/** fn's outputs with the fused kernels off (composite tf code), then on. */
function compositeThenFused(fn: () => tf.Tensor[]): { composite: Vals; fused: Vals } {
  const run = (): Vals => tf.tidy(() => fn().map((t) => ({ v: t.dataSync() as Float32Array, s: t.shape })));
  disableFusedKernels();
  assert.ok(!fusedKernelReady('PhylabGeluFwd'));
  const composite = run();
  assert.ok(enableFusedKernels().enabled);
  return { composite, fused: run() };
}

const maxAbs = (v: Float32Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/**
 * Max |a − b| / (tol·(1 + max |b|)) must be ≤ 1 for every output; `scaleOf[i] = j` measures
 * output i against max |b_j| instead (a bias gradient that cancels to ~0 against its weight's).
 */
function assertClose(r: { composite: Vals; fused: Vals }, tol: number, what: string, scaleOf: Record<number, number> = {}): void {
  assert.equal(r.fused.length, r.composite.length);
  r.composite.forEach((c, i) => {
    const f = r.fused[i];
    assert.deepEqual(f.s, c.s, `${what} output ${i}: shape`);
    let diff = 0, ref = i in scaleOf ? maxAbs(r.composite[scaleOf[i]].v) : 0;
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

  // [b, n, heads, head dim, RoPE grid (t, y, x) with t·y·x = n]
  const ATTN_SHAPES: [number, number, number, number, [number, number, number]][] = [
    [2, 12, 2, 16, [3, 2, 2]], [3, 8, 1, 32, [2, 2, 2]], [1, 5, 3, 16, [5, 1, 1]], [4, 16, 2, 32, [4, 2, 2]], [2, 1, 1, 16, [1, 1, 1]], [2, 32, 4, 32, [2, 4, 4]],
  ];

  for (const withRope of [false, true]) {
    it(`attention ${withRope ? 'with' : 'without'} RoPE: values and gradients of x and wq..bo match the composite code and attentionReference`, () => {
      const rng = rngFor(10, `fused-attn-${withRope}`);
      for (const [b, n, heads, hd, grid] of ATTN_SHAPES) {
        const w = heads * hd;
        const rope = withRope ? ropeTables(grid, heads, hd, 10000) : null;
        const xs = attentionInputs(rng, b, n, w);
        const dy = randn(rng, [b, n, w]);
        const r = compositeThenFused(() => attentionValueAndGrads(attention, xs, dy, heads, rope));
        assertClose(r, 1e-6, `attention ${[b, n, heads, hd]}`, ATTN_SCALE_OF);
        const ref = tf.tidy(() => attentionValueAndGrads(attentionReference, xs, dy, heads, rope).map((t) => ({ v: t.dataSync() as Float32Array, s: t.shape })));
        assertClose({ composite: ref, fused: r.fused }, 1e-5, `attention vs reference ${[b, n, heads, hd]}`, ATTN_SCALE_OF);
        tf.dispose([...xs, dy, ...(rope ? Object.values(rope) : [])]);
      }
    });
  }

  it('attention: large logits (softmax saturates) stay within float rounding of the composite code', () => {
    const rng = rngFor(11, 'fused-attn-big');
    const [b, n, heads, hd] = [2, 16, 2, 16];
    const xs = attentionInputs(rng, b, n, heads * hd, 8); // logits of order ±100
    const dy = randn(rng, [b, n, heads * hd]);
    const r = compositeThenFused(() => attentionValueAndGrads(attention, xs, dy, heads, null));
    assertClose(r, 1e-5, 'attention, large logits', ATTN_SCALE_OF);
    tf.dispose([...xs, dy]);
  });

  it('attention runs the fused core (and RoPE kernels) only when both kernels are registered, else the composite code', async () => {
    assert.ok(enableFusedKernels().enabled);
    const rng = rngFor(12, 'fused-attn-which');
    const xs = attentionInputs(rng, 2, 4, 16);
    const dy = randn(rng, [2, 4, 16]);
    const run = () => attentionValueAndGrads(attention, xs, dy, 2, null);
    const on = await kernelNames(run);
    assert.ok(on.has('PhylabAttnFwd') && on.has('PhylabAttnBwd') && !on.has('Softmax'), [...on].join(' '));
    const rope = ropeTables([2, 2, 1], 2, 8, 10000);
    const withRope = await kernelNames(() => attentionValueAndGrads(attention, xs, dy, 2, rope));
    assert.ok(withRope.has('PhylabRopeFwd') && withRope.has('PhylabRopeBwd'), [...withRope].join(' '));
    tf.dispose(Object.values(rope));
    tf.unregisterKernel('PhylabAttnBwd', 'wasm'); // as with an addon that lacks one of them
    try {
      const off = await kernelNames(run);
      assert.ok(!off.has('PhylabAttnFwd') && off.has('Softmax'), [...off].join(' '));
    } finally {
      assert.ok(enableFusedKernels().enabled);
    }
    assert.ok(fusedKernelReady('PhylabAttnBwd'));
    tf.dispose([...xs, dy]);
  });

  it('attention kernels reject non-float32 inputs and wrong shapes', () => {
    tf.tidy(() => {
      const [b, n, heads] = [2, 3, 2];
      const q = tf.zeros([b * n, 8]);
      const probs = tf.zeros([b, heads, n, n]);
      const at = { b, n, heads, scale: 0.5 };
      assert.throws(() => runFused('PhylabAttnFwd', { q: tf.zeros([b * n, 8], 'int32'), k: q, v: q }, at), /PhylabAttnFwd: input 'q' must be float32/);
      assert.throws(() => runFused('PhylabAttnFwd', { q, k: tf.zeros([b * n, 4]), v: q }, at), /PhylabAttnFwd: input 'k' has shape/);
      assert.throws(() => runFused('PhylabAttnFwd', { q, k: q, v: q }, { ...at, n: 4 }), /PhylabAttnFwd: expected \(B·N, W\)/);
      assert.throws(() => runFused('PhylabAttnFwd', { q, k: q, v: q }, { ...at, heads: 3 }), /W divisible by heads/);
      assert.throws(() => runFused('PhylabAttnFwd', { q: tf.zeros([b, n, 8]), k: q, v: q }, at), /expected \(B·N, W\)/);
      assert.throws(() => runFused('PhylabAttnBwd', { dO: q, q, k: q, v: q, probs: tf.zeros([b, heads, n, n + 1]) }, at), /PhylabAttnBwd: probs has shape/);
      assert.throws(() => runFused('PhylabAttnBwd', { dO: q, q, k: q, v: q, probs: tf.zeros([b, heads, n, n], 'int32') }, at), /input 'probs' must be float32/);
      assert.throws(() => runFused('PhylabAttnBwd', { dO: tf.zeros([b * n, 4]), q, k: q, v: q, probs }, at), /input 'q' has shape/);
    });
  });

  it('the addon knows every fused op and rejects attention, gate and RoPE calls with bad shapes or out-of-heap tensors', () => {
    const lib = loadNativeAddon()!;
    const heap = new ArrayBuffer(4096);
    const P = (v: number[]) => new Float64Array(v);
    assert.equal((lib as { fusedOps?: number }).fusedOps, FUSED_KERNEL_NAMES.length);
    // B 2, N 4, H 2, W 8: token tensors 256 bytes, probs 256 bytes
    assert.doesNotThrow(() => lib.fused!(heap, P([6, 2, 4, 2, 8, 0, 256, 512, 768, 1024, 0.5])));
    assert.throws(() => lib.fused!(heap, P([6, 2, 4, 3, 8, 0, 256, 512, 768, 1024, 0.5])), /bad attention shape/);
    assert.throws(() => lib.fused!(heap, P([6, 2, 4, 0, 8, 0, 256, 512, 768, 1024, 0.5])), /bad attention shape/);
    assert.throws(() => lib.fused!(heap, P([6, 2, 4, 2, 8, 0, 256, 512, 768, 3900, 0.5])), /outside the heap/);
    assert.throws(() => lib.fused!(heap, P([6, 2, 4, 2, 8, 2, 256, 512, 768, 1024, 0.5])), /outside the heap/); // misaligned
    assert.throws(() => lib.fused!(heap, P([7, 2, 4, 2, 8, 0, 256, 512, 768, 1024, 1280, 1536, 3900, 0.5])), /outside the heap/);
    assert.throws(() => lib.fused!(heap, P([7, 2, 4, 2, 8, 0, 256, 512, 768, 1024, 1280])), /params too short/);
    // gate: B 2, N 4, W 8: (B, N, W) 256 bytes, (B, 1, W) 64 bytes
    assert.doesNotThrow(() => lib.fused!(heap, P([8, 2, 4, 8, 0, 256, 512, 768])));
    assert.doesNotThrow(() => lib.fused!(heap, P([9, 2, 4, 8, 0, 256, 512, 768, 1024])));
    assert.throws(() => lib.fused!(heap, P([8, 2, 4, 8, 0, 256, 512, 3900])), /outside the heap/);
    assert.throws(() => lib.fused!(heap, P([9, 2, 4, 8, 0, 256, 512, 768, 4090])), /outside the heap/);
    assert.throws(() => lib.fused!(heap, P([9, 2, 4, 8.5, 0, 256, 512, 768, 1024])), /bad gate shape/);
    // RoPE: B 2, N 4, W 8, hd 4: tokens 256 bytes, tables 128 bytes
    assert.doesNotThrow(() => lib.fused!(heap, P([10, 2, 4, 8, 4, 0, 256, 512, 640, 768, 1024])));
    assert.throws(() => lib.fused!(heap, P([11, 2, 4, 8, 3, 0, 256, 512, 640, 768, 1024])), /bad RoPE shape/);
    assert.throws(() => lib.fused!(heap, P([11, 2, 4, 8, 4, 0, 256, 512, 640, 768, 3900])), /outside the heap/);
    assert.throws(() => lib.fused!(heap, P([FUSED_KERNEL_NAMES.length, 1])), /unknown op/);
  });

  it('attention kernels alone: forward against a plain JS computation', () => {
    const rng = rngFor(13, 'fused-attn-raw');
    const [b, n, heads, hd] = [2, 5, 2, 3];
    const w = heads * hd, scale = 0.7;
    const [q, k, v] = [0, 1, 2].map(() => randn(rng, [b * n, w]));
    const [o, probs] = runFused('PhylabAttnFwd', { q, k, v }, { b, n, heads, scale });
    const [qa, ka, va, oa, pa] = [q, k, v, o, probs].map((t) => t.dataSync());
    let diff = 0;
    for (let s = 0; s < b; s++) {
      for (let h = 0; h < heads; h++) {
        for (let i = 0; i < n; i++) {
          const at = (t: Float32Array | Int32Array | Uint8Array, row: number, d: number) => t[(s * n + row) * w + h * hd + d];
          const logits = Array.from({ length: n }, (_, j) => scale * Array.from({ length: hd }, (_, d) => at(qa, i, d) * at(ka, j, d)).reduce((x, y) => x + y, 0));
          const mx = Math.max(...logits);
          const e = logits.map((l) => Math.exp(l - mx));
          const z = e.reduce((x, y) => x + y, 0);
          for (let j = 0; j < n; j++) diff = Math.max(diff, Math.abs(pa[((s * heads + h) * n + i) * n + j] - e[j] / z));
          for (let d = 0; d < hd; d++) diff = Math.max(diff, Math.abs(at(oa, i, d) - e.reduce((acc, ej, j) => acc + (ej / z) * at(va, j, d), 0)));
        }
      }
    }
    assert.ok(diff < 1e-5, `max |diff| ${diff}`);
    tf.dispose([q, k, v, o, probs]);
  });

  it('no tensors leak: attention (fused core) forward + backward with and without RoPE, gated residual', () => {
    assert.ok(enableFusedKernels().enabled);
    const rng = rngFor(14, 'fused-attn-leak');
    const xs = attentionInputs(rng, 2, 8, 32);
    const dy = randn(rng, [2, 8, 32]);
    const rope = ropeTables([2, 2, 2], 2, 16, 10000);
    const gs = [xs[0], randn(rng, [2, 1, 32]), dy];
    const gate = (...a: tf.Tensor[]) => gatedResidual(a[0] as tf.Tensor3D, a[1] as tf.Tensor3D, a[2] as tf.Tensor3D);
    const step = () => {
      tf.dispose(tf.tidy(() => attentionValueAndGrads(attention, xs, dy, 2, rope)));
      tf.dispose(tf.tidy(() => attentionValueAndGrads(attention, xs, dy, 2, null)));
      tf.dispose(tf.tidy(() => [gate(...gs), ...tf.grads(gate)(gs, dy)]));
    };
    step();
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    assert.equal(tf.memory().numTensors, n0);
    tf.dispose([...xs, gs[1], dy, ...Object.values(rope)]);
  });

  it('gated residual: x + g·a and the gradients of x, g, a are bit-identical to the composite code (random shapes)', () => {
    const rng = rngFor(15, 'fused-gate');
    for (const [b, n, w] of [[2, 5, 8], [3, 7, 37], [1, 1, 1], [4, 33, 64], [2, 128, 96]]) {
      const xs = [randn(rng, [b, n, w]), randn(rng, [b, 1, w]), randn(rng, [b, n, w])];
      const dy = randn(rng, [b, n, w]);
      const f = (...a: tf.Tensor[]) => gatedResidual(a[0] as tf.Tensor3D, a[1] as tf.Tensor3D, a[2] as tf.Tensor3D);
      const r = compositeThenFused(() => [f(...xs), ...tf.grads(f)(xs, dy)]);
      assertBitEqual(r, `gate ${[b, n, w]}`);
      tf.dispose([...xs, dy]);
    }
  });

  it('gated residual falls back to the tf ops for shapes the kernels do not take; the kernels reject them', () => {
    const rng = rngFor(16, 'fused-gate-fallback');
    const x = randn(rng, [2, 3, 4]) as tf.Tensor3D;
    const full = randn(rng, [2, 3, 4]) as tf.Tensor3D; // per-token gate: not (B, 1, W)
    const r = compositeThenFused(() => [gatedResidual(x, full, x)]);
    assertBitEqual(r, 'gate fallback');
    tf.tidy(() => {
      assert.throws(() => runFused('PhylabGateFwd', { x, g: full, a: x }), /PhylabGateFwd: expected float32 \(B, N, W\) tensors and g \(B, 1, W\)/);
      assert.throws(() => runFused('PhylabGateBwd', { dy: x, g: tf.zeros([2, 1, 4], 'int32'), a: x }), /PhylabGateBwd: expected float32/);
      assert.throws(() => runFused('PhylabGateFwd', { x, g: tf.zeros([2, 1, 4]), a: tf.zeros([2, 4, 4]) }), /PhylabGateFwd: expected/);
    });
    tf.dispose([x, full]);
  });

  it('RoPE kernels: forward and backward of q and k bit-identical to the tf ops (rotate-half tables of rope.ts)', () => {
    const rng = rngFor(18, 'fused-rope');
    for (const [b, heads, hd, grid] of [[2, 2, 16, [3, 2, 2]], [1, 1, 2, [1, 1, 1]], [3, 3, 8, [2, 1, 3]], [2, 4, 32, [8, 4, 4]]] as [number, number, number, [number, number, number]][]) {
      const n = grid[0] * grid[1] * grid[2], w = heads * hd;
      const rope = ropeTables(grid, heads, hd, 10000);
      const [q, k] = [0, 1].map(() => randn(rng, [b * n, w]) as tf.Tensor2D);
      const attrs = { b, n, headDim: hd };
      const r = compositeThenFused(() => {
        if (fusedKernelReady('PhylabRopeFwd')) {
          return [...runFused('PhylabRopeFwd', { a: q, b: k, cos: rope.cos, sin: rope.sin }, attrs), ...runFused('PhylabRopeBwd', { a: q, b: k, cos: rope.cos, sin: rope.sin }, attrs)];
        }
        const fwd = (x: tf.Tensor) => tf.reshape(applyRope(tf.reshape(x, [b, n, w]) as tf.Tensor3D, rope), [b * n, w]);
        const bwd = (x: tf.Tensor) => {
          const x3 = tf.reshape(x, [b, n, w]); // dx = dy ⊙ cos + (dy ⊙ sin)·Rᵀ
          return tf.add(tf.reshape(tf.mul(x3, rope.cos), [b * n, w]), tf.matMul(tf.reshape(tf.mul(x3, rope.sin), [b * n, w]), rope.rotT));
        };
        return [fwd(q), fwd(k), bwd(q), bwd(k)];
      });
      assertBitEqual(r, `rope ${[b, heads, hd, grid]}`);
      tf.dispose([q, k, ...Object.values(rope)]);
    }
  });

  it('RoPE kernels reject odd head dims, tables of the wrong shape and non-float32 inputs', () => {
    tf.tidy(() => {
      const q = tf.zeros([6, 8]), cos = tf.zeros([3, 8]);
      assert.throws(() => runFused('PhylabRopeFwd', { a: q, b: q, cos, sin: cos }, { b: 2, n: 3, headDim: 3 }), /PhylabRopeFwd: expected float32 a, b \(B·N, W\)/);
      assert.throws(() => runFused('PhylabRopeBwd', { a: q, b: q, cos: tf.zeros([6, 8]), sin: cos }, { b: 2, n: 3, headDim: 4 }), /PhylabRopeBwd: expected/);
      assert.throws(() => runFused('PhylabRopeFwd', { a: q, b: tf.zeros([6, 8], 'int32'), cos, sin: cos }, { b: 2, n: 3, headDim: 4 }), /expected float32/);
      assert.throws(() => runFused('PhylabRopeFwd', { a: q, b: q, cos, sin: cos }, { b: 3, n: 3, headDim: 4 }), /expected float32/);
      assert.doesNotThrow(() => runFused('PhylabRopeFwd', { a: q, b: q, cos, sin: cos }, { b: 2, n: 3, headDim: 4 }));
    });
  });

  it('DiT (q64 shapes, RoPE): loss and all parameter gradients with the fused kernels match the composite code', () => {
    const cfg = modelConfigFor('q64', [8, 16, 16, 3]);
    const m = DiT.create(cfg, 3);
    const rng = rngFor(17, 'fused-dit');
    // non-zero adaLN-Zero layers, so every path carries gradient
    m.setParams(Object.fromEntries(Object.entries(m.params).map(([k, t]) => [k, tf.tidy(() => tf.add(t, randn(rng, t.shape, 0.05)))])));
    const [t, h, w, c] = cfg.latentShape;
    const bsz = 2;
    const inp = { xt: randn(rng, [bsz, t, h, w, c]) as tf.Tensor5D, cond: randn(rng, [bsz, t, h, w, c]) as tf.Tensor5D, mask: tf.ones([bsz, t, h, w, 1]) as tf.Tensor5D, t: tf.tensor1d([100, 700]) };
    const names = Object.keys(m.params);
    const loss = (...ps: tf.Tensor[]) => tf.mean(tf.square(m.apply(Object.fromEntries(names.map((k, i) => [k, ps[i]])), inp)));
    const ps = names.map((k) => m.params[k]);
    const r = compositeThenFused(() => [loss(...ps), ...tf.grads(loss)(ps)]);
    assertClose(r, 1e-5, 'dit loss and gradients');
    tf.dispose(Object.values(inp));
    m.dispose();
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
