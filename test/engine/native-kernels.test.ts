import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadNativeAddon } from '../../lib/engine/native-addon';
import {
  NATIVE_KERNEL_NAMES, disableNativeKernels, enableNativeKernels, nativeKernelCounters, nativeKernelsStatus,
  resetNativeKernelCounters, stockKernel,
} from '../../lib/engine/native-kernels';
import { disableNativeMatMul, enableNativeMatMul, nativeMatMulStatus } from '../../lib/engine/native-matmul';
import { Rng, rngFor } from '../../lib/rng/rng';

type Vals = ArrayLike<number>;

function randn(rng: Rng, shape: number[], scale = 1): tf.Tensor {
  const v = new Float32Array(shape.reduce((x, y) => x * y, 1));
  for (let i = 0; i < v.length; i++) v[i] = scale * rng.normal();
  return tf.tensor(v, shape);
}

/** A random tensor of `dtype` (float32 normal, int32 in -50..49, bool). */
function randomOf(rng: Rng, shape: number[], dtype: 'float32' | 'int32' | 'bool'): tf.Tensor {
  if (dtype === 'float32') return randn(rng, shape);
  const n = shape.reduce((x, y) => x * y, 1);
  const v = Array.from({ length: n }, () => (dtype === 'bool' ? rng.int(2) : rng.int(100) - 50));
  return tf.tensor(v, shape, dtype);
}

function randomShape(rng: Rng, rank: number, maxDim: number): number[] {
  return Array.from({ length: rank }, () => 1 + rng.int(maxDim));
}

function randomPerm(rng: Rng, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(p);
  return p;
}

/** Runs fn with the stock kernels, then with the native ones (left enabled); values and shapes of both. */
function stockThenNative(fn: () => tf.Tensor | tf.Tensor[]): { stock: { v: Vals; s: number[] }[]; native: { v: Vals; s: number[] }[] } {
  const run = () => tf.tidy(() => [fn()].flat().map((t) => ({ v: Array.from(t.dataSync()), s: t.shape })));
  disableNativeKernels();
  const stock = run();
  assert.ok(enableNativeKernels().enabled);
  return { stock, native: run() };
}

function assertSame(r: ReturnType<typeof stockThenNative>, what: string): void {
  assert.equal(r.native.length, r.stock.length, what);
  r.stock.forEach((s, i) => {
    assert.deepEqual(r.native[i].s, s.s, `${what}: shape`);
    assert.deepEqual(r.native[i].v, s.v, `${what}: values`);
  });
}

function maxRelErr(got: Vals, want: Vals, absTol: number): number {
  assert.equal(got.length, want.length);
  let m = 0;
  for (let i = 0; i < got.length; i++) {
    const a = got[i], b = want[i];
    if (Number.isNaN(b) || Number.isNaN(a)) {
      if (!(Number.isNaN(a) && Number.isNaN(b))) return Infinity;
      continue;
    }
    if (a === b) continue;
    const e = Math.abs(a - b) <= absTol ? 0 : Math.abs(a - b) / Math.abs(b);
    m = Math.max(m, e);
  }
  return m;
}

function usedNative(name: string): void {
  const c = nativeKernelCounters()[name];
  assert.ok(c && c.native > 0, `native ${name} kernel not used: ${JSON.stringify(nativeKernelCounters())}`);
}

describe('engine/native-kernels', function () {
  this.timeout(30000); // the stock kernels compared against are slow (seconds on a busy machine)
  let previous = '';
  let matmulWasOn = false;
  let kernelsWereOn = false;

  before(async function () {
    if (process.env.PHYLAB_NATIVE_KERNELS === '0') {
      console.log('      (skipped: PHYLAB_NATIVE_KERNELS=0)');
      this.skip();
    }
    if (!loadNativeAddon()?.binary) {
      console.log('      (skipped: native kernels addon not built; run `node native/build.cjs`)');
      this.skip();
    }
    previous = tf.getBackend();
    await tf.setBackend('wasm');
    await tf.ready();
    matmulWasOn = nativeMatMulStatus().enabled;
    kernelsWereOn = nativeKernelsStatus().enabled;
    const s = enableNativeKernels();
    assert.ok(s.enabled, s.reason);
  });

  after(async function () {
    if (!previous) return;
    if (kernelsWereOn) enableNativeKernels();
    else disableNativeKernels();
    if (!matmulWasOn && nativeMatMulStatus().enabled) disableNativeMatMul();
    await tf.setBackend(previous);
  });

  beforeEach(() => resetNativeKernelCounters());

  it('registers every kernel idempotently, honours `only`, and disable restores the stock kernels', () => {
    const s = enableNativeKernels();
    assert.deepEqual(s.kernels, [...NATIVE_KERNEL_NAMES]);
    const k1 = tf.getKernel('Sum', 'wasm');
    enableNativeKernels();
    assert.equal(tf.getKernel('Sum', 'wasm'), k1, 'a second enable must not re-register');
    assert.notEqual(k1, stockKernel('Sum'));
    const part = enableNativeKernels({ only: ['Transpose', 'Exp'] });
    assert.deepEqual(part.kernels, ['Transpose', 'Exp']);
    assert.equal(tf.getKernel('Sum', 'wasm'), stockKernel('Sum'));
    assert.notEqual(tf.getKernel('Exp', 'wasm'), stockKernel('Exp'));
    disableNativeKernels();
    for (const n of NATIVE_KERNEL_NAMES) assert.equal(tf.getKernel(n, 'wasm'), stockKernel(n), n);
    assert.equal(nativeKernelsStatus().enabled, false);
    assert.throws(() => enableNativeKernels({ only: ['Nope' as 'Sum'] }), /unknown kernel 'Nope'/);
    assert.ok(enableNativeKernels().enabled);
  });

  it('honours PHYLAB_NATIVE_KERNELS=0; enableNativeMatMul enables the kernels and disableNativeMatMul removes them', () => {
    const saved = process.env.PHYLAB_NATIVE_KERNELS;
    process.env.PHYLAB_NATIVE_KERNELS = '0';
    try {
      const s = enableNativeKernels();
      assert.equal(s.enabled, false);
      assert.match(s.reason, /PHYLAB_NATIVE_KERNELS=0/);
      assert.equal(tf.getKernel('Transpose', 'wasm'), stockKernel('Transpose'));
      if (loadNativeAddon()) assert.equal(enableNativeMatMul().kernels.enabled, false);
    } finally {
      if (saved === undefined) delete process.env.PHYLAB_NATIVE_KERNELS;
      else process.env.PHYLAB_NATIVE_KERNELS = saved;
    }
    const m = enableNativeMatMul();
    assert.ok(m.enabled && m.kernels.enabled, m.reason);
    assert.match(m.label, new RegExp(`OpenBLAS matmul, 1 thread; ${NATIVE_KERNEL_NAMES.length} native kernels`));
    assert.equal(enableNativeMatMul({ kernels: false }).kernels.enabled, false);
    assert.equal(tf.getKernel('Sum', 'wasm'), stockKernel('Sum'));
    enableNativeMatMul();
    disableNativeMatMul();
    assert.equal(tf.getKernel('Sum', 'wasm'), stockKernel('Sum'));
    assert.equal(nativeKernelsStatus().enabled, false);
    if (matmulWasOn) enableNativeMatMul();
    assert.ok(enableNativeKernels().enabled);
  });

  it('Sum/Mean/Max/Min match the stock kernels on random shapes, axes and keepDims', () => {
    const rng = rngFor(20261125, 'native-kernels-reduce');
    for (let i = 0; i < 40; i++) {
      const rank = 1 + rng.int(5);
      const shape = randomShape(rng, rank, 7);
      const axes = Array.from({ length: rank }, (_, a) => a).filter(() => rng.bernoulli(0.5));
      const ax = axes.length === 0 && rng.bernoulli(0.5) ? undefined : axes.map((a) => (rng.bernoulli(0.3) ? a - rank : a));
      const keep = rng.bernoulli(0.5);
      const x = randn(rng, shape);
      const what = `${shape} axes ${ax} keepDims ${keep}`;
      const r = stockThenNative(() => [tf.sum(x, ax, keep), tf.mean(x, ax, keep), tf.max(x, ax, keep), tf.min(x, ax, keep)]);
      const bound = tf.tidy(() => Array.from(tf.sum(tf.abs(x), ax, keep).dataSync()));
      const n = ax === undefined ? x.size : shape.filter((_, a) => axes.includes(a)).reduce((p, d) => p * d, 1);
      r.stock.forEach((s, k) => assert.deepEqual(r.native[k].s, s.s, `${what}: shape of output ${k}`));
      for (let j = 0; j < bound.length; j++) {
        const tol = 1e-6 * bound[j] + 1e-7;
        assert.ok(Math.abs(r.native[0].v[j] - r.stock[0].v[j]) <= tol, `sum ${what}`);
        assert.ok(Math.abs(r.native[1].v[j] - r.stock[1].v[j]) <= tol / n, `mean ${what}`);
      }
      assert.deepEqual(r.native[2].v, r.stock[2].v, `max ${what}`);
      assert.deepEqual(r.native[3].v, r.stock[3].v, `min ${what}`);
      x.dispose();
    }
    usedNative('Sum');
    usedNative('Mean');
    usedNative('Max');
    usedNative('Min');
  });

  it('column sums and middle-axis means are bit-identical to the stock kernels; inner-axis sums agree to float rounding', () => {
    const rng = rngFor(3, 'native-kernels-reduce-big');
    const h = randn(rng, [2048, 96]);
    const x = randn(rng, [8, 64, 3, 40]);
    assertSame(stockThenNative(() => [tf.sum(h, 0), tf.mean(h, 0), tf.mean(x, 1, true), tf.sum(x, [0, 2])]), 'leading/middle axes');
    const r = stockThenNative(() => [tf.sum(h, 1), tf.mean(x, -1), tf.sum(h)]);
    for (let k = 0; k < 3; k++) assert.ok(maxRelErr(r.native[k].v, r.stock[k].v, 2e-4) < 1e-4, `inner sums ${k}`);
    const nan = tf.tensor2d([[1, NaN, 2], [3, 4, 5]]);
    const m = stockThenNative(() => [tf.max(nan, 1), tf.min(nan, 0), tf.softmax(nan)]);
    assertSame({ stock: m.stock.slice(0, 2), native: m.native.slice(0, 2) }, 'NaN propagation');
    assert.deepEqual(Array.from(m.native[2].v).slice(0, 3), [NaN, NaN, NaN]);
    assert.ok(maxRelErr(m.native[2].v, m.stock[2].v, 0) < 1e-6);
    tf.dispose([h, x, nan]);
  });

  it('Transpose matches the stock kernel for any rank, permutation and dtype', () => {
    const rng = rngFor(5, 'native-kernels-transpose');
    const dtypes = ['float32', 'int32', 'bool'] as const;
    for (let i = 0; i < 45; i++) {
      const rank = 1 + rng.int(6);
      const shape = randomShape(rng, rank, rank > 4 ? 5 : 9);
      const perm = randomPerm(rng, rank);
      const x = randomOf(rng, shape, dtypes[i % 3]);
      assertSame(stockThenNative(() => tf.transpose(x, perm)), `${x.dtype} ${shape} perm ${perm}`);
      x.dispose();
    }
    const big = randn(rng, [20, 37, 3, 4, 8]); // 8x8 tiles with edges, rank 5 as in attention
    assertSame(stockThenNative(() => [tf.transpose(big, [2, 0, 3, 1, 4]), tf.transpose(tf.reshape(big, [20 * 37, 96]))]), 'large');
    big.dispose();
    usedNative('Transpose');
  });

  it('Exp, Tanh and Sigmoid agree with the stock kernels to < 1e-6 relative, including extremes and NaN', () => {
    const rng = rngFor(7, 'native-kernels-unary');
    const special = [0, -0, 1e-8, -1e-8, 1e-3, 0.6249, 0.625, 0.6251, -0.625, 1, -1, 9, -9, 20, -20, 44, 80, 88.7, 88.73, 89, 100, -80, -87.3, -88, -100, -103.9, -104, -200, Infinity, -Infinity, NaN];
    const v = new Float32Array(20000 + special.length);
    for (let i = 0; i < 20000; i++) v[i] = rng.normal() * (i % 4 === 0 ? 30 : 3);
    v.set(special, 20000);
    const x = tf.tensor1d(v);
    const r = stockThenNative(() => [tf.exp(x), tf.tanh(x), tf.sigmoid(x)]);
    ['exp', 'tanh', 'sigmoid'].forEach((name, k) => {
      // below FLT_MIN absolute (stock sigmoid flushes results < ~1e-38 to 0; the native one keeps subnormals)
      const e = maxRelErr(r.native[k].v, r.stock[k].v, 1.2e-38);
      assert.ok(e < 1e-6, `${name}: max relative error ${e}`);
    });
    // rank-3 input and an empty one
    const y = randn(rng, [3, 4, 5]);
    const rr = stockThenNative(() => [tf.exp(y), tf.tanh(tf.zeros([0, 3]))]);
    assert.ok(maxRelErr(rr.native[0].v, rr.stock[0].v, 0) < 1e-6);
    assert.deepEqual(rr.native[1].s, [0, 3]);
    tf.dispose([x, y]);
    usedNative('Exp');
    usedNative('Tanh');
    usedNative('Sigmoid');
  });

  it('Softmax matches the stock kernel over the last axis', () => {
    const rng = rngFor(11, 'native-kernels-softmax');
    for (const shape of [[7], [5, 33], [2, 3, 64], [4, 1]]) {
      const x = randn(rng, shape, 4);
      const r = stockThenNative(() => tf.softmax(x));
      assert.ok(maxRelErr(r.native[0].v, r.stock[0].v, 1e-9) < 2e-6, `${shape}`);
      x.dispose();
    }
    usedNative('Softmax');
  });

  it('Slice and SplitV match the stock kernels on random boxes, splits and dtypes', () => {
    const rng = rngFor(13, 'native-kernels-slice');
    const dtypes = ['float32', 'int32', 'bool'] as const;
    for (let i = 0; i < 30; i++) {
      const rank = 1 + rng.int(5);
      const shape = randomShape(rng, rank, 6);
      const x = randomOf(rng, shape, dtypes[i % 3]);
      const begin = shape.map((d) => rng.int(d));
      const size = shape.map((d, a) => (rng.bernoulli(0.2) ? -1 : 1 + rng.int(d - begin[a])));
      const axis = rng.int(rank);
      const d = shape[axis];
      const cut = 1 + rng.int(d);
      const splits = cut < d ? [cut, -1] : [d];
      assertSame(stockThenNative(() => [tf.slice(x, begin, size), ...tf.split(x, splits, axis)]), `${x.dtype} ${shape} ${begin} ${size} split ${splits} @${axis}`);
      x.dispose();
    }
    const qkv = randn(rng, [4, 8, 3, 2, 16]); // the 5-D split of a fused QKV projection
    assertSame(stockThenNative(() => tf.split(qkv, 3, 2)), 'qkv split');
    qkv.dispose();
    usedNative('Slice');
    usedNative('SplitV');
  });

  it('Tile matches the stock kernel on random reps and dtypes', () => {
    const rng = rngFor(17, 'native-kernels-tile');
    const dtypes = ['float32', 'int32', 'bool'] as const;
    for (let i = 0; i < 24; i++) {
      const rank = 1 + rng.int(4);
      const shape = randomShape(rng, rank, 4);
      const reps = shape.map(() => 1 + rng.int(3));
      const x = randomOf(rng, shape, dtypes[i % 3]);
      assertSame(stockThenNative(() => tf.tile(x, reps)), `${x.dtype} ${shape} reps ${reps}`);
      x.dispose();
    }
    const m = tf.reshape(tf.range(0, 16), [2, 8, 1, 1, 1]);
    assertSame(stockThenNative(() => tf.tile(m, [1, 1, 4, 4, 1])), 'mask broadcast');
    m.dispose();
    usedNative('Tile');
  });

  it('Add, Sub, Multiply and RealDiv match the stock kernels bit for bit under any broadcasting', () => {
    const rng = rngFor(29, 'native-kernels-binary');
    const fixed: [number[], number[]][] = [
      [[32, 16, 8], [32, 16, 1]], [[32, 16, 8], [16, 8]], [[32, 16, 8], [32, 1, 8]], [[32, 1, 8], [32, 16, 8]], [[64, 8], []], [[], [64, 8]],
      [[4, 1, 1, 1, 1], [4, 3, 5, 5, 3]], [[2, 1, 3], [1, 4, 1]], [[], []], [[5], [1]], [[3, 0], [1, 1]],
    ];
    const cases = [...fixed];
    for (let i = 0; i < 20; i++) {
      const rank = 1 + rng.int(5);
      const out = randomShape(rng, rank, 5);
      const drop = (s: number[]) => s.map((d) => (rng.bernoulli(0.3) ? 1 : d)).slice(rng.int(2));
      cases.push([drop(out), drop(out)]);
    }
    for (const [as, bs] of cases) {
      const a = randn(rng, as), b = tf.add(tf.abs(randn(rng, bs)), 0.5);
      assertSame(stockThenNative(() => [tf.add(a, b), tf.sub(a, b), tf.mul(a, b), tf.div(a, b), tf.div(b, a)]), `${as} op ${bs}`);
      tf.dispose([a, b]);
    }
    const i32 = tf.tensor([1, 2, 3], [3], 'int32');
    assertSame(stockThenNative(() => [tf.add(i32, i32), tf.mul(i32, 2)]), 'int32 falls back');
    assert.ok(nativeKernelCounters().Add.fallback >= 1);
    i32.dispose();
    for (const n of ['Add', 'Sub', 'Multiply', 'RealDiv']) usedNative(n);
  });

  it('Identity shares the buffer: clones stay valid after the original is disposed, no buffer is copied', () => {
    const x = tf.tensor([1, 2, 3]);
    const before = tf.memory().numDataBuffers;
    const c = tf.clone(x);
    assert.equal(tf.memory().numDataBuffers, before, 'clone must not allocate a buffer');
    x.dispose();
    assert.deepEqual(Array.from(c.dataSync()), [1, 2, 3]);
    const v = tf.variable(c);
    c.dispose();
    v.assign(tf.tensor([4, 5, 6]));
    assert.deepEqual(Array.from(v.dataSync()), [4, 5, 6]);
    v.dispose();
    usedNative('Identity');
  });

  it('gradients through the native kernels match the stock ones', () => {
    const rng = rngFor(19, 'native-kernels-grads');
    const x = randn(rng, [4, 6, 5]);
    const w = randn(rng, [5, 6, 4]);
    const f = (t: tf.Tensor) => {
      const a = tf.transpose(tf.tanh(t), [2, 1, 0]); // (5, 6, 4)
      const b = tf.mul(tf.sigmoid(a), tf.exp(tf.mul(a, 0.3)));
      const s = tf.softmax(tf.mul(b, w));
      const [p, q] = tf.split(s, [2, 4], 1); // (5, 2, 4), (5, 4, 4)
      const mx = tf.max(tf.slice(tf.tile(p, [1, 2, 1]), [0, 1, 0], [5, 3, 3]), 1);
      return tf.add(tf.add(tf.sum(tf.mean(q, 0)), tf.sum(mx)), tf.sum(tf.min(b, [0, 2])));
    };
    const r = stockThenNative(() => tf.grads((t: tf.Tensor) => f(t))([x]));
    assert.ok(maxRelErr(r.native[0].v, r.stock[0].v, 1e-6) < 1e-4, 'dx');
    tf.dispose([x, w]);
    for (const n of ['Transpose', 'Tanh', 'Sigmoid', 'Exp', 'Softmax', 'SplitV', 'Tile', 'Slice', 'Max', 'Sum', 'Mean', 'Min']) usedNative(n);
  });

  it('falls back to the stock kernels for other dtypes and empty inputs', () => {
    const i32 = tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32');
    const r = stockThenNative(() => [tf.sum(i32, 0), tf.max(i32, 1), tf.exp(i32), tf.sum(tf.zeros([0, 3]), 1), tf.mean(tf.zeros([2, 0]), 0)]);
    assertSame(r, 'fallbacks');
    const c = nativeKernelCounters();
    assert.ok(c.Sum.fallback >= 2 && c.Max.fallback >= 1 && c.Exp.fallback >= 1 && c.Mean.fallback >= 1, JSON.stringify(c));
    i32.dispose();
  });

  it('survives wasm memory growth, is deterministic and leaks no tensors', () => {
    const rng = rngFor(23, 'native-kernels-grow');
    const a = randn(rng, [16, 24, 8]);
    const f = () => tf.tidy(() => [tf.transpose(a, [2, 0, 1]), tf.sum(a, 0), tf.tanh(a), tf.slice(a, [1, 2, 0], [3, 4, 8])].map((t) => Array.from(t.dataSync())));
    const n0 = tf.memory().numTensors;
    const first = f();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const wasm = (tf.backend() as any).wasm;
    const old = wasm.HEAPU8.buffer as ArrayBuffer;
    const big = tf.zeros([Math.ceil(old.byteLength / 4) + 1024]); // forces the heap to grow
    assert.notEqual(wasm.HEAPU8.buffer, old, 'the heap did not grow');
    assert.deepEqual(f(), first);
    big.dispose();
    assert.equal(tf.memory().numTensors, n0);
    a.dispose();
  });

  it('the addon rejects out-of-heap offsets and malformed parameters instead of touching memory', () => {
    const lib = loadNativeAddon()!;
    const heap = new ArrayBuffer(1024);
    const P = (v: number[]) => new Float64Array(v);
    assert.throws(() => lib.transpose!(heap, P([4, 0, 1000, 2, 4, 4, 1, 0])), /outside the heap/);
    assert.throws(() => lib.transpose!(heap, P([4, 0, 512, 2, 4, 4, 0, 0])), /not a permutation/);
    assert.throws(() => lib.transpose!(heap, P([3, 0, 512, 2, 4, 4, 1, 0])), /elemBytes/);
    assert.throws(() => lib.reduce!(heap, P([0, 0, 512, 1, 2, 100, 100])), /input outside the heap/);
    assert.throws(() => lib.reduce!(heap, P([9, 0, 512, 1, 1, 4])), /unknown op/);
    assert.throws(() => lib.reduce!(heap, P([0, 0, 512, 1, 2, 4])), /bad group count/);
    assert.throws(() => lib.unary!(heap, P([0, 2, 512, 4])), /outside the heap/); // misaligned
    assert.throws(() => lib.unary!(heap, P([0, 0, 512, 1e9])), /outside the heap/);
    assert.throws(() => lib.slice!(heap, P([4, 0, 512, 1, 8, 4, 5])), /box outside the input/);
    assert.throws(() => lib.tile!(heap, P([4, 0, 512, 1, 8, 1000])), /outside the heap/);
    assert.throws(() => lib.softmax!(heap, P([0, 512, 2, 0])), /bad size/);
    assert.throws(() => lib.binary!(heap, P([2, 0, 0, 512, 2, 2, 64, 1000, 1, 0, 1])), /input outside the heap/);
    assert.throws(() => lib.binary!(heap, P([2, 0, 0, 1000, 1, 64, 1, 1])), /output outside the heap/);
    assert.throws(() => lib.unary!(heap as unknown as ArrayBuffer, new Float32Array(4) as unknown as Float64Array), /Float64Array/);
    const f = new Float32Array(heap);
    f.set([1, 2, 3, 4, 5, 6]);
    lib.reduce!(heap, P([0, 0, 64, 1, 2, 2, 3]));
    assert.deepEqual(Array.from(f.slice(16, 19)), [5, 7, 9]);
  });
});
