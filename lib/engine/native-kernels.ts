/**
 * Native non-matmul kernels for the TF.js wasm backend (native/phylab_kernels.cc, in the same addon
 * as the OpenBLAS matmul), working in place on the wasm heap like native-matmul.ts. Registered as
 * the wasm backend's kernels of the same names; each keeps the stock kernel as its fallback for
 * cases it does not handle (other dtypes, empty tensors, rank > 32).
 *
 * Why (stock tfjs-wasm 4.22, transformer block B32 T64 D128): Sum/Mean/Max over leading or middle
 * axes transpose first (10–14 ms for a (2048, 512) column sum vs 0.6 ms for a full sum), rank ≥ 5
 * transposes take a generic path (48–66 ms for 786k elements), Tanh/Exp are scalar libm loops
 * (19–24 / 6.5–9 ms per million elements), Slice/SplitV copy the whole input to JS on every call,
 * Tile is a generic per-element loop, and Identity copies its input.
 *
 * Kernels (float32 unless noted):
 *  - Sum, Mean, Max, Min over any axes: no transpose; a kept inner axis accumulates whole rows
 *    (bit-identical to stock for Sum/Mean), a reduced inner axis uses 16 partial sums (differs
 *    from stock by float rounding). Max/Min propagate NaN, as stock does.
 *  - Transpose (float32/int32/bool, any rank): merged axes, 64×64 blocks of 8×8 register tiles.
 *  - Exp, Tanh, Sigmoid: vectorised polynomial code (relative error < 4e-7 vs libm; stock Sigmoid
 *    flushes results below ~1e-38 to 0, the native one keeps subnormals).
 *  - Softmax over the last axis (within 1e-6 relative of stock).
 *  - Slice, SplitV (float32/int32/bool): row copies of the box, nothing else read.
 *  - Tile (float32/int32/bool).
 *  - Identity (all but string): shares the input buffer (reference-counted like Reshape, as the
 *    tfjs cpu backend does) instead of copying; no addon call.
 *  - Add, Sub, Multiply, RealDiv with numpy broadcasting: merged axes, vectorised inner loops
 *    (bit-identical to stock); the stock kernel's per-call shape marshalling is skipped too.
 *
 * The fused model kernels of fused-kernels.ts (GELU, LayerNorm-modulate, AdamW, EMA) are
 * registered and removed together with these.
 *
 * `PHYLAB_NATIVE_KERNELS=0` disables them (enableNativeMatMul() enables them with the matmul).
 */
import * as tf from '@tensorflow/tfjs';
import { WasmBackend, offsetOf, heap, sizeOf } from './wasm-heap';
import { normalizeAxes, planBinary, planReduce, planSlice, planTile, planTranspose } from './kernel-plans';
import { disableFusedKernels, enableFusedKernels } from './fused-kernels';
import { NativeAddon, loadNativeAddon, nativeAddonError } from './native-addon';

/** The kernels this module can replace. */
export const NATIVE_KERNEL_NAMES = ['Sum', 'Mean', 'Max', 'Min', 'Transpose', 'Exp', 'Tanh', 'Sigmoid', 'Softmax', 'Slice', 'SplitV', 'Tile', 'Identity',
  'Add', 'Sub', 'Multiply', 'RealDiv'] as const;
export type NativeKernelName = (typeof NATIVE_KERNEL_NAMES)[number];

export interface NativeKernelsStatus {
  /** Whether (some of) the kernels are registered on wasm. */
  enabled: boolean;
  /** Why (not), one line. */
  reason: string;
  /** Names of the registered native kernels. */
  kernels: NativeKernelName[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type KernelArgs = { inputs: any; backend: WasmBackend; attrs: any };
type Out = tf.TensorInfo | tf.TensorInfo[];

const MARK = '__phylabNativeKernel';
const MAX_RANK = 32; // native/phylab_kernels.cc kMaxRank
const ELEM_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
const UNARY = { Exp: 0, Tanh: 1, Sigmoid: 2 } as const;
const REDUCE = { Sum: 0, Mean: 1, Max: 2, Min: 3 } as const;
const BINARY = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3 } as const;

let lib: NativeAddon | null = null;
let stock: Map<string, tf.KernelConfig> | null = null;
let status: NativeKernelsStatus = { enabled: false, reason: 'not enabled yet', kernels: [] };
const counters = new Map<string, { native: number; fallback: number }>();
const p = new Float64Array(8 + 3 * MAX_RANK);

function count(name: string, native: boolean): void {
  let c = counters.get(name);
  if (!c) counters.set(name, (c = { native: 0, fallback: 0 }));
  if (native) c.native++;
  else c.fallback++;
}

/** Calls per kernel that ran natively / fell back to the stock kernel since the last reset. */
export function nativeKernelCounters(): Record<string, { native: number; fallback: number }> {
  const out: Record<string, { native: number; fallback: number }> = {};
  for (const [k, v] of counters) out[k] = { ...v };
  return out;
}
export function resetNativeKernelCounters(): void {
  counters.clear();
}

/** The stock wasm kernel config of `name` as registered before the native one (null before enabling). */
export function stockKernel(name: NativeKernelName): tf.KernelConfig | null {
  return stock?.get(name) ?? null;
}

function fallback(name: string, args: KernelArgs): Out {
  count(name, false);
  const cfg = stock?.get(name);
  if (!cfg) throw new Error(`native kernels: no stock ${name} kernel to fall back to`);
  return cfg.kernelFunc(args as never);
}

function setParams(values: readonly number[]): Float64Array {
  p.fill(0);
  p.set(values);
  return p;
}

function reduceKernel(name: keyof typeof REDUCE, axisAttr: 'axis' | 'reductionIndices') {
  return (args: KernelArgs): Out => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype !== 'float32') return fallback(name, args);
    const axes = normalizeAxes(args.attrs[axisAttr] as number | number[], x.shape.length);
    const plan = planReduce(x.shape, axes);
    if (!plan || plan.groups.length > MAX_RANK) return fallback(name, args);
    count(name, true);
    const b = args.backend;
    const out = b.makeOutput(plan.outShape, 'float32') as tf.TensorInfo;
    const g = plan.groups;
    (lib as NativeAddon).reduce!(heap(b), setParams([REDUCE[name], offsetOf(b, x), offsetOf(b, out), plan.firstReduced ? 1 : 0, g.length, ...g]));
    if (args.attrs.keepDims) (out as { shape: number[] }).shape = tf.backend_util.expandShapeToKeepDim(plan.outShape, axes);
    return out;
  };
}

function transposeKernel(args: KernelArgs): Out {
  const x = args.inputs.x as tf.TensorInfo;
  const perm = args.attrs.perm as number[];
  const eb = ELEM_BYTES[x.dtype];
  if (eb === undefined || perm.length !== x.shape.length) return fallback('Transpose', args);
  const plan = planTranspose(x.shape, perm);
  if (plan.dims.length > MAX_RANK) return fallback('Transpose', args);
  count('Transpose', true);
  const b = args.backend;
  const out = b.makeOutput(perm.map((a) => x.shape[a]), x.dtype) as tf.TensorInfo;
  if (sizeOf(x.shape) === 0) return out;
  (lib as NativeAddon).transpose!(heap(b), setParams([eb, offsetOf(b, x), offsetOf(b, out), plan.dims.length, ...plan.dims, ...plan.perm]));
  return out;
}

function unaryKernel(name: keyof typeof UNARY) {
  return (args: KernelArgs): Out => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype !== 'float32') return fallback(name, args);
    count(name, true);
    const b = args.backend;
    const out = b.makeOutput(x.shape, 'float32') as tf.TensorInfo;
    const n = sizeOf(x.shape);
    if (n > 0) (lib as NativeAddon).unary!(heap(b), setParams([UNARY[name], offsetOf(b, x), offsetOf(b, out), n]));
    return out;
  };
}

function softmaxKernel(args: KernelArgs): Out {
  const logits = args.inputs.logits as tf.TensorInfo;
  const rank = logits.shape.length;
  const dim = args.attrs.dim as number;
  if (logits.dtype !== 'float32' || rank === 0 || (dim !== -1 && dim !== rank - 1)) return fallback('Softmax', args);
  count('Softmax', true);
  const b = args.backend;
  const out = b.makeOutput(logits.shape, 'float32') as tf.TensorInfo;
  const cols = logits.shape[rank - 1];
  const n = sizeOf(logits.shape);
  if (n > 0) (lib as NativeAddon).softmax!(heap(b), setParams([offsetOf(b, logits), offsetOf(b, out), n / cols, cols]));
  return out;
}

/** Copies the box begin..begin+size of x into a new tensor (validated params). */
function sliceInto(b: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = b.makeOutput(size, x.dtype) as tf.TensorInfo;
  const plan = planSlice(x.shape, begin, size);
  if (plan) {
    const r = plan.dims.length;
    (lib as NativeAddon).slice!(heap(b), setParams([ELEM_BYTES[x.dtype], offsetOf(b, x), offsetOf(b, out), r, ...plan.dims, ...plan.begin, ...plan.size]));
  }
  return out;
}

function sliceKernel(args: KernelArgs): Out {
  const x = args.inputs.x as tf.TensorInfo;
  if (ELEM_BYTES[x.dtype] === undefined || x.shape.length > MAX_RANK) return fallback('Slice', args);
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, args.attrs.begin, args.attrs.size);
  tf.slice_util.assertParamsValid(x as tf.Tensor, begin, size);
  count('Slice', true);
  return sliceInto(args.backend, x, begin, size);
}

function splitVKernel(args: KernelArgs): Out {
  const x = args.inputs.x as tf.TensorInfo;
  if (ELEM_BYTES[x.dtype] === undefined || x.shape.length > MAX_RANK) return fallback('SplitV', args);
  const axis = tf.util.parseAxisParam(args.attrs.axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, args.attrs.numOrSizeSplits, axis);
  count('SplitV', true);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const piece = sliceInto(args.backend, x, [...begin], size);
    begin[axis] += s;
    return piece;
  });
}

function tileKernel(args: KernelArgs): Out {
  const x = args.inputs.x as tf.TensorInfo;
  const reps = args.attrs.reps as number[];
  const eb = ELEM_BYTES[x.dtype];
  if (eb === undefined || reps.length !== x.shape.length || reps.some((r) => !Number.isInteger(r) || r < 0)) return fallback('Tile', args);
  const plan = planTile(x.shape, reps);
  if (plan && plan.dims.length > MAX_RANK) return fallback('Tile', args);
  count('Tile', true);
  const b = args.backend;
  const out = b.makeOutput(x.shape.map((d, i) => d * reps[i]), x.dtype) as tf.TensorInfo;
  if (plan) (lib as NativeAddon).tile!(heap(b), setParams([eb, offsetOf(b, x), offsetOf(b, out), plan.dims.length, ...plan.dims, ...plan.reps]));
  return out;
}

function binaryKernel(name: keyof typeof BINARY) {
  return (args: KernelArgs): Out => {
    const a = args.inputs.a as tf.TensorInfo;
    const b = args.inputs.b as tf.TensorInfo;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(name, args);
    const plan = planBinary(a.shape, b.shape);
    if (plan && plan.dims.length > MAX_RANK) return fallback(name, args);
    count(name, true);
    const be = args.backend;
    const out = be.makeOutput(plan ? plan.outShape : tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape), 'float32') as tf.TensorInfo;
    if (plan) {
      const r = plan.dims.length;
      (lib as NativeAddon).binary!(heap(be), setParams([BINARY[name], offsetOf(be, a), offsetOf(be, b), offsetOf(be, out), r, ...plan.dims, ...plan.aStrides, ...plan.bStrides]));
    }
    return out;
  };
}

/** Identity without a copy: the output shares the input's buffer (reference-counted, as Reshape does). */
function identityKernel(args: KernelArgs): Out {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string' || x.dtype === 'complex64') return fallback('Identity', args);
  count('Identity', true);
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

const IMPLS: Record<NativeKernelName, (args: KernelArgs) => Out> = {
  Sum: reduceKernel('Sum', 'axis'),
  Mean: reduceKernel('Mean', 'axis'),
  Max: reduceKernel('Max', 'reductionIndices'),
  Min: reduceKernel('Min', 'axis'),
  Transpose: transposeKernel,
  Exp: unaryKernel('Exp'),
  Tanh: unaryKernel('Tanh'),
  Sigmoid: unaryKernel('Sigmoid'),
  Softmax: softmaxKernel,
  Slice: sliceKernel,
  SplitV: splitVKernel,
  Tile: tileKernel,
  Identity: identityKernel,
  Add: binaryKernel('Add'),
  Sub: binaryKernel('Sub'),
  Multiply: binaryKernel('Multiply'),
  RealDiv: binaryKernel('RealDiv'),
};

function isNative(cfg: tf.KernelConfig | undefined): boolean {
  return !!cfg && Object.prototype.hasOwnProperty.call(cfg, MARK);
}

function register(cfg: tf.KernelConfig): void {
  if (tf.getKernel(cfg.kernelName, cfg.backendName)) tf.unregisterKernel(cfg.kernelName, cfg.backendName);
  tf.registerKernel(cfg);
}

function nativeConfig(name: NativeKernelName): tf.KernelConfig {
  const base = stock?.get(name);
  // The stock setupFunc binds the wasm function the fallback calls; rerun it on a fresh backend.
  const cfg: tf.KernelConfig = { kernelName: name, backendName: 'wasm', kernelFunc: IMPLS[name] as unknown as tf.KernelFunc, setupFunc: base?.setupFunc };
  Object.defineProperty(cfg, MARK, { value: base, enumerable: false });
  return cfg;
}

function offStatus(reason: string): NativeKernelsStatus {
  return { enabled: false, reason, kernels: [] };
}

/**
 * Registers the native kernels (all of NATIVE_KERNEL_NAMES, or `only`) on the wasm backend,
 * putting the stock ones back for the others. Idempotent; only acts when the active backend is
 * wasm; never throws for a missing addon (the status says why it is off).
 */
export function enableNativeKernels(opts: { only?: readonly NativeKernelName[] } = {}): NativeKernelsStatus {
  const wanted = new Set<NativeKernelName>(opts.only ?? NATIVE_KERNEL_NAMES);
  for (const n of wanted) if (!(NATIVE_KERNEL_NAMES as readonly string[]).includes(n)) throw new Error(`enableNativeKernels: unknown kernel '${n}'; allowed: ${NATIVE_KERNEL_NAMES.join(', ')}`);
  if (process.env.PHYLAB_NATIVE_KERNELS === '0') {
    disableNativeKernels();
    return (status = offStatus('PHYLAB_NATIVE_KERNELS=0'));
  }
  if (tf.getBackend() !== 'wasm') return (status = offStatus(`active backend is ${tf.getBackend()}, not wasm`));
  lib = loadNativeAddon();
  if (!lib) return (status = offStatus(nativeAddonError() ?? 'addon not available'));
  if (typeof lib.reduce !== 'function' || typeof lib.binary !== 'function') return (status = offStatus('addon predates the native kernels (run `node native/build.cjs --force`)'));
  const backend = tf.backend() as WasmBackend;
  if (!(backend?.wasm?.HEAPU8?.buffer instanceof ArrayBuffer)) return (status = offStatus('wasm memory is not a plain ArrayBuffer (threaded wasm build?)'));
  if (!stock) {
    const found = new Map<string, tf.KernelConfig>();
    for (const name of NATIVE_KERNEL_NAMES) {
      const current = tf.getKernel(name, 'wasm');
      // If another copy of this module registered native kernels, recover the stock config from them.
      const original = isNative(current) ? ((current as unknown as Record<string, tf.KernelConfig>)[MARK]) : current;
      if (!original) return (status = offStatus(`no stock wasm ${name} kernel registered`));
      found.set(name, original);
    }
    stock = found;
  }
  const on: NativeKernelName[] = [];
  for (const name of NATIVE_KERNEL_NAMES) {
    const current = tf.getKernel(name, 'wasm');
    if (wanted.has(name)) {
      if (!isNative(current)) register(nativeConfig(name));
      on.push(name);
    } else if (isNative(current)) register(stock.get(name) as tf.KernelConfig);
  }
  const fused = enableFusedKernels();
  return (status = { enabled: on.length > 0, reason: `${on.length} native kernels${fused.enabled ? ` + ${fused.reason}` : ''}`, kernels: on });
}

/** Puts the stock wasm kernels back. Idempotent. */
export function disableNativeKernels(): NativeKernelsStatus {
  disableFusedKernels();
  if (stock) {
    for (const name of NATIVE_KERNEL_NAMES) {
      const cfg = stock.get(name);
      if (cfg && isNative(tf.getKernel(name, 'wasm'))) register(cfg);
    }
  }
  return (status = offStatus('disabled'));
}

/** The current state, as returned by the last enable/disable call. */
export function nativeKernelsStatus(): NativeKernelsStatus {
  return { ...status, kernels: [...status.kernels] };
}
