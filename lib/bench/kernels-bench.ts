/**
 * `phylab bench --only=kernels`: the native non-matmul wasm kernels (lib/engine/native-kernels.ts)
 * against the stock tfjs-wasm ones at transformer / DiT shapes (ms per call, best of N), then the
 * quick-preset DiT training step with three engines (stock; OpenBLAS matmul only; OpenBLAS matmul +
 * native kernels) next to the PyTorch CPU reference (bench/torch_dit_step.py, or
 * PHYLAB_TORCH_BENCH), with the kernel profile of what stays expensive.
 *
 * The machine is shared: step times are the fewest process CPU-milliseconds over the runs (and the
 * fastest wall time), for TF.js and PyTorch alike. PyTorch is timed by a small driver that imports
 * the reference script's model (same model, same allocator and thread settings) and reads
 * time.process_time() around each step. The TF.js step is a full DiTTrainer step (data, noise,
 * forward, backward, clipping, AdamW, EMA); PyTorch's is forward, MSE, backward, AdamW.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { formatKernelTable, profileKernels } from '../engine/kernel-profile';
import { disableNativeKernels, enableNativeKernels, nativeKernelsStatus } from '../engine/native-kernels';
import { disableNativeMatMul, enableNativeMatMul, nativeMatMulStatus } from '../engine/native-matmul';
import { tokenGeometry } from '../model/dit-config';
import { PROFILE_PRESETS } from '../model/presets';
import { rngFor } from '../rng/rng';
import { initBackend } from '../runtime/backend';
import { benchRunConfig, torchScriptPath } from './dit-bench';
import { DiTTrainer } from '../train/trainer';
import { SyntheticSquareSource, defaultSyntheticSquareConfig } from '../train/video-source';
import { BenchOptions, BenchSuite } from './suite';

const PYTHON = '/usr/bin/python3';

/** Fastest of `iters` runs after `warmup`, ms. */
function bestMs(fn: () => void, warmup: number, iters: number): number {
  for (let i = 0; i < warmup; i++) fn();
  let best = Infinity;
  for (let i = 0; i < iters; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** ms per call of each kernel, stock vs native, at transformer block (B32 T64 D128) and DiT shapes. */
function benchKernels(opts: BenchOptions): Record<string, { stock: number; native: number }> {
  const rng = rngFor(3, 'kernels-bench');
  const r = (shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', rng.seedInt());
  const h = r([2048, 512]); // (B*T, 4D) MLP activations
  const h2 = r([2048, 512]);
  const qkv = r([32, 64, 3, 4, 32]); // (B, T, 3, H, dh)
  const heads = r([32, 4, 64, 32]); // (B, H, T, dh)
  const att = r([128, 64, 64]); // (B*H, T, T)
  const x = r([32, 128, 64]); // DiT q64 tokens (B, N, W)
  const col = r([32, 128, 1]);
  const mask = r([32, 8, 1, 1, 1]);
  const ops: [string, () => tf.TensorContainer][] = [
    ['Sum axis 0 (2048,512) [bias grad]', () => tf.sum(h, 0)],
    ['Sum axis 1 (32,128,64) keepDims', () => tf.sum(x, 1, true)],
    ['Sum all (2048,512)', () => tf.sum(h)],
    ['Mean last axis (32,128,64)', () => tf.mean(x, -1, true)],
    ['Max axis 0 (2048,512)', () => tf.max(h, 0)],
    ['Transpose rank 5 (32,64,3,4,32)', () => tf.transpose(qkv, [2, 0, 3, 1, 4])],
    ['Transpose rank 4 (32,4,64,32)', () => tf.transpose(heads, [0, 2, 1, 3])],
    ['Transpose 2-D (2048,512)', () => tf.transpose(h)],
    ['Tanh (2048,512)', () => tf.tanh(h)],
    ['Exp (2048,512)', () => tf.exp(h)],
    ['Sigmoid (2048,512)', () => tf.sigmoid(h)],
    ['Softmax (128,64,64)', () => tf.softmax(att)],
    ['Slice (2048,512)->(2048,128)', () => tf.slice(h, [0, 0], [2048, 128])],
    ['Split 3 of (3,786432)', () => tf.split(tf.reshape(qkv, [3, -1]), 3, 0)],
    ['Split 3 along axis 2 (32,64,3,4,32)', () => tf.split(qkv, 3, 2)],
    ['Tile mask (32,8,1,1,1)->(32,8,16,16,1)', () => tf.tile(mask, [1, 1, 16, 16, 1])],
    ['Mul (2048,512)', () => tf.mul(h, h2)],
    ['Mul (32,128,64)x(32,128,1)', () => tf.mul(x, col)],
    ['Add bias (2048,512)+(512)', () => tf.add(h, tf.slice(h2, [0, 0], [1, 512]))],
    ['Identity (clone) (2048,512)', () => tf.clone(h)],
  ];
  const out: Record<string, { stock: number; native: number }> = {};
  const iters = opts.quick ? 5 : 15;
  process.stdout.write(`  ${'kernel at block shapes'.padEnd(40)} ${'stock'.padStart(8)} ${'native'.padStart(8)}  ms per call, best of ${iters}\n`);
  for (const [label, f] of ops) {
    const once = () => tf.dispose(f());
    disableNativeKernels();
    const stock = bestMs(once, 1, Math.min(iters, 5));
    enableNativeKernels();
    const native = bestMs(once, 2, iters);
    out[label] = { stock, native };
    process.stdout.write(`  ${label.padEnd(40)} ${stock.toFixed(3).padStart(8)} ${native.toFixed(3).padStart(8)}  (${(stock / native).toFixed(1)}x)\n`);
  }
  tf.dispose([h, h2, qkv, heads, att, x, col, mask]);
  return out;
}

interface StepTiming {
  /** Fewest process CPU-ms of a step. */
  cpuMs: number;
  /** Fastest wall ms of a step. */
  wallMs: number;
}

function makeTrainer(preset: string, batch: number): DiTTrainer {
  const src = new SyntheticSquareSource({ ...defaultSyntheticSquareConfig(), count: 4 * batch }, 1);
  return DiTTrainer.create({ config: benchRunConfig(preset, batch), source: src });
}

async function timeSteps(trainer: DiTTrainer, iters: number): Promise<StepTiming> {
  await trainer.trainStep(); // warm-up
  let cpuMs = Infinity;
  let wallMs = Infinity;
  for (let i = 0; i < iters; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await trainer.trainStep();
    wallMs = Math.min(wallMs, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs = Math.min(cpuMs, (c.user + c.system) / 1000);
  }
  return { cpuMs, wallMs };
}

/** Python driver: the reference script's DiT, best CPU-ms and wall-ms of a training step. */
const TORCH_DRIVER = `
import sys, json, time, importlib.util
spec = importlib.util.spec_from_file_location("torch_dit_step", sys.argv[1])
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)  # no re-exec: TORCH_ENV is set
import torch
batch, tokens, in_dim, width, depth, heads, iters = (int(v) for v in sys.argv[2:9])
torch.manual_seed(0)
model = m.DiT(tokens, in_dim, width, depth, heads, 4.0)
opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
x = torch.randn(batch, tokens, in_dim); t = torch.rand(batch) * 1000; y = torch.randn(batch, tokens, in_dim)
def step():
    opt.zero_grad(set_to_none=True)
    loss = ((model(x, t) - y) ** 2).mean(); loss.backward(); opt.step()
step()
cpu, wall = [], []
for _ in range(iters):
    c0 = time.process_time(); t0 = time.perf_counter(); step()
    wall.append((time.perf_counter() - t0) * 1e3); cpu.append((time.process_time() - c0) * 1e3)
print(json.dumps({"cpuMs": min(cpu), "wallMs": min(wall), "threads": torch.get_num_threads()}))
`;

/** The allocator / thread settings the reference script re-executes itself with (set here, so it does not). */
const TORCH_ENV = { MALLOC_MMAP_MAX_: '0', MALLOC_TRIM_THRESHOLD_: '100000000000', OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };

/** PyTorch's best step times for a DiT shape, or the reason it could not run. */
function torchStep(shape: number[], iters: number): StepTiming | string {
  const script = torchScriptPath();
  if (!existsSync(script)) return `no PyTorch reference script at ${script} (set PHYLAB_TORCH_BENCH)`;
  try {
    const out = execFileSync(PYTHON, ['-c', TORCH_DRIVER, script, ...shape.map(String), String(iters)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20 * 60 * 1000, env: { ...process.env, ...TORCH_ENV } });
    const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    return line ? (JSON.parse(line) as StepTiming) : `PyTorch driver printed no JSON`;
  } catch (e) {
    return `PyTorch unavailable (apt-get install python3-torch libopenblas0-pthread): ${(e as Error).message.split('\n')[0].slice(0, 120)}`;
  }
}

type Engine = 'stock' | 'blas' | 'native';
const ENGINE_LABEL: Record<Engine, string> = { stock: 'stock wasm', blas: 'OpenBLAS matmul', native: 'matmul + kernels' };

function useEngine(e: Engine): void {
  if (e === 'stock') disableNativeMatMul();
  else enableNativeMatMul({ threads: 1, kernels: e === 'native' });
}

async function benchDit(opts: BenchOptions): Promise<Record<string, unknown>[]> {
  const batch = 32;
  const iters = opts.quick ? 3 : 8;
  const presets = opts.quick ? PROFILE_PRESETS.quick.slice(0, 1) : [...PROFILE_PRESETS.quick];
  const rows: Record<string, unknown>[] = [];
  process.stdout.write(`\n  DiT train step, batch ${batch}, 16 px x 8 frames (128 tokens); best of ${iters}: CPU-ms (wall-ms); ratio = CPU-ms / PyTorch CPU-ms\n`);
  for (const preset of presets) {
    const cfg = benchRunConfig(preset, batch).model;
    const g = tokenGeometry(cfg);
    const torch = torchStep([batch, g.tokens, g.inDim, cfg.hidden, cfg.depth, cfg.heads], iters);
    const tr = typeof torch === 'string' ? null : torch;
    process.stdout.write(`  ${preset}: PyTorch ${tr ? `${tr.cpuMs.toFixed(1)} (${tr.wallMs.toFixed(1)})` : torch}\n`);
    for (const e of ['stock', 'blas', 'native'] as Engine[]) {
      if (e === 'stock' && opts.quick) continue;
      useEngine(e);
      const trainer = makeTrainer(preset, batch);
      try {
        const t = await timeSteps(trainer, e === 'stock' ? Math.min(iters, 3) : iters);
        const ratio = tr ? t.cpuMs / tr.cpuMs : null;
        rows.push({ preset, engine: e, ...t, torchCpuMs: tr?.cpuMs ?? null, torchWallMs: tr?.wallMs ?? null, ratio });
        process.stdout.write(`    ${ENGINE_LABEL[e].padEnd(18)} ${t.cpuMs.toFixed(1).padStart(8)} (${t.wallMs.toFixed(1)})${ratio ? `  ratio ${ratio.toFixed(2)}` : ''}\n`);
        if (e === 'native' && preset === presets[0]) {
          const prof = await profileKernels(() => trainer.trainStep() as unknown as tf.TensorContainer, opts.quick ? 1 : 3);
          process.stdout.write(`    kernel profile (${preset}, ${ENGINE_LABEL[e]}; nested scopes such as 'unnamed scope' repeat their kernels' time):\n${formatKernelTable(prof, 14).replace(/^/gm, '    ')}\n`);
        }
      } finally {
        trainer.dispose();
      }
    }
  }
  return rows;
}

export const suite: BenchSuite = {
  name: 'kernels',
  description: 'native non-matmul wasm kernels vs stock at block shapes; DiT train step (stock / OpenBLAS / + kernels) vs PyTorch, CPU-ms',
  async run(opts: BenchOptions) {
    await initBackend({ backend: 'wasm' });
    const before = nativeMatMulStatus();
    const kernelsBefore = nativeKernelsStatus();
    const probe = enableNativeKernels();
    if (!probe.enabled) {
      process.stdout.write(`  skipped: ${probe.reason}\n`);
      return { skipped: probe.reason };
    }
    try {
      const kernels = benchKernels(opts);
      const dit = await benchDit(opts);
      return { kernelsMs: kernels, ditTrainStep: dit };
    } finally {
      if (before.enabled) enableNativeMatMul({ threads: before.threads, kernels: kernelsBefore.enabled });
      else disableNativeMatMul();
      if (!before.enabled && kernelsBefore.enabled) enableNativeKernels();
    }
  },
};
