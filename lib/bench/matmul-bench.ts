/**
 * `phylab bench --only=matmul`: TF.js wasm matmul speed, stock kernels vs the native OpenBLAS
 * kernels (lib/engine/native-matmul.ts) with 1 and 2 OpenBLAS threads, in GFLOP/s; then one
 * pre-LN transformer block trained for a step (forward + backward, built-in gradients) in ms,
 * with a per-kernel profile showing what stays expensive; the block also runs with the native
 * non-matmul kernels (lib/engine/native-kernels.ts; their own table: `phylab bench --only=kernels`).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../runtime/backend';
import { disableNativeMatMul, enableNativeMatMul, nativeMatMulAvailable, nativeMatMulStatus } from '../engine/native-matmul';
import { formatKernelTable, profileKernels } from '../engine/kernel-profile';
import { rngFor } from '../rng/rng';
import { BenchOptions, BenchSuite } from './suite';

/**
 * The engines compared: stock wasm kernels, OpenBLAS with 1 and with 2 threads (other kernels
 * stock), and OpenBLAS (1 thread) with the native non-matmul kernels.
 */
type Engine = 'stock' | 'blas1' | 'blas2' | 'native';
const ENGINES: Engine[] = ['stock', 'blas1', 'blas2'];

/**
 * Fastest of `iters` timed runs (after `warmup`), ms. On this shared 2-vCPU machine other
 * processes inflate single runs several-fold; the minimum is the stable figure for a
 * single-threaded kernel (medians are printed alongside where it matters).
 */
async function bestMs(fn: () => unknown, warmup: number, iters: number): Promise<number> {
  for (let i = 0; i < warmup; i++) fn();
  let best = Infinity;
  for (let i = 0; i < iters; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function useEngine(e: Engine): void {
  if (e === 'stock') disableNativeMatMul();
  else {
    const s = enableNativeMatMul({ threads: e === 'blas2' ? 2 : 1, kernels: e === 'native' });
    if (!s.enabled) throw new Error(`native matmul unavailable: ${s.reason}`);
  }
}

interface MatMulCase {
  label: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

function flops(c: MatMulCase): number {
  const ra = c.a.length;
  const m = c.transposeA ? c.a[ra - 1] : c.a[ra - 2];
  const k = c.transposeA ? c.a[ra - 2] : c.a[ra - 1];
  const rb = c.b.length;
  const n = c.transposeB ? c.b[rb - 2] : c.b[rb - 1];
  const batch = Math.max(c.a.slice(0, -2).reduce((x, y) => x * y, 1), c.b.slice(0, -2).reduce((x, y) => x * y, 1));
  return 2 * batch * m * n * k;
}

function matmulCases(): MatMulCase[] {
  const cases: MatMulCase[] = [
    { label: '1024² plain', a: [1024, 1024], b: [1024, 1024], transposeA: false, transposeB: false },
    { label: '512² transposeA', a: [512, 512], b: [512, 512], transposeA: true, transposeB: false },
    { label: '512² transposeB', a: [512, 512], b: [512, 512], transposeA: false, transposeB: true },
    { label: '512² both transposed', a: [512, 512], b: [512, 512], transposeA: true, transposeB: true },
    // Dense layer on B=32 x T=128 tokens, D=128 -> 4D, and its two gradients.
    { label: 'dense (4096,128)x(128,512)', a: [4096, 128], b: [128, 512], transposeA: false, transposeB: false },
    { label: 'dense dX: dy·Wᵀ', a: [4096, 512], b: [128, 512], transposeA: false, transposeB: true },
    { label: 'dense dW: xᵀ·dy', a: [4096, 128], b: [4096, 512], transposeA: true, transposeB: false },
    { label: 'dense (32,128,128)x(128,512)', a: [32, 128, 128], b: [128, 512], transposeA: false, transposeB: false },
  ];
  for (const heads of [2, 4]) {
    const bh = 32 * heads;
    cases.push({ label: `attn QKᵀ B32 h${heads} (${bh},128,32)`, a: [bh, 128, 32], b: [bh, 128, 32], transposeA: false, transposeB: true });
    cases.push({ label: `attn P·V B32 h${heads}`, a: [bh, 128, 128], b: [bh, 128, 32], transposeA: false, transposeB: false });
    cases.push({ label: `attn (${bh},128,32)x(${bh},32,128)`, a: [bh, 128, 32], b: [bh, 32, 128], transposeA: false, transposeB: false });
  }
  return cases;
}

async function benchMatMuls(opts: BenchOptions): Promise<Record<string, Record<Engine, number>>> {
  const rng = rngFor(1, 'matmul-bench');
  const out: Record<string, Record<Engine, number>> = {};
  process.stdout.write(`  ${'case'.padEnd(36)} ${'stock'.padStart(8)} ${'BLAS 1T'.padStart(8)} ${'BLAS 2T'.padStart(8)}  GFLOP/s, best of N  (speed-up 1T)\n`);
  for (const c of matmulCases()) {
    const a = tf.randomNormal(c.a, 0, 1, 'float32', rng.seedInt());
    const b = tf.randomNormal(c.b, 0, 1, 'float32', rng.seedInt());
    const row = {} as Record<Engine, number>;
    for (const e of ENGINES) {
      useEngine(e);
      const once = () => tf.tidy(() => tf.matMul(a, b, c.transposeA, c.transposeB)).dispose();
      const t0 = performance.now();
      once(); // warm-up; also sizes the repetitions to ~0.3 s (0.1 s with --quick)
      const first = performance.now() - t0;
      const iters = Math.max(1, Math.min(opts.quick ? 5 : 20, Math.round((opts.quick ? 100 : 300) / Math.max(first, 0.01))));
      const ms = await bestMs(once, 0, iters);
      row[e] = flops(c) / (ms * 1e6);
    }
    out[c.label] = row;
    process.stdout.write(`  ${c.label.padEnd(36)} ${row.stock.toFixed(1).padStart(8)} ${row.blas1.toFixed(1).padStart(8)} ${row.blas2.toFixed(1).padStart(8)}  (${(row.blas1 / row.stock).toFixed(1)}x)\n`);
    tf.dispose([a, b]);
  }
  return out;
}

/** Shape of the toy transformer block. */
export interface BlockBenchConfig {
  /** Batch size. */
  batch: number;
  /** Tokens per sequence. */
  tokens: number;
  /** Model width. */
  width: number;
  /** Attention heads (head dim = width / heads). */
  heads: number;
}

/** Matmul FLOPs of one block's forward + backward: 3·B·(24·T·D² + 4·T²·D). */
export function blockStepFlops(c: BlockBenchConfig): number {
  return 3 * c.batch * (24 * c.tokens * c.width ** 2 + 4 * c.tokens ** 2 * c.width);
}

/**
 * One pre-LN transformer block (LN, MHA, residual, LN, MLP 4x with GELU, residual), built-in
 * gradients, MSE loss. `plain`: fused QKV projection split by a rank-5 transpose, tanh-GELU (how
 * one would write it first). `tuned`: separate Q/K/V projections with rank-4 transposes and
 * x·sigmoid(1.702x) GELU, avoiding the slowest stock wasm kernels (rank-5 Transpose, Tanh, SplitV).
 * Returns a function running one SGD step (forward + backward + update) and a disposer.
 */
function makeBlockStep(c: BlockBenchConfig, seed: number, layout: 'plain' | 'tuned'): { step: () => tf.Scalar; dispose: () => void } {
  const { batch: B, tokens: T, width: D, heads: H } = c;
  const dh = D / H;
  const rng = rngFor(seed, 'block-bench');
  const w = (shape: number[], std: number) => tf.variable(tf.randomNormal(shape, 0, std, 'float32', rng.seedInt()));
  const p = {
    g1: tf.variable(tf.ones([D])), b1: tf.variable(tf.zeros([D])),
    wqkv: w([D, 3 * D], D ** -0.5), bqkv: tf.variable(tf.zeros([3 * D])),
    wq: w([D, D], D ** -0.5), wk: w([D, D], D ** -0.5), wv: w([D, D], D ** -0.5),
    bq: tf.variable(tf.zeros([D])), bk: tf.variable(tf.zeros([D])), bv: tf.variable(tf.zeros([D])),
    wo: w([D, D], D ** -0.5), bo: tf.variable(tf.zeros([D])),
    g2: tf.variable(tf.ones([D])), b2: tf.variable(tf.zeros([D])),
    w1: w([D, 4 * D], D ** -0.5), c1: tf.variable(tf.zeros([4 * D])),
    w2: w([4 * D, D], (4 * D) ** -0.5), c2: tf.variable(tf.zeros([D])),
  };
  const used = layout === 'plain' ? ['wq', 'wk', 'wv', 'bq', 'bk', 'bv'] : ['wqkv', 'bqkv'];
  const trainable = Object.entries(p).filter(([k]) => !used.includes(k)).map(([, v]) => v);
  const x = tf.randomNormal([B, T, D], 0, 1, 'float32', rng.seedInt());
  const target = tf.randomNormal([B, T, D], 0, 1, 'float32', rng.seedInt());
  const layerNorm = (v: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(v, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(v, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b);
  };
  const gelu = layout === 'plain'
    ? (v: tf.Tensor) => tf.mul(tf.mul(v, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(v, tf.mul(tf.mul(tf.mul(v, v), v), 0.044715)), 0.7978845608))))
    : (v: tf.Tensor) => tf.mul(v, tf.sigmoid(tf.mul(v, 1.702)));
  // (B*T, D) -> (B*H, T, dh)
  const toHeads = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [B, T, H, dh]), [0, 2, 1, 3]), [B * H, T, dh]);
  const lossFn = (): tf.Scalar => {
    const h = tf.reshape(layerNorm(x, p.g1, p.b1), [B * T, D]); // (B*T, D)
    let q: tf.Tensor, k: tf.Tensor, v: tf.Tensor;
    if (layout === 'plain') {
      const qkv = tf.transpose(tf.reshape(tf.add(tf.matMul(h, p.wqkv), p.bqkv), [B, T, 3, H, dh]), [2, 0, 3, 1, 4]); // (3, B, H, T, dh)
      [q, k, v] = tf.split(qkv, 3, 0).map((t) => tf.reshape(t, [B * H, T, dh]));
    } else {
      [q, k, v] = [[p.wq, p.bq], [p.wk, p.bk], [p.wv, p.bv]].map(([wt, bt]) => toHeads(tf.add(tf.matMul(h, wt), bt)));
    }
    const att = tf.softmax(tf.mul(tf.matMul(q, k, false, true), dh ** -0.5)); // (B*H, T, T)
    const o = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, v), [B, H, T, dh]), [0, 2, 1, 3]), [B * T, D]);
    const x1 = tf.add(tf.reshape(x, [B * T, D]), tf.add(tf.matMul(o, p.wo), p.bo)); // (B*T, D)
    const m = gelu(tf.add(tf.matMul(layerNorm(x1, p.g2, p.b2), p.w1), p.c1)); // (B*T, 4D)
    const y = tf.add(x1, tf.add(tf.matMul(m, p.w2), p.c2));
    return tf.mean(tf.square(tf.sub(y, tf.reshape(target, [B * T, D]))));
  };
  const opt = tf.train.sgd(1e-3);
  return {
    step: () => tf.tidy(() => {
      const { value, grads } = tf.variableGrads(lossFn, trainable);
      opt.applyGradients(grads);
      return value;
    }),
    dispose: () => {
      tf.dispose([x, target, ...Object.values(p)]);
      opt.dispose();
    },
  };
}

interface StepTiming {
  /** Fastest wall time of a step, ms. */
  bestMs: number;
  /** Median wall time, ms. */
  medianMs: number;
  /** Fewest process CPU milliseconds of a step (robust to other processes on the machine). */
  cpuMs: number;
}

async function timeSteps(step: () => void, iters: number): Promise<StepTiming> {
  const times: number[] = [];
  const cpu: number[] = [];
  step(); // warm-up
  for (let i = 0; i < iters; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  times.sort((x, y) => x - y);
  return { bestMs: times[0], medianMs: times[Math.floor(times.length / 2)], cpuMs: Math.min(...cpu) };
}

async function benchBlock(c: BlockBenchConfig, opts: BenchOptions, profile: boolean): Promise<Record<string, StepTiming>> {
  const row: Record<string, StepTiming> = {};
  const gf = blockStepFlops(c) / 1e9;
  process.stdout.write(`\n  transformer block step B${c.batch} T${c.tokens} D${c.width} h${c.heads} (${gf.toFixed(2)} GFLOP of matmul):\n`);
  const runs: [string, Engine, 'plain' | 'tuned'][] = [
    ['stock plain', 'stock', 'plain'], ['blas1 plain', 'blas1', 'plain'], ['blas2 plain', 'blas2', 'plain'], ['blas1 tuned', 'blas1', 'tuned'],
    ['native plain', 'native', 'plain'], ['native tuned', 'native', 'tuned'],
  ];
  for (const [label, e, layout] of runs) {
    useEngine(e);
    const block = makeBlockStep(c, 5, layout);
    const iters = e === 'stock' ? (opts.quick ? 2 : 4) : opts.quick ? 5 : 15;
    const t = await timeSteps(() => block.step().dispose(), iters);
    row[label] = t;
    process.stdout.write(`    ${label.padEnd(12)} ${t.bestMs.toFixed(1).padStart(8)} ms/step best, ${t.medianMs.toFixed(1).padStart(8)} median, ` +
      `${t.cpuMs.toFixed(1).padStart(8)} CPU-ms best  (${(gf / (t.cpuMs / 1000)).toFixed(1)} GFLOP/s per CPU-s)\n`);
    if (profile && (label === 'blas1 plain' || label === 'native plain' || label === 'stock plain')) {
      const prof = await profileKernels(() => block.step(), opts.quick ? 1 : 3);
      process.stdout.write(`    kernel profile (${label}):\n${formatKernelTable(prof, 10).replace(/^/gm, '    ')}\n`);
    }
    block.dispose();
  }
  return row;
}

export const suite: BenchSuite = {
  name: 'matmul',
  description: 'TF.js wasm matmul: stock kernels vs native OpenBLAS (1 and 2 threads); a transformer block train step (also with the native kernels)',
  async run(opts: BenchOptions) {
    await initBackend({ backend: 'wasm' });
    if (!nativeMatMulAvailable()) {
      const s = enableNativeMatMul();
      process.stdout.write(`  skipped: ${s.reason}\n`);
      return { skipped: s.reason };
    }
    const before = nativeMatMulStatus();
    try {
      const matmuls = await benchMatMuls(opts);
      const blocks: Record<string, Record<string, StepTiming>> = {};
      const configs: BlockBenchConfig[] = [
        { batch: 32, tokens: 64, width: 128, heads: 4 },
        { batch: 32, tokens: 128, width: 64, heads: 2 },
      ];
      for (const [i, c] of configs.entries()) {
        blocks[`B${c.batch} T${c.tokens} D${c.width} h${c.heads}`] = await benchBlock(c, opts, i === 0);
      }
      return { blas: enableNativeMatMul().blas, matmulGflops: matmuls, blockStepMs: blocks };
    } finally {
      if (before.enabled) enableNativeMatMul({ threads: before.threads, kernels: before.kernels.enabled });
      else disableNativeMatMul();
    }
  },
};
