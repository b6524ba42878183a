/**
 * Optional native matrix multiply for the TF.js wasm backend: OpenBLAS `sgemm` through the N-API
 * addon in native/ (built by `npm install` when g++ and libopenblas-dev exist), registered as the
 * wasm backend's `BatchMatMul` and `_FusedMatMul` kernels. The addon reads and writes the wasm
 * heap in place (tensor = byte offset into the WebAssembly.Memory buffer), so nothing is copied.
 *
 * Why: tfjs-wasm runs a plain 1024² matmul at ~30 GFLOP/s, transposed operands (every matMul
 * gradient) at 1.4–2.9 GFLOP/s and batched attention matmuls at ~2 GFLOP/s; OpenBLAS does all
 * of them at BLAS speed (transposes are free: CblasTrans).
 *
 * Cases the native path does not handle fall back to the stock wasm kernel (non-float32, rank < 2,
 * prelu, biases that are not a scalar / row / matrix / full output). `PHYLAB_NATIVE_MATMUL=0`
 * disables it; `PHYLAB_NATIVE_MATMUL_THREADS=<n>` sets OpenBLAS threads (default 1).
 *
 * `enableNativeMatMul()` is the single entry point for the native engine (what `initBackend()`
 * calls on wasm): it also registers the non-matmul native kernels of native-kernels.ts (Sum, Mean,
 * Max, Min, Transpose, Exp, Tanh, Sigmoid, Softmax, Slice, SplitV, Tile, Identity) unless
 * `kernels: false` or `PHYLAB_NATIVE_KERNELS=0`; `disableNativeMatMul()` puts every stock kernel back.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmBackend, heap, offsetOf } from './wasm-heap';
import { ConfigError } from '../config/profile';
import { planMatMul, biasMode, BiasMode, MatMulPlan } from './matmul-plan';
import { NATIVE_ADDON_PATH, NativeAddon, loadNativeAddon, nativeAddonCoreNote, nativeAddonError, parseCoreType } from './native-addon';
import { fusedKernelsStatus } from './fused-kernels';
import { NativeKernelsStatus, disableNativeKernels, enableNativeKernels, nativeKernelsStatus } from './native-kernels';

export { NATIVE_ADDON_PATH };

export interface NativeMatMulConfig {
  /**
   * OpenBLAS threads. Default 1, or `PHYLAB_NATIVE_MATMUL_THREADS`. Here 2 threads double a lone
   * 1024² sgemm but make a training step 2x slower (OpenBLAS workers spin and take the CPU from the
   * elementwise kernels), and the second vCPU generates data.
   */
  threads: number;
  /**
   * OpenBLAS kernel family to force (an OPENBLAS_CORETYPE name such as 'SKYLAKEX' or 'HASWELL'),
   * applied when the library is first loaded and overriding an inherited OPENBLAS_CORETYPE; '' keeps
   * the environment's / OpenBLAS's own choice. Default '' or `PHYLAB_OPENBLAS_CORETYPE`.
   * (Here OpenBLAS picks Cooperlake/AVX-512 by itself, ~155 GFLOP/s single-threaded; an inherited
   * OPENBLAS_CORETYPE=Haswell gives ~95.)
   */
  coreType: string;
  /**
   * Also register the native non-matmul kernels (lib/engine/native-kernels.ts). Default true;
   * `PHYLAB_NATIVE_KERNELS=0` turns them off whatever this says.
   */
  kernels: boolean;
}

/** Defaults: 1 thread (or `PHYLAB_NATIVE_MATMUL_THREADS`), coreType '' (or `PHYLAB_OPENBLAS_CORETYPE`), kernels true. */
export function defaultNativeMatMulConfig(): NativeMatMulConfig {
  const env = process.env.PHYLAB_NATIVE_MATMUL_THREADS;
  return {
    threads: env === undefined || env === '' ? 1 : parseThreads(env, 'PHYLAB_NATIVE_MATMUL_THREADS'),
    coreType: process.env.PHYLAB_OPENBLAS_CORETYPE ?? '',
    kernels: true,
  };
}

export interface NativeMatMulStatus {
  /** Whether BatchMatMul/_FusedMatMul on wasm currently run through OpenBLAS. */
  enabled: boolean;
  /** Why (not) enabled, one line. */
  reason: string;
  /** OpenBLAS threads in use (0 when not enabled). */
  threads: number;
  /** openblas_get_config() of the loaded library, or null. */
  blas: string | null;
  /** Short text for the backend line, e.g. 'OpenBLAS matmul, 1 thread; 13 native kernels'. */
  label: string;
  /** The non-matmul native kernels (enabled or not, independently of the matmul). */
  kernels: NativeKernelsStatus;
}

type Addon = NativeAddon;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type KernelArgs = { inputs: any; backend: WasmBackend; attrs: any };

const KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
const MARK = '__phylabNativeMatMul';
/** tfjs-backend-wasm's FusableActivation numbering (prelu = 3 is left to the stock kernel). */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, leakyrelu: 4, sigmoid: 5, elu: 6 };
// Param slots of the addon's gemm() (native/phylab_blas.cc enum Param).
const P = { A_OFF: 0, B_OFF: 1, C_OFF: 2, M: 3, N: 4, K: 5, TRANS_A: 6, TRANS_B: 7, BATCH: 8, A_STEP: 9, B_STEP: 10,
  A_COUNT: 11, B_COUNT: 12, BIAS_OFF: 13, BIAS_MODE: 14, ACT: 15, ACT_ALPHA: 16 } as const;

let addon: Addon | null = null;
let params: Float64Array | null = null;
let stock: Map<string, tf.KernelConfig> | null = null;
let status: NativeMatMulStatus = off('not enabled yet');
const counters = { native: 0, fallback: 0 };

/** '; 17 native kernels + 12 fused' (the fused ones registered now: an older addon has fewer). */
export function kernelsNote(kernels: NativeKernelsStatus): string {
  const fused = fusedKernelsStatus();
  return `; ${kernels.kernels.length} native kernels${fused.enabled ? ` + ${fused.count} fused` : ''}`;
}

function off(reason: string, blas: string | null = null): NativeMatMulStatus {
  const kernels = nativeKernelsStatus();
  const k = kernels.enabled ? kernelsNote(kernels) : '';
  return { enabled: false, reason, threads: 0, blas, label: `stock wasm matmul (${reason})${k}`, kernels };
}

/** Enables or disables the non-matmul kernels as asked; their status. */
function applyKernels(want: boolean): NativeKernelsStatus {
  return want ? enableNativeKernels() : disableNativeKernels();
}

function parseThreads(raw: unknown, param: string): number {
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new ConfigError(`${param}: OpenBLAS threads must be an integer in 1..64, got '${raw}'`);
  return n;
}

/** Loads the addon once; null (with the reason kept) when it was not built or fails to load. */
function loadAddon(coreType = defaultNativeMatMulConfig().coreType): Addon | null {
  addon = loadNativeAddon(coreType);
  if (addon && !params) params = new Float64Array(addon.GEMM_NPARAMS);
  return addon;
}

/** Whether the addon is built and loads (it may still be disabled). */
export function nativeMatMulAvailable(): boolean {
  return loadAddon() !== null;
}

/** Counts of matmul kernel calls that ran natively / fell back to the stock kernel. */
export function nativeMatMulCounters(): { native: number; fallback: number } {
  return { ...counters };
}
export function resetNativeMatMulCounters(): void {
  counters.native = 0;
  counters.fallback = 0;
}

/** The stock wasm kernel configs as registered before the native ones (null before enabling). */
export function stockMatMulKernel(name: 'BatchMatMul' | '_FusedMatMul'): tf.KernelConfig | null {
  return stock?.get(name) ?? null;
}

/** Runs one planned (batched) GEMM on the wasm heap into `out`. */
function runGemm(backend: WasmBackend, a: tf.TensorInfo, b: tf.TensorInfo, out: tf.TensorInfo, plan: MatMulPlan,
  bias: tf.TensorInfo | null, mode: BiasMode, act: number, alpha: number): void {
  const p = params as Float64Array;
  p[P.A_OFF] = offsetOf(backend, a);
  p[P.B_OFF] = offsetOf(backend, b);
  p[P.C_OFF] = offsetOf(backend, out);
  p[P.M] = plan.m;
  p[P.N] = plan.n;
  p[P.K] = plan.k;
  p[P.TRANS_A] = plan.transposeA ? 1 : 0;
  p[P.TRANS_B] = plan.transposeB ? 1 : 0;
  p[P.BATCH] = plan.batch;
  p[P.A_STEP] = plan.aStep;
  p[P.B_STEP] = plan.bStep;
  p[P.A_COUNT] = plan.aCount;
  p[P.B_COUNT] = plan.bCount;
  p[P.BIAS_OFF] = bias ? offsetOf(backend, bias) : -1;
  p[P.BIAS_MODE] = mode;
  p[P.ACT] = act;
  p[P.ACT_ALPHA] = alpha;
  // Take the heap buffer now: makeOutput may have grown (and detached) the previous one.
  (addon as Addon).gemm(heap(backend), p, plan.aIdx, plan.bIdx);
}

function fallback(name: string, args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  counters.fallback++;
  const cfg = stock?.get(name);
  if (!cfg) throw new Error(`native matmul: no stock ${name} kernel to fall back to`);
  return cfg.kernelFunc(args as never);
}

function batchMatMulKernel(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback('BatchMatMul', args);
  const plan = planMatMul(a.shape, b.shape, !!transposeA, !!transposeB);
  if (!plan) return fallback('BatchMatMul', args);
  counters.native++;
  const out = args.backend.makeOutput(plan.outShape, 'float32') as tf.TensorInfo;
  runGemm(args.backend, a, b, out, plan, null, BiasMode.None, 0, 0);
  return out;
}

function fusedMatMulKernel(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as
    { transposeA: boolean; transposeB: boolean; activation: string; leakyreluAlpha?: number };
  const act = ACTIVATIONS[activation ?? 'linear'];
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || act === undefined || preluActivationWeights != null) {
    return fallback('_FusedMatMul', args);
  }
  const plan = planMatMul(a.shape, b.shape, !!transposeA, !!transposeB);
  if (!plan) return fallback('_FusedMatMul', args);
  let mode = BiasMode.None;
  if (bias != null) {
    const m = bias.dtype === 'float32' ? biasMode(bias.shape, plan) : null;
    if (m === null) return fallback('_FusedMatMul', args);
    mode = m;
  }
  counters.native++;
  const out = args.backend.makeOutput(plan.outShape, 'float32') as tf.TensorInfo;
  runGemm(args.backend, a, b, out, plan, bias ?? null, mode, act, leakyreluAlpha ?? 0);
  return out;
}

function nativeConfig(name: (typeof KERNELS)[number]): tf.KernelConfig {
  const kernelFunc = (name === 'BatchMatMul' ? batchMatMulKernel : fusedMatMulKernel) as unknown as tf.KernelFunc;
  const base = stock?.get(name);
  // The stock setupFunc binds the wasm function the fallback calls; rerun it on a fresh backend.
  const cfg: tf.KernelConfig = { kernelName: name, backendName: 'wasm', kernelFunc, setupFunc: base?.setupFunc };
  Object.defineProperty(cfg, MARK, { value: base, enumerable: false });
  return cfg;
}

function isNative(cfg: tf.KernelConfig | undefined): boolean {
  return !!cfg && Object.prototype.hasOwnProperty.call(cfg, MARK);
}

function register(cfg: tf.KernelConfig): void {
  if (tf.getKernel(cfg.kernelName, cfg.backendName)) tf.unregisterKernel(cfg.kernelName, cfg.backendName);
  tf.registerKernel(cfg);
}

/**
 * Registers the OpenBLAS kernels for BatchMatMul and _FusedMatMul on the wasm backend. Idempotent
 * (a second call only updates the thread count). Only acts when the active backend is wasm.
 * Never throws for a missing addon: the status says why it is off.
 */
export function enableNativeMatMul(opts: Partial<NativeMatMulConfig> = {}): NativeMatMulStatus {
  const cfg = { ...defaultNativeMatMulConfig(), ...opts };
  const threads = parseThreads(cfg.threads, 'threads');
  parseCoreType(cfg.coreType);
  if (process.env.PHYLAB_NATIVE_MATMUL === '0') {
    if (status.enabled) disableMatMulKernels();
    applyKernels(cfg.kernels);
    return (status = off('PHYLAB_NATIVE_MATMUL=0'));
  }
  if (tf.getBackend() !== 'wasm') return (status = off(`active backend is ${tf.getBackend()}, not wasm`));
  const lib = loadAddon(cfg.coreType);
  if (!lib) return (status = off(nativeAddonError() ?? 'addon not available'));
  const backend = tf.backend() as WasmBackend;
  const heap = backend?.wasm?.HEAPU8?.buffer;
  if (!(heap instanceof ArrayBuffer)) return (status = off('wasm memory is not a plain ArrayBuffer (threaded wasm build?)', lib.config()));
  if (!stock) {
    stock = new Map();
    for (const name of KERNELS) {
      const current = tf.getKernel(name, 'wasm');
      // If another copy of this module registered native kernels, recover the stock config from them.
      const original = isNative(current) ? ((current as unknown as Record<string, tf.KernelConfig>)[MARK]) : current;
      if (!original) return (status = off(`no stock wasm ${name} kernel registered`, lib.config()));
      stock.set(name, original);
    }
  }
  lib.setThreads(threads);
  for (const name of KERNELS) {
    if (!isNative(tf.getKernel(name, 'wasm'))) register(nativeConfig(name));
  }
  const kernels = applyKernels(cfg.kernels);
  const n = lib.getThreads();
  const config = lib.config();
  const version = /OpenBLAS (\S+)/.exec(config)?.[1] ?? '?';
  const core = /\(core (\S+)\)/.exec(config)?.[1] ?? '?';
  const k = kernels.enabled ? kernelsNote(kernels) : `; stock non-matmul kernels (${kernels.reason})`;
  return (status = { enabled: true, reason: `OpenBLAS ${version} sgemm, core ${core}${nativeAddonCoreNote()}${k}`, threads: n, blas: config,
    label: `OpenBLAS matmul, ${n} thread${n === 1 ? '' : 's'}${kernels.enabled ? kernelsNote(kernels) : ''}`, kernels });
}

function disableMatMulKernels(): void {
  if (stock) {
    for (const name of KERNELS) {
      const cfg = stock.get(name);
      if (cfg && isNative(tf.getKernel(name, 'wasm'))) register(cfg);
    }
  }
}

/** Puts the stock wasm BatchMatMul/_FusedMatMul kernels back, and the stock non-matmul kernels. Idempotent. */
export function disableNativeMatMul(): NativeMatMulStatus {
  disableMatMulKernels();
  disableNativeKernels();
  return (status = off('disabled', addon ? addon.config() : null));
}

/** The current state, as returned by the last enable/disable call. */
export function nativeMatMulStatus(): NativeMatMulStatus {
  return { ...status, kernels: nativeKernelsStatus() };
}
