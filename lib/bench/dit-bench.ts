/**
 * `phylab bench --only=dit`: the video DiT's training step and sampling forward pass for each
 * preset of a profile (`--profile quick`, the default: 16 px, 8 frames, 4×4 patches = 128 tokens;
 * `--profile paper`: DiT-S/B/L/XL on the paper's 8×8×8 = 512-token grid, 1×2×2 patches of
 * 8×16×16 clips), batch 32 (`--batch`), on the selected TF.js backend (`--backend`), next to
 * the PyTorch reference of the same shape run in the same process tree (bench/torch_dit_step.py,
 * on CUDA when PyTorch sees a GPU, else on the CPU; PHYLAB_TORCH_BENCH=<path> overrides the
 * script, PHYLAB_PYTHON the interpreter), and the ratio. It also prints the achieved TFLOP/s by the
 * model-FLOP count 3·B·L·(24·N·D² + 4·N²·D) per train step (a third of it per forward).
 *
 * On wasm it times both matmul engines: the stock kernels and, when built, the OpenBLAS kernels
 * of lib/engine/native-matmul.ts. The train step is a full DiTTrainer step (batch assembly,
 * noise, forward, backward, clipping, AdamW, EMA, loss read-back); PyTorch's is forward, MSE,
 * backward and AdamW. The reference's patch embedding maps in_dim → in_dim, ours in_dim → out_dim.
 * A second table times one block with hand-written gradients vs autograd on plain ops.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { disableNativeMatMul, enableNativeMatMul, nativeMatMulAvailable, nativeMatMulStatus } from '../engine/native-matmul';
import { attention, attentionReference } from '../model/attention';
import { DiT } from '../model/dit';
import { layerNormModulate, layerNormModulateReference } from '../model/layer-norm';
import { mlp, mlpReference } from '../model/mlp';
import { ropeTables } from '../model/rope';
import { tokenGeometry } from '../model/dit-config';
import { countParams } from '../model/params';
import { PROFILE_PRESETS, getPreset } from '../model/presets';
import { Profile } from '../config/profile';
import { initBackend } from '../runtime/backend';
import { releaseFreeGpuBuffers } from '../runtime/webgpu';
import { REPO_ROOT } from '../runtime/provenance';
import { DiTRunConfig, trainConfigFor } from '../train/train-config';
import { ditRunConfig } from '../train/run-dit';
import { DiTTrainer } from '../train/trainer';
import { SyntheticSquareSource, defaultSyntheticSquareConfig } from '../train/video-source';
import { BenchOptions, BenchSuite } from './suite';

const UNAVAILABLE = 'PyTorch peer unavailable: apt-get install python3-torch libopenblas0-pthread (or set PHYLAB_PYTHON to a python with torch)';

/**
 * Path of the PyTorch reference script: PHYLAB_TORCH_BENCH, else the project's bench/torch_dit_step.py,
 * else ../shared/bench/torch_dit_step.py beside the repo.
 */
export function torchScriptPath(): string {
  if (process.env.PHYLAB_TORCH_BENCH) return process.env.PHYLAB_TORCH_BENCH;
  const own = resolve(REPO_ROOT, 'bench', 'torch_dit_step.py');
  return existsSync(own) ? own : resolve(REPO_ROOT, '..', 'shared', 'bench', 'torch_dit_step.py');
}

let python: string | null | undefined;

/** The first of PHYLAB_PYTHON, /usr/bin/python3, python3 that imports torch; null when none does. */
export function torchPython(): string | null {
  if (python !== undefined) return python;
  const cands = process.env.PHYLAB_PYTHON ? [process.env.PHYLAB_PYTHON] : ['/usr/bin/python3', 'python3'];
  python = null;
  for (const c of cands) {
    try {
      execFileSync(c, ['-c', 'import torch'], { stdio: 'ignore' });
      python = c;
      break;
    } catch {
      /* next */
    }
  }
  return python;
}

/** Model FLOPs of one training step (forward + backward ≈ 3× forward) of a DiT: 3·B·L·(24·N·D² + 4·N²·D). */
export function ditTrainFlops(batch: number, depth: number, tokens: number, width: number): number {
  return 3 * batch * depth * (24 * tokens * width * width + 4 * tokens * tokens * width);
}

export interface TorchResult {
  train_step_ms: number;
  sample_forward_ms: number;
  torch: string;
  threads: number;
  params: number;
  /** 'cpu' or 'cuda' (older copies of the script print no device: cpu). */
  device?: string;
  gpu?: string | null;
}

/** Runs the reference once for a shape; null (with a printed reason) when PyTorch is missing. */
export function runTorchPeer(shape: { batch: number; tokens: number; inDim: number; width: number; depth: number; heads: number }, iters: number, warmup: number, device = 'auto'): TorchResult | string {
  const script = torchScriptPath();
  if (!existsSync(script)) return `PyTorch peer unavailable: no script at ${script} (set PHYLAB_TORCH_BENCH)`;
  const py = torchPython();
  if (!py) return UNAVAILABLE;
  const own = !/shared[/\\]bench/.test(script); // the shared copy has no --device (CPU only)
  const args = [script, '--batch', shape.batch, '--tokens', shape.tokens, '--in-dim', shape.inDim, '--width', shape.width, '--depth', shape.depth, '--heads', shape.heads, '--iters', iters, '--warmup', warmup, ...(own ? ['--device', device] : [])].map(String);
  try {
    const out = execFileSync(py, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30 * 60 * 1000 });
    const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    if (!line) return `PyTorch peer printed no JSON: ${out.slice(0, 200)}`;
    return JSON.parse(line) as TorchResult;
  } catch (e) {
    const err = e as Error & { stderr?: string | Buffer };
    const tail = String(err.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? '';
    return `PyTorch peer failed: ${err.message.split('\n')[0]}${tail ? ` — ${tail}` : ''}`;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface TfjsTiming {
  engine: string;
  trainMs: number;
  trainMinMs: number;
  sampleMs: number;
  sampleMinMs: number;
}

/** The bench's clip: 8 frames of 16×16 RGB (quick presets: 128 tokens; paper presets, 1×2×2 patches: 512). */
export const BENCH_CLIP: [number, number, number, number] = [8, 16, 16, 3];

/** The run a bench row times: `preset` on BENCH_CLIP pixels, quick training at `batch`, through the one builder (ditRunConfig). */
export function benchRunConfig(preset: string, batch: number): DiTRunConfig {
  return ditRunConfig({ preset, frameShape: BENCH_CLIP, seed: 1, train: { ...trainConfigFor('quick'), batchSize: batch } });
}

async function timeTfjs(preset: string, batch: number, warmup: number, iters: number, engine: string): Promise<TfjsTiming> {
  const src = new SyntheticSquareSource({ ...defaultSyntheticSquareConfig(), count: 4 * batch }, 1);
  const config = benchRunConfig(preset, batch);
  const trainer = DiTTrainer.create({ config, source: src });
  try {
    const train: number[] = [];
    for (let i = 0; i < warmup + iters; i++) {
      const info = await trainer.trainStep();
      if (i >= warmup) train.push(info.ms);
    }
    // sampling forward: one denoiser call at batch `batch` (EMA weights), read back
    const dit: DiT = trainer.model;
    const [t, h, w, c] = config.model.latentShape;
    const xt = tf.randomNormal([batch, t, h, w, c], 0, 1, 'float32', 1) as tf.Tensor5D;
    const cond = tf.randomNormal([batch, t, h, w, c], 0, 1, 'float32', 2) as tf.Tensor5D;
    const mask = tf.ones([batch, t, h, w, 1]) as tf.Tensor5D;
    const ts = tf.fill([batch], 500) as tf.Tensor1D;
    const sample: number[] = [];
    for (let i = 0; i < warmup + iters; i++) {
      const t0 = performance.now();
      const y = dit.apply(trainer.ema, { xt, cond, mask, t: ts });
      await y.data();
      y.dispose();
      if (i >= warmup) sample.push(performance.now() - t0);
    }
    tf.dispose([xt, cond, mask, ts]);
    return { engine, trainMs: median(train), trainMinMs: Math.min(...train), sampleMs: median(sample), sampleMinMs: Math.min(...sample) };
  } finally {
    trainer.dispose();
    releaseFreeGpuBuffers();
  }
}

/**
 * One DiT block's attention + MLP sublayers (B 32, N 128, width D), forward + backward: the
 * hand-written-gradient ops (fast-ops.ts, layer-norm.ts, attention.ts, mlp.ts) vs the same maths
 * with plain ops and autograd (the *Reference functions). Median ms of `iters` runs.
 */
function timeBlock(width: number, fast: boolean, warmup: number, iters: number): number {
  const [b, n, heads] = [32, 128, width / 32];
  const rope = ropeTables([8, 4, 4], heads, 32, 10000);
  const r = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 0.1, 'float32', seed);
  const x = r([b, n, width], 1) as tf.Tensor3D;
  const sh = r([b, 1, width], 2) as tf.Tensor3D;
  const sc = r([b, 1, width], 3) as tf.Tensor3D;
  const shapes = [[width, width], [width], [width, width], [width], [width, width], [width], [width, width], [width], [width, 4 * width], [4 * width], [4 * width, width], [width]];
  const ps = shapes.map((s, i) => r(s, 10 + i));
  const ln = fast ? layerNormModulate : layerNormModulateReference;
  const att = fast ? attention : attentionReference;
  const ml = fast ? mlp : mlpReference;
  const f = (xx: tf.Tensor, ...p: tf.Tensor[]) => {
    const a = att(ln(xx as tf.Tensor3D, sh, sc), { wq: p[0], bq: p[1], wk: p[2], bk: p[3], wv: p[4], bv: p[5], wo: p[6], bo: p[7] }, heads, rope);
    const x1 = tf.add(xx, a) as tf.Tensor3D;
    return tf.sum(tf.add(x1, ml(ln(x1, sh, sc), p[8], p[9], p[10], p[11])));
  };
  const g = tf.grads(f);
  const times: number[] = [];
  for (let i = 0; i < warmup + iters; i++) {
    const t0 = performance.now();
    tf.dispose(tf.tidy(() => g([x, ...ps])));
    if (i >= warmup) times.push(performance.now() - t0);
  }
  tf.dispose([x, sh, sc, ...ps, ...Object.values(rope)]);
  return median(times);
}

/** Three significant digits (TFLOP/s from 0.001 on a CPU to hundreds on a GPU). */
function fmtP(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toPrecision(3);
}

function fmt(x: number | null | undefined, d = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d);
}

export const suite: BenchSuite = {
  name: 'dit',
  description: 'video DiT train step and sampling forward per preset of a profile (default quick: batch 32, 128 tokens) vs the PyTorch reference (CUDA when present)',
  async run(opts: BenchOptions) {
    for (const p of opts.presets ?? []) getPreset(p, '--presets');
    const info = await initBackend({ backend: opts.backend });
    const profile: Profile = opts.profile ?? 'quick';
    const batch = opts.batch ?? 32;
    const warmup = 1;
    const iters = opts.iters ?? (opts.quick ? 2 : 5);
    const engines: string[] = [];
    const before = info.name === 'wasm' ? nativeMatMulStatus() : null;
    if (info.name === 'wasm') {
      engines.push('stock');
      if (nativeMatMulAvailable()) engines.push('openblas');
      else process.stdout.write(`  (OpenBLAS matmul not available: ${enableNativeMatMul().reason})\n`);
    } else engines.push(info.name);
    // the PyTorch peer runs on the GPU when the TF.js side does (and torch sees one), else on the CPU
    const torchDevice = info.gpu ? 'auto' : 'cpu';
    const rows: Array<Record<string, unknown>> = [];
    const blocks: Array<Record<string, unknown>> = [];
    let torchNote: string | null = null;
    let torchWhere: string | null = null;
    const flags = process.env.PHYLAB_TFJS_FLAGS ? `; PHYLAB_TFJS_FLAGS=${process.env.PHYLAB_TFJS_FLAGS}` : '';
    const which = opts.presets ? `presets ${opts.presets.join(', ')}` : `profile ${profile}`;
    process.stdout.write(`  backend ${info.label}${flags}; ${which}; batch ${batch}; median of ${iters} runs after ${warmup} warm-up (ms); ratio = tfjs / pytorch time; TFLOP/s by 3·B·L·(24·N·D² + 4·N²·D) per train step\n`);
    process.stdout.write(`  ${'preset'.padEnd(6)} ${'params'.padStart(10)} ${'tokens'.padStart(6)} ${'engine'.padEnd(9)} ${'train'.padStart(9)} ${'sample'.padStart(8)} ${'TFLOP/s'.padStart(7)} ${'torch tr'.padStart(9)} ${'torch sa'.padStart(9)} ${'t TFLOP/s'.padStart(9)} ${'ratio tr'.padStart(8)} ${'ratio sa'.padStart(8)}\n`);
    try {
      for (const preset of opts.presets ?? PROFILE_PRESETS[profile]) {
        const cfg = benchRunConfig(preset, batch).model;
        const g = tokenGeometry(cfg);
        const torch = runTorchPeer({ batch, tokens: g.tokens, inDim: g.inDim, width: cfg.hidden, depth: cfg.depth, heads: cfg.heads }, iters, warmup, torchDevice);
        if (typeof torch === 'string') {
          if (torchNote !== torch) process.stdout.write(`  ${torch}\n`);
          torchNote = torch;
        } else if (!torchWhere) {
          torchWhere = `PyTorch ${torch.torch} on ${torch.device === 'cuda' ? `CUDA (${torch.gpu}), float32` : `the CPU (${torch.threads} thread${torch.threads === 1 ? '' : 's'})`}`;
          process.stdout.write(`  peer: ${torchWhere}\n`);
        }
        const tr = typeof torch === 'string' ? null : torch;
        const flops = ditTrainFlops(batch, cfg.depth, g.tokens, cfg.hidden);
        for (const engine of engines) {
          if (engine === 'stock') disableNativeMatMul();
          if (engine === 'openblas') enableNativeMatMul();
          const r = await timeTfjs(preset, batch, warmup, iters, engine);
          const row = {
            preset, params: countParams(cfg), tokens: g.tokens, inDim: g.inDim, ...r,
            trainTflops: flops / (r.trainMs * 1e9), sampleTflops: flops / 3 / (r.sampleMs * 1e9),
            torchDevice: tr?.device ?? null, torchGpu: tr?.gpu ?? null,
            torchTrainMs: tr?.train_step_ms ?? null, torchSampleMs: tr?.sample_forward_ms ?? null,
            torchTrainTflops: tr ? flops / (tr.train_step_ms * 1e9) : null,
            ratioTrain: tr ? r.trainMs / tr.train_step_ms : null, ratioSample: tr ? r.sampleMs / tr.sample_forward_ms : null,
          };
          rows.push(row);
          process.stdout.write(`  ${preset.padEnd(6)} ${String(row.params).padStart(10)} ${String(g.tokens).padStart(6)} ${engine.padEnd(9)} ${fmt(r.trainMs).padStart(9)} ${fmt(r.sampleMs).padStart(8)} ${fmtP(row.trainTflops).padStart(7)} ${fmt(tr?.train_step_ms).padStart(9)} ${fmt(tr?.sample_forward_ms).padStart(9)} ${fmtP(row.torchTrainTflops).padStart(9)} ${fmt(row.ratioTrain, 2).padStart(8)} ${fmt(row.ratioSample, 2).padStart(8)}\n`);
        }
      }
      if (profile === 'quick' && !opts.presets) {
        process.stdout.write(`  one block (attention + MLP sublayers), batch 32, 128 tokens, forward + backward, median ms:\n`);
        process.stdout.write(`  ${'width'.padEnd(6)} ${'engine'.padEnd(9)} ${'autograd'.padStart(9)} ${'hand-grad'.padStart(9)} ${'speed-up'.padStart(9)}\n`);
        for (const width of [64, 128]) {
          for (const engine of engines) {
            if (engine === 'stock') disableNativeMatMul();
            if (engine === 'openblas') enableNativeMatMul();
            const ref = timeBlock(width, false, warmup, iters);
            const fast = timeBlock(width, true, warmup, iters);
            blocks.push({ width, engine, autogradMs: ref, handGradMs: fast, speedup: ref / fast });
            process.stdout.write(`  ${String(width).padEnd(6)} ${engine.padEnd(9)} ${fmt(ref).padStart(9)} ${fmt(fast).padStart(9)} ${fmt(ref / fast, 2).padStart(9)}\n`);
          }
        }
      }
    } finally {
      if (before) {
        if (before.enabled) enableNativeMatMul({ threads: before.threads });
        else disableNativeMatMul();
      }
    }
    const goal = rows.filter((r) => r.ratioTrain !== null);
    if (goal.length && info.gpu) {
      process.stdout.write(`  step rate vs PyTorch on the same GPU (goal ≥ 50%): ${goal.map((r) => `${r.preset} ${(100 / (r.ratioTrain as number)).toFixed(1)}%`).join(', ')}\n`);
    }
    return { backend: info.label, adapter: info.adapter ?? null, profile, presets: opts.presets ?? PROFILE_PRESETS[profile], batch, iters, torch: torchNote ?? torchWhere ?? 'ok', rows, blocks };
  },
};
