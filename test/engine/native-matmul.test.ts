import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  disableNativeMatMul, enableNativeMatMul, nativeMatMulAvailable, nativeMatMulCounters, nativeMatMulStatus,
  resetNativeMatMulCounters, stockMatMulKernel,
} from '../../lib/engine/native-matmul';
import { Rng, rngFor } from '../../lib/rng/rng';

type Case = { a: number[]; b: number[]; tA: boolean; tB: boolean };

/** float64 reference of matMul with numpy batch broadcasting (independent of matmul-plan). */
function refMatMul(a: Float32Array, as: number[], b: Float32Array, bs: number[], tA: boolean, tB: boolean): { data: Float64Array; shape: number[] } {
  const ra = as.length, rb = bs.length;
  const M = tA ? as[ra - 1] : as[ra - 2], K = tA ? as[ra - 2] : as[ra - 1];
  const N = tB ? bs[rb - 2] : bs[rb - 1];
  const oa = as.slice(0, -2), ob = bs.slice(0, -2);
  const rank = Math.max(oa.length, ob.length);
  const pa = [...new Array(rank - oa.length).fill(1), ...oa], pb = [...new Array(rank - ob.length).fill(1), ...ob];
  const outer = pa.map((d, i) => (d === 1 ? pb[i] : d));
  const batch = outer.reduce((x, y) => x * y, 1);
  const out = new Float64Array(batch * M * N);
  for (let o = 0; o < batch; o++) {
    let rem = o, ia = 0, ib = 0, sa = 1, sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const i = rem % outer[d];
      rem = Math.floor(rem / outer[d]);
      ia += (pa[d] === 1 ? 0 : i) * sa;
      ib += (pb[d] === 1 ? 0 : i) * sb;
      sa *= pa[d];
      sb *= pb[d];
    }
    const A = ia * M * K, B = ib * K * N;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[A + (tA ? k * M + i : i * K + k)] * b[B + (tB ? j * K + k : k * N + j)];
        out[o * M * N + i * N + j] = s;
      }
    }
  }
  return { data: out, shape: [...outer, M, N] };
}

function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  assert.equal(x.length, y.length, 'lengths differ');
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

function randn(rng: Rng, shape: number[]): tf.Tensor {
  const n = shape.reduce((x, y) => x * y, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return tf.tensor(v, shape);
}

/** Runs fn with the stock kernels, then with the native ones (which stay enabled). */
function stockThenNative<T>(fn: () => T): { stock: T; native: T } {
  disableNativeMatMul();
  const stock = fn();
  assert.ok(enableNativeMatMul().enabled);
  return { stock, native: fn() };
}


describe('engine/native-matmul', function () {
  let previous = '';
  let wasEnabled = false;

  before(async function () {
    if (!nativeMatMulAvailable()) {
      console.log('      (skipped: native OpenBLAS matmul addon not built; run `node native/build.cjs`)');
      this.skip();
    }
    previous = tf.getBackend();
    await tf.setBackend('wasm');
    await tf.ready();
    wasEnabled = nativeMatMulStatus().enabled;
    const s = enableNativeMatMul();
    assert.ok(s.enabled, s.reason);
  });

  after(async function () {
    if (!previous) return;
    if (wasEnabled) enableNativeMatMul({ threads: 1 });
    else disableNativeMatMul();
    await tf.setBackend(previous);
  });

  it('is idempotent, single-threaded by default, and disable restores the stock kernels', () => {
    const stockBmm = stockMatMulKernel('BatchMatMul')!;
    const s1 = enableNativeMatMul();
    const k1 = tf.getKernel('BatchMatMul', 'wasm');
    const s2 = enableNativeMatMul();
    assert.equal(tf.getKernel('BatchMatMul', 'wasm'), k1, 'a second enable must not re-register');
    assert.notEqual(k1, stockBmm);
    assert.equal(s1.threads, 1);
    assert.deepEqual(s1, s2);
    assert.match(s1.label, /OpenBLAS matmul, 1 thread/);
    disableNativeMatMul();
    assert.equal(tf.getKernel('BatchMatMul', 'wasm'), stockBmm);
    assert.equal(tf.getKernel('_FusedMatMul', 'wasm'), stockMatMulKernel('_FusedMatMul'));
    assert.equal(nativeMatMulStatus().enabled, false);
    assert.ok(enableNativeMatMul().enabled);
    assert.equal(enableNativeMatMul({ threads: 2 }).threads, 2);
    assert.equal(enableNativeMatMul({ threads: 1 }).threads, 1);
    assert.throws(() => enableNativeMatMul({ threads: 0 }), /threads must be an integer in 1\.\.64/);
  });

  it('honours PHYLAB_NATIVE_MATMUL=0 and stays off on a non-wasm backend', async () => {
    const saved = process.env.PHYLAB_NATIVE_MATMUL;
    process.env.PHYLAB_NATIVE_MATMUL = '0';
    try {
      const s = enableNativeMatMul();
      assert.equal(s.enabled, false);
      assert.match(s.reason, /PHYLAB_NATIVE_MATMUL=0/);
      assert.equal(tf.getKernel('BatchMatMul', 'wasm'), stockMatMulKernel('BatchMatMul'));
    } finally {
      if (saved === undefined) delete process.env.PHYLAB_NATIVE_MATMUL;
      else process.env.PHYLAB_NATIVE_MATMUL = saved;
    }
    await tf.setBackend('cpu');
    try {
      const s = enableNativeMatMul();
      assert.equal(s.enabled, false);
      assert.match(s.reason, /active backend is cpu/);
    } finally {
      await tf.setBackend('wasm');
    }
    assert.ok(enableNativeMatMul().enabled);
  });

  it('forces an OpenBLAS core type from PHYLAB_OPENBLAS_CORETYPE (checked in a child process) and validates it', function () {
    this.timeout(60000); // a fresh process loads tfjs (~3 s)
    assert.throws(() => enableNativeMatMul({ coreType: 'x; y' }), /coreType: expected '' or an OpenBLAS core name/);
    const code = `const tf = require('@tensorflow/tfjs'); require('@tensorflow/tfjs-backend-wasm');
      const m = require('./lib/engine/native-matmul.ts');
      tf.setBackend('wasm').then(() => process.stdout.write(m.enableNativeMatMul().reason));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
      cwd: path.resolve(__dirname, '..', '..'), encoding: 'utf8', timeout: 60000,
      env: { ...process.env, PHYLAB_OPENBLAS_CORETYPE: 'haswell', OPENBLAS_CORETYPE: 'SKYLAKEX' },
    });
    assert.equal(r.status, 0, r.stderr.slice(-500));
    assert.match(r.stdout, /core Haswell; core forced by coreType=HASWELL/);
  });

  it('matches the stock kernel and a float64 reference on random shapes, transposes and batch broadcasting', () => {
    const rng = rngFor(20261125, 'native-matmul-shapes');
    const cases: Case[] = [];
    const dim = () => 1 + rng.int(40);
    for (let i = 0; i < 24; i++) {
      const [M, N, K] = [dim(), dim(), dim()];
      const tA = rng.bernoulli(0.5), tB = rng.bernoulli(0.5);
      const am = tA ? [K, M] : [M, K], bm = tB ? [N, K] : [K, N];
      const B = 1 + rng.int(4);
      const kind = i % 6;
      const outerA = [[], [B], [1], [B], [2, B], [B]][kind];
      const outerB = [[], [B], [B], [], [2, B], [1]][kind];
      cases.push({ a: [...outerA, ...am], b: [...outerB, ...bm], tA, tB });
    }
    cases.push({ a: [129, 257], b: [257, 65], tA: false, tB: false }); // beyond one OpenBLAS block
    cases.push({ a: [300, 70], b: [90, 300], tA: true, tB: true });
    let checked = 0;
    for (const c of cases) {
      const { a: as, b: bs } = c;
      const a = randn(rng, as), b = randn(rng, bs);
      const ref = refMatMul(a.dataSync() as Float32Array, as, b.dataSync() as Float32Array, bs, c.tA, c.tB);
      resetNativeMatMulCounters();
      const r = stockThenNative(() => tf.tidy(() => tf.matMul(a, b, c.tA, c.tB).dataSync()));
      assert.equal(nativeMatMulCounters().native, 1, `native kernel not used for ${JSON.stringify(c)}`);
      const nat = tf.matMul(a, b, c.tA, c.tB);
      assert.deepEqual(nat.shape, ref.shape, JSON.stringify(c));
      const K = c.tA ? as[as.length - 2] : as[as.length - 1];
      const tol = 2e-6 * K + 1e-5;
      assert.ok(maxAbsDiff(r.native, ref.data) <= tol, `vs reference ${JSON.stringify(c)}: ${maxAbsDiff(r.native, ref.data)}`);
      assert.ok(maxAbsDiff(r.native, r.stock) <= tol, `vs stock ${JSON.stringify(c)}: ${maxAbsDiff(r.native, r.stock)}`);
      tf.dispose([a, b, nat]);
      checked++;
    }
    assert.equal(checked, cases.length);
  });

  it('handles rank-4 broadcasting that crosses dims ([2,1,M,K] x [1,3,K,N]) and rank 2 x rank 3', () => {
    const rng = rngFor(7, 'native-matmul-cross');
    for (const [as, bs, tA, tB] of [
      [[2, 1, 5, 6], [1, 3, 6, 7], false, false],
      [[2, 1, 6, 5], [3, 7, 6], true, true],
      [[5, 6], [4, 6, 3], false, false],
      [[3, 1, 4, 5, 6], [2, 1, 6, 2], false, false],
    ] as [number[], number[], boolean, boolean][]) {
      const a = randn(rng, as), b = randn(rng, bs);
      const ref = refMatMul(a.dataSync() as Float32Array, as, b.dataSync() as Float32Array, bs, tA, tB);
      const y = tf.matMul(a, b, tA, tB);
      assert.deepEqual(y.shape, ref.shape);
      assert.ok(maxAbsDiff(y.dataSync(), ref.data) < 1e-4, `${as} x ${bs}`);
      tf.dispose([a, b, y]);
    }
  });

  it('handles zero-size products (M, N, K or batch = 0)', () => {
    // The stock kernel is no reference here: K = 0 returns uninitialised memory, batch 0 traps in wasm.
    for (const [as, bs] of [[[0, 3], [3, 4]], [[2, 3], [3, 0]], [[2, 0], [0, 4]], [[0, 2, 3], [3, 4]], [[3, 2, 0], [3, 0, 5]]]) {
      const a = tf.ones(as), b = tf.ones(bs);
      const ref = refMatMul(a.dataSync() as Float32Array, as, b.dataSync() as Float32Array, bs, false, false);
      const y = tf.matMul(a, b);
      assert.deepEqual(y.shape, ref.shape, `${as} x ${bs}`);
      assert.deepEqual(Array.from(y.dataSync()), Array.from(ref.data), `${as} x ${bs}`);
      tf.dispose([a, b, y]);
    }
    // K = 0 must give zeros even on reused (dirty) heap memory.
    const junk = tf.fill([64], 7);
    junk.dispose();
    const z = tf.matMul(tf.ones([4, 0]), tf.ones([0, 4]));
    assert.deepEqual(Array.from(z.dataSync()), new Array(16).fill(0));
    z.dispose();
  });

  it('works on slices, transposes and reshapes of other tensors', () => {
    const rng = rngFor(11, 'native-matmul-views');
    const big = randn(rng, [20, 30]);
    const cube = randn(rng, [4, 9, 8]);
    const r = stockThenNative(() => tf.tidy(() => {
      const a = tf.slice(big, [3, 5], [7, 11]); // non-contiguous rows of `big`
      const b = tf.transpose(tf.slice(big, [2, 1], [9, 11])); // (11, 9)
      const c = tf.slice(cube, [1, 2, 0], [2, 5, 8]); // (2, 5, 8)
      const d = tf.reshape(tf.slice(big, [0, 0], [16, 30]), [2, 8, 30]).slice([0, 0, 3], [2, 8, 9]);
      return [tf.matMul(a, b), tf.matMul(c, d), tf.matMul(c, c, false, true)].map((t) => Array.from(t.dataSync()));
    }));
    r.native.forEach((v, i) => assert.ok(maxAbsDiff(v, r.stock[i]) < 1e-5, `case ${i}`));
    tf.dispose([big, cube]);
  });

  it('gives the same gradients through tf.grads as the stock kernels', () => {
    const rng = rngFor(13, 'native-matmul-grad');
    for (const [as, bs, tA, tB] of [
      [[6, 5], [5, 4], false, false], [[5, 6], [5, 4], true, false], [[6, 5], [4, 5], false, true], [[5, 6], [4, 5], true, true],
      [[3, 6, 5], [3, 5, 4], false, false], [[3, 5, 6], [3, 4, 5], true, true],
    ] as [number[], number[], boolean, boolean][]) {
      const a = randn(rng, as), b = randn(rng, bs);
      const outShape = [...as.slice(0, -2), tA ? as[as.length - 1] : as[as.length - 2], tB ? bs[bs.length - 2] : bs[bs.length - 1]];
      const w = randn(rng, outShape);
      const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, tA, tB), w));
      const r = stockThenNative(() => tf.tidy(() => tf.grads(f)([a, b]).map((g) => Array.from(g.dataSync()))));
      assert.ok(maxAbsDiff(r.native[0], r.stock[0]) < 1e-4, `dA ${as} ${bs} ${tA} ${tB}`);
      assert.ok(maxAbsDiff(r.native[1], r.stock[1]) < 1e-4, `dB ${as} ${bs} ${tA} ${tB}`);
      tf.dispose([a, b, w]);
    }
  });

  it('fused matMul: bias (row, scalar, matrix, full) and activations match matMul + add + activation', () => {
    const rng = rngFor(17, 'native-matmul-fused');
    const acts = ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu'] as const;
    const apply = (x: tf.Tensor, act: string): tf.Tensor => act === 'linear' ? x : act === 'relu' ? tf.relu(x)
      : act === 'relu6' ? tf.relu6(x) : act === 'leakyrelu' ? tf.leakyRelu(x, 0.1) : act === 'sigmoid' ? tf.sigmoid(x) : tf.elu(x);
    let i = 0;
    for (const [as, bs, biasShape] of [
      [[6, 5], [5, 4], [4]], [[3, 6, 5], [3, 5, 4], [4]], [[3, 6, 5], [5, 4], [1, 4]], [[2, 6, 5], [2, 5, 4], [1]],
      [[2, 6, 5], [2, 5, 4], [6, 4]], [[2, 6, 5], [2, 5, 4], [2, 6, 4]], [[6, 5], [5, 4], null],
    ] as [number[], number[], number[] | null][]) {
      const act = acts[i++ % acts.length];
      const tB = i % 2 === 0;
      const a = randn(rng, as), b0 = randn(rng, bs);
      const b = tB ? tf.transpose(b0, bs.length === 3 ? [0, 2, 1] : [1, 0]) : b0;
      const bias = biasShape ? randn(rng, biasShape) : undefined;
      const scale = tf.scalar(3); // spread values across the relu6 / sigmoid ranges
      disableNativeMatMul();
      const want = tf.tidy(() => {
        const y = tf.mul(tf.matMul(a, b, false, tB), scale);
        return apply(bias ? tf.add(y, bias) : y, act).dataSync();
      });
      assert.ok(enableNativeMatMul().enabled);
      resetNativeMatMulCounters();
      const got = tf.tidy(() => tf.fused.matMul({ a: tf.mul(a, scale), b, transposeB: tB, bias, activation: act, leakyreluAlpha: 0.1 }).dataSync());
      assert.equal(nativeMatMulCounters().native, 1, `native fused kernel not used (${as} ${bs} ${biasShape})`);
      assert.ok(maxAbsDiff(got, want) < 1e-4, `${act} ${as} x ${bs} + ${biasShape}: ${maxAbsDiff(got, want)}`);
      tf.dispose([a, b0, b, scale, ...(bias ? [bias] : [])]);
    }
  });

  it('fused matMul gradients (bias, relu) match the stock kernels; prelu falls back to the stock kernel', () => {
    const rng = rngFor(19, 'native-matmul-fused-grad');
    const a = randn(rng, [6, 5]), b = randn(rng, [5, 4]), bias = randn(rng, [4]), w = randn(rng, [6, 4]);
    const f = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
      tf.sum(tf.mul(tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, bias: z, activation: 'relu' }), w));
    const r = stockThenNative(() => tf.tidy(() => tf.grads(f)([a, b, bias]).map((g) => Array.from(g.dataSync()))));
    for (let i = 0; i < 3; i++) assert.ok(maxAbsDiff(r.native[i], r.stock[i]) < 1e-4, `grad ${i}`);
    const alpha = tf.fill([4], 0.3);
    const p = stockThenNative(() => {
      resetNativeMatMulCounters();
      return tf.tidy(() => Array.from(tf.fused.matMul({ a, b, activation: 'prelu', preluActivationWeights: alpha }).dataSync()));
    });
    assert.deepEqual(nativeMatMulCounters(), { native: 0, fallback: 1 });
    assert.deepEqual(p.native, p.stock);
    tf.dispose([a, b, bias, w, alpha]);
  });

  it('errors like the stock kernel (int32, inner mismatch) and survives wasm memory growth', () => {
    const i32 = tf.ones([2, 2], 'int32');
    assert.throws(() => tf.matMul(i32, i32), /non-float32/);
    assert.throws(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2])), /inner shapes \(3\) and \(4\)/);
    i32.dispose();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const wasm = (tf.backend() as any).wasm;
    const rng = rngFor(23, 'native-matmul-grow');
    const a = randn(rng, [8, 16]), b = randn(rng, [16, 8]);
    const before = tf.matMul(a, b);
    const oldBuffer = wasm.HEAPU8.buffer as ArrayBuffer;
    const big = tf.zeros([Math.ceil(oldBuffer.byteLength / 4) + 1024]); // forces the heap to grow
    assert.notEqual(wasm.HEAPU8.buffer, oldBuffer, 'the heap did not grow');
    const after = tf.matMul(a, b);
    assert.deepEqual(Array.from(after.dataSync()), Array.from(before.dataSync()));
    tf.dispose([a, b, before, after, big]);
  });

  it('is deterministic and leaks no tensors', () => {
    const rng = rngFor(29, 'native-matmul-det');
    const a = randn(rng, [4, 33, 17]), b = randn(rng, [4, 17, 29]);
    const n0 = tf.memory().numTensors;
    const x = tf.tidy(() => tf.matMul(a, b).dataSync());
    const y = tf.tidy(() => tf.matMul(a, b).dataSync());
    assert.equal(tf.memory().numTensors, n0);
    assert.deepEqual(Buffer.from(x.buffer), Buffer.from(y.buffer));
    tf.dispose([a, b]);
  });
});
