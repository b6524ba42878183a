/**
 * Fused model kernels for the TF.js wasm backend (native/phylab_kernels.cc `fused`), each one pass
 * over memory in place of a chain of small elementwise tfjs kernels of the DiT training step:
 *
 *  - `PhylabGeluFwd` {u} → [s, a]: s = σ(2z), a = u·s, 2z = K·u·(1 + A·u²)   (attrs A, K; 6 kernels before)
 *  - `PhylabGeluBwd` {da, u, s} → du = da·(s + u·s·(1 − s)·K·(1 + 3A·u²))  (attrs A3, K; 9 before)
 *  - `PhylabLnModFwd` {x (B,N,W), shift (B,1,W), scale (B,1,W)} → [y, xhat, rstd (B,N,1)]
 *      y = LN(x)·(1 + scale) + shift   (attr eps; 9 before)
 *  - `PhylabLnModBwd` {dy, xhat, rstd, scale} → [dx, dShift (B,1,W), dScale (B,1,W)]   (9 before)
 *  - `PhylabAdamW` {p, g, m, v} → [p', m', v'] (attrs: see AdamWAttrs; ~10 before), bit-identical
 *      to the composite float32 code (no FMA contraction in that loop)
 *  - `PhylabEma` {ema, p} → ema·d + p·(1 − d)   (attrs d, c = 1 − d; 3 before), bit-identical too
 *  - `PhylabAttnFwd` {q, k, v (M, W)} → [o (M, W), probs (B, H, N, N)], M = B·N, token layout
 *      (head h = columns h·hd..): P = softmax(scale·q_h k_hᵀ), o_h = P v_h   (attrs b, n, heads,
 *      scale; ~14 before: head transposes, scale, two batched matMuls, softmax)
 *  - `PhylabAttnBwd` {dO, q, k, v, probs} → [dq, dk, dv] (M, W): dV = Pᵀ dO, dP = dO Vᵀ,
 *      dS = P ⊙ (dP − rowsum(dP ⊙ P)), dq = scale·dS K, dk = scale·dSᵀ q   (~20 before)
 *      Both run one OpenBLAS sgemm per product on the heads' strided column blocks; they differ
 *      from the composite code by float rounding only.
 *  - `PhylabGateFwd` {x (B,N,W), g (B,1,W), a (B,N,W)} → x + g·a (the gated residual; 2 before)
 *  - `PhylabGateBwd` {dy, g, a} → [da = dy·g, dg = Σ_n dy·a (B,1,W)] (~7 before); both
 *      bit-identical to the composite tf code and its autograd
 *  - `PhylabRopeFwd` {a, b (M, W), cos, sin (N, W)} → [RoPE(a), RoPE(b)] (q and k; attrs b, n,
 *      headDim; ~8 kernels each before), rotate-half layout of lib/model/rope.ts
 *  - `PhylabRopeBwd` {a, b, cos, sin} → [RoPEᵀ(a), RoPEᵀ(b)] (dq, dk); both bit-identical to the
 *      composite code (its rotation matmul by a signed permutation is exact)
 *
 * They are custom kernel names, registered only on wasm, only when the native addon has `fused`,
 * and together with the native kernels (enableNativeKernels; PHYLAB_NATIVE_KERNELS=0 turns both
 * off, PHYLAB_FUSED_KERNELS=0 only these, e.g. to time the step without them). Callers
 * run them only when `fusedKernelReady(name)` (registered for the active backend) and otherwise
 * keep their composite tf code: lib/model/mlp.ts, layer-norm.ts, attention.ts, lib/train/adamw.ts,
 * ema.ts, dit.ts (gate). An addon that predates some ops (`fusedOps`, the number of ops it knows;
 * absent = the first six) gets only the kernels it has.
 * Tensors must be float32 (callers check with the *Fusable helpers below; a kernel throws otherwise).
 */
import * as tf from '@tensorflow/tfjs';
import { WasmBackend, offsetOf, heap, sizeOf } from './wasm-heap';
import { NativeAddon, loadNativeAddon, nativeAddonError } from './native-addon';

/** The fused kernels this module registers. */
export const FUSED_KERNEL_NAMES = [
  'PhylabGeluFwd', 'PhylabGeluBwd', 'PhylabLnModFwd', 'PhylabLnModBwd', 'PhylabAdamW', 'PhylabEma',
  'PhylabAttnFwd', 'PhylabAttnBwd', 'PhylabGateFwd', 'PhylabGateBwd', 'PhylabRopeFwd', 'PhylabRopeBwd',
] as const;
export type FusedKernelName = (typeof FUSED_KERNEL_NAMES)[number];

/** Widest LayerNorm row the native kernel takes (native/phylab_kernels.cc kMaxLnWidth). */
export const MAX_LN_WIDTH = 4096;

/** Attributes of `PhylabAdamW` (numbers are rounded to float32, as tfjs does with scalar operands). */
export interface AdamWAttrs {
  /** Gradient scale c (global-norm clipping). */
  gradScale: number;
  beta1: number;
  /** 1 − β1, computed in double by the caller. */
  oneMinusBeta1: number;
  beta2: number;
  /** 1 − β2. */
  oneMinusBeta2: number;
  /** 1/√(1 − β2ᵗ). */
  invSqrtBc2: number;
  eps: number;
  /** lr/(1 − β1ᵗ). */
  stepSize: number;
  /** Whether the decay term is added at all. */
  decayOn: boolean;
  /** lr·λ. */
  decay: number;
}

export interface FusedKernelsStatus {
  /** Whether the fused kernels are registered on wasm. */
  enabled: boolean;
  /** How many are registered (an older addon knows fewer ops). */
  count: number;
  /** Why (not), one line. */
  reason: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type KernelArgs = { inputs: any; backend: WasmBackend; attrs: any };

const MARK = '__phylabFusedKernel';
// native/phylab_kernels.cc enum FusedOp
const OP = { GELU_FWD: 0, GELU_BWD: 1, LN_FWD: 2, LN_BWD: 3, ADAMW: 4, EMA: 5, ATTN_FWD: 6, ATTN_BWD: 7, GATE_FWD: 8, GATE_BWD: 9, ROPE_FWD: 10, ROPE_BWD: 11 } as const;
/** The op of each kernel: registered only when below the addon's `fusedOps` (the number of ops it knows). */
const OP_OF: Record<FusedKernelName, number> = {
  PhylabGeluFwd: OP.GELU_FWD, PhylabGeluBwd: OP.GELU_BWD, PhylabLnModFwd: OP.LN_FWD, PhylabLnModBwd: OP.LN_BWD,
  PhylabAdamW: OP.ADAMW, PhylabEma: OP.EMA, PhylabAttnFwd: OP.ATTN_FWD, PhylabAttnBwd: OP.ATTN_BWD,
  PhylabGateFwd: OP.GATE_FWD, PhylabGateBwd: OP.GATE_BWD, PhylabRopeFwd: OP.ROPE_FWD, PhylabRopeBwd: OP.ROPE_BWD,
};

let lib: NativeAddon | null = null;
let status: FusedKernelsStatus = { enabled: false, count: 0, reason: 'not enabled yet' };
const p = new Float64Array(24);

function call(backend: WasmBackend, values: readonly number[]): void {
  p.fill(0);
  p.set(values);
  (lib as NativeAddon).fused!(heap(backend), p);
}

function requireFloat32(kernel: string, ts: Record<string, tf.TensorInfo>): void {
  for (const [k, t] of Object.entries(ts)) if (t.dtype !== 'float32') throw new Error(`${kernel}: input '${k}' must be float32, got ${t.dtype}`);
}

function requireSameShape(kernel: string, ref: tf.TensorInfo, ts: Record<string, tf.TensorInfo>): void {
  for (const [k, t] of Object.entries(ts)) {
    if (!tf.util.arraysEqual(t.shape, ref.shape)) throw new Error(`${kernel}: input '${k}' has shape [${t.shape}], expected [${ref.shape}]`);
  }
}

function geluFwd({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const u = inputs.u as tf.TensorInfo;
  requireFloat32('PhylabGeluFwd', { u });
  const s = b.makeOutput(u.shape, 'float32') as tf.TensorInfo;
  const a = b.makeOutput(u.shape, 'float32') as tf.TensorInfo;
  const n = sizeOf(u.shape);
  if (n > 0) call(b, [OP.GELU_FWD, n, offsetOf(b, u), offsetOf(b, s), offsetOf(b, a), attrs.A, attrs.K]);
  return [s, a];
}

function geluBwd({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo {
  const { da, u, s } = inputs as Record<string, tf.TensorInfo>;
  requireFloat32('PhylabGeluBwd', { da, u, s });
  requireSameShape('PhylabGeluBwd', u, { da, s });
  const du = b.makeOutput(u.shape, 'float32') as tf.TensorInfo;
  const n = sizeOf(u.shape);
  if (n > 0) call(b, [OP.GELU_BWD, n, offsetOf(b, da), offsetOf(b, u), offsetOf(b, s), offsetOf(b, du), attrs.A3, attrs.K]);
  return du;
}

/** Whether x (B, N, W) with shift/scale (B, 1, W), all float32, fits the fused LayerNorm kernels. */
export function lnModFusable(x: tf.TensorInfo, shift: tf.TensorInfo, scale: tf.TensorInfo): boolean {
  if (x.dtype !== 'float32' || shift.dtype !== 'float32' || scale.dtype !== 'float32') return false;
  if (x.shape.length !== 3) return false;
  const [bb, , w] = x.shape;
  const row = [bb, 1, w];
  return w >= 1 && w <= MAX_LN_WIDTH && tf.util.arraysEqual(shift.shape, row) && tf.util.arraysEqual(scale.shape, row);
}

function lnShapeCheck(kernel: string, x: tf.TensorInfo, shift: tf.TensorInfo, scale: tf.TensorInfo): [number, number, number] {
  if (!lnModFusable(x, shift, scale)) {
    throw new Error(`${kernel}: expected float32 x (B, N, W ≤ ${MAX_LN_WIDTH}) and shift/scale (B, 1, W), got [${x.shape}], [${shift.shape}], [${scale.shape}]`);
  }
  return x.shape as [number, number, number];
}

function lnFwd({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const { x, shift, scale } = inputs as Record<string, tf.TensorInfo>;
  const [bb, n, w] = lnShapeCheck('PhylabLnModFwd', x, shift, scale);
  const y = b.makeOutput(x.shape, 'float32') as tf.TensorInfo;
  const xhat = b.makeOutput(x.shape, 'float32') as tf.TensorInfo;
  const rstd = b.makeOutput([bb, n, 1], 'float32') as tf.TensorInfo;
  call(b, [OP.LN_FWD, bb, n, w, offsetOf(b, x), offsetOf(b, shift), offsetOf(b, scale), offsetOf(b, y), offsetOf(b, xhat), offsetOf(b, rstd), attrs.eps]);
  return [y, xhat, rstd];
}

function lnBwd({ inputs, backend: b }: KernelArgs): tf.TensorInfo[] {
  const { dy, xhat, rstd, scale } = inputs as Record<string, tf.TensorInfo>;
  const [bb, n, w] = lnShapeCheck('PhylabLnModBwd', xhat, scale, scale);
  requireFloat32('PhylabLnModBwd', { dy, rstd });
  requireSameShape('PhylabLnModBwd', xhat, { dy });
  if (!tf.util.arraysEqual(rstd.shape, [bb, n, 1])) throw new Error(`PhylabLnModBwd: rstd has shape [${rstd.shape}], expected [${[bb, n, 1]}]`);
  const dx = b.makeOutput(xhat.shape, 'float32') as tf.TensorInfo;
  const dShift = b.makeOutput([bb, 1, w], 'float32') as tf.TensorInfo;
  const dScale = b.makeOutput([bb, 1, w], 'float32') as tf.TensorInfo;
  call(b, [OP.LN_BWD, bb, n, w, offsetOf(b, dy), offsetOf(b, xhat), offsetOf(b, rstd), offsetOf(b, scale), offsetOf(b, dx), offsetOf(b, dShift), offsetOf(b, dScale)]);
  return [dx, dShift, dScale];
}

function adamW({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const { p: pp, g, m, v } = inputs as Record<string, tf.TensorInfo>;
  requireFloat32('PhylabAdamW', { p: pp, g, m, v });
  requireSameShape('PhylabAdamW', pp, { g, m, v });
  const a = attrs as AdamWAttrs;
  const np = b.makeOutput(pp.shape, 'float32') as tf.TensorInfo;
  const nm = b.makeOutput(pp.shape, 'float32') as tf.TensorInfo;
  const nv = b.makeOutput(pp.shape, 'float32') as tf.TensorInfo;
  const n = sizeOf(pp.shape);
  if (n > 0) {
    call(b, [OP.ADAMW, n, offsetOf(b, pp), offsetOf(b, g), offsetOf(b, m), offsetOf(b, v), offsetOf(b, np), offsetOf(b, nm), offsetOf(b, nv),
      a.decayOn ? 1 : 0, a.gradScale, a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.invSqrtBc2, a.eps, a.stepSize, a.decay]);
  }
  return [np, nm, nv];
}

function ema({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo {
  const { ema: e, p: pp } = inputs as Record<string, tf.TensorInfo>;
  requireFloat32('PhylabEma', { ema: e, p: pp });
  requireSameShape('PhylabEma', e, { p: pp });
  const out = b.makeOutput(e.shape, 'float32') as tf.TensorInfo;
  const n = sizeOf(e.shape);
  if (n > 0) call(b, [OP.EMA, n, offsetOf(b, e), offsetOf(b, pp), offsetOf(b, out), attrs.d, attrs.c]);
  return out;
}

/** Attributes of `PhylabAttnFwd` / `PhylabAttnBwd`. */
export interface AttnAttrs {
  /** Sequences B and tokens per sequence N (M = B·N rows). */
  b: number;
  n: number;
  /** Heads H (dividing the width W). */
  heads: number;
  /** Logit scale, 1/√hd. */
  scale: number;
}

/** [B, N, H, W] of an attention call after checking dtypes and shapes (throws with the kernel's name). */
function attnShapeCheck(kernel: string, a: AttnAttrs, tokens: Record<string, tf.TensorInfo>, probs?: tf.TensorInfo): [number, number, number, number] {
  requireFloat32(kernel, probs ? { ...tokens, probs } : tokens);
  const { b: bb, n, heads } = a;
  const ref = Object.values(tokens)[0];
  const w = ref.shape[1];
  const ints = [bb, n, heads].every((x) => Number.isInteger(x) && x >= 1);
  if (!ints || ref.shape.length !== 2 || ref.shape[0] !== bb * n || w % heads !== 0) {
    throw new Error(`${kernel}: expected (B·N, W) tensors with W divisible by heads, got [${ref.shape}] for b=${bb}, n=${n}, heads=${heads}`);
  }
  requireSameShape(kernel, ref, tokens);
  if (probs && !tf.util.arraysEqual(probs.shape, [bb, heads, n, n])) throw new Error(`${kernel}: probs has shape [${probs.shape}], expected [${[bb, heads, n, n]}]`);
  return [bb, n, heads, w];
}

function attnFwd({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const { q, k, v } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as AttnAttrs;
  const [bb, n, h, w] = attnShapeCheck('PhylabAttnFwd', a, { q, k, v });
  const o = b.makeOutput(q.shape, 'float32') as tf.TensorInfo; // (M, W)
  const probs = b.makeOutput([bb, h, n, n], 'float32') as tf.TensorInfo; // (B, H, N, N)
  call(b, [OP.ATTN_FWD, bb, n, h, w, offsetOf(b, q), offsetOf(b, k), offsetOf(b, v), offsetOf(b, o), offsetOf(b, probs), a.scale]);
  return [o, probs];
}

function attnBwd({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const { dO, q, k, v, probs } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as AttnAttrs;
  const [bb, n, h, w] = attnShapeCheck('PhylabAttnBwd', a, { dO, q, k, v }, probs);
  const [dq, dk, dv] = [0, 1, 2].map(() => b.makeOutput(q.shape, 'float32') as tf.TensorInfo); // (M, W) each
  call(b, [OP.ATTN_BWD, bb, n, h, w, offsetOf(b, dO), offsetOf(b, q), offsetOf(b, k), offsetOf(b, v), offsetOf(b, probs),
    offsetOf(b, dq), offsetOf(b, dk), offsetOf(b, dv), a.scale]);
  return [dq, dk, dv];
}

/** Whether x, a (B, N, W) and g (B, 1, W), all float32, fit the gate kernels. */
export function gateFusable(x: tf.TensorInfo, g: tf.TensorInfo, a: tf.TensorInfo): boolean {
  if (x.dtype !== 'float32' || g.dtype !== 'float32' || a.dtype !== 'float32' || x.shape.length !== 3) return false;
  return tf.util.arraysEqual(a.shape, x.shape) && tf.util.arraysEqual(g.shape, [x.shape[0], 1, x.shape[2]]);
}

function gateShapeCheck(kernel: string, x: tf.TensorInfo, g: tf.TensorInfo, a: tf.TensorInfo): [number, number, number] {
  if (!gateFusable(x, g, a)) throw new Error(`${kernel}: expected float32 (B, N, W) tensors and g (B, 1, W), got [${x.shape}], [${g.shape}], [${a.shape}]`);
  return x.shape as [number, number, number];
}

function gateFwd({ inputs, backend: b }: KernelArgs): tf.TensorInfo {
  const { x, g, a } = inputs as Record<string, tf.TensorInfo>;
  const [bb, n, w] = gateShapeCheck('PhylabGateFwd', x, g, a);
  const y = b.makeOutput(x.shape, 'float32') as tf.TensorInfo; // (B, N, W)
  call(b, [OP.GATE_FWD, bb, n, w, offsetOf(b, x), offsetOf(b, g), offsetOf(b, a), offsetOf(b, y)]);
  return y;
}

function gateBwd({ inputs, backend: b }: KernelArgs): tf.TensorInfo[] {
  const { dy, g, a } = inputs as Record<string, tf.TensorInfo>;
  const [bb, n, w] = gateShapeCheck('PhylabGateBwd', dy, g, a);
  const da = b.makeOutput(dy.shape, 'float32') as tf.TensorInfo; // (B, N, W)
  const dg = b.makeOutput(g.shape, 'float32') as tf.TensorInfo; // (B, 1, W)
  call(b, [OP.GATE_BWD, bb, n, w, offsetOf(b, dy), offsetOf(b, g), offsetOf(b, a), offsetOf(b, da), offsetOf(b, dg)]);
  return [da, dg];
}

/** Attributes of `PhylabRopeFwd` / `PhylabRopeBwd`: B sequences of N tokens, heads of `headDim` features. */
export interface RopeAttrs {
  b: number;
  n: number;
  headDim: number;
}

/** Whether a, b (B·N, W) and cos, sin (N, W), all float32, fit the RoPE kernels for heads of headDim (even, dividing W). */
export function ropeFusable(a: tf.TensorInfo, b: tf.TensorInfo, cos: tf.TensorInfo, sin: tf.TensorInfo, attrs: RopeAttrs): boolean {
  if ([a, b, cos, sin].some((t) => t.dtype !== 'float32') || a.shape.length !== 2) return false;
  const [m, w] = a.shape;
  const { b: bb, n, headDim: hd } = attrs;
  if (![bb, n, hd].every((x) => Number.isInteger(x) && x >= 1) || hd % 2 !== 0 || w % hd !== 0 || m !== bb * n) return false;
  return tf.util.arraysEqual(b.shape, a.shape) && tf.util.arraysEqual(cos.shape, [n, w]) && tf.util.arraysEqual(sin.shape, [n, w]);
}

function rope(kernel: 'PhylabRopeFwd' | 'PhylabRopeBwd', { inputs, backend: bk, attrs }: KernelArgs): tf.TensorInfo[] {
  const { a, b, cos, sin } = inputs as Record<string, tf.TensorInfo>;
  const at = attrs as RopeAttrs;
  if (!ropeFusable(a, b, cos, sin, at)) {
    throw new Error(`${kernel}: expected float32 a, b (B·N, W) and cos, sin (N, W) with an even head dim dividing W, got [${a.shape}], [${b.shape}], [${cos.shape}], [${sin.shape}] for b=${at.b}, n=${at.n}, headDim=${at.headDim}`);
  }
  const ya = bk.makeOutput(a.shape, 'float32') as tf.TensorInfo; // (M, W)
  const yb = bk.makeOutput(a.shape, 'float32') as tf.TensorInfo;
  call(bk, [kernel === 'PhylabRopeFwd' ? OP.ROPE_FWD : OP.ROPE_BWD, at.b, at.n, a.shape[1], at.headDim,
    offsetOf(bk, a), offsetOf(bk, b), offsetOf(bk, cos), offsetOf(bk, sin), offsetOf(bk, ya), offsetOf(bk, yb)]);
  return [ya, yb];
}

const IMPLS: Record<FusedKernelName, (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]> = {
  PhylabGeluFwd: geluFwd,
  PhylabGeluBwd: geluBwd,
  PhylabLnModFwd: lnFwd,
  PhylabLnModBwd: lnBwd,
  PhylabAdamW: adamW,
  PhylabEma: ema,
  PhylabAttnFwd: attnFwd,
  PhylabAttnBwd: attnBwd,
  PhylabGateFwd: gateFwd,
  PhylabGateBwd: gateBwd,
  PhylabRopeFwd: (args) => rope('PhylabRopeFwd', args),
  PhylabRopeBwd: (args) => rope('PhylabRopeBwd', args),
};

/**
 * Registers the fused kernels on the wasm backend. Idempotent; only acts when the active backend
 * is wasm and the addon has `fused`; never throws for a missing addon (the status says why).
 * Normally called by enableNativeKernels() (lib/engine/native-kernels.ts).
 */
export function enableFusedKernels(): FusedKernelsStatus {
  for (const env of ['PHYLAB_NATIVE_KERNELS', 'PHYLAB_FUSED_KERNELS']) {
    if (process.env[env] === '0') {
      disableFusedKernels();
      return (status = { enabled: false, count: 0, reason: `${env}=0` });
    }
  }
  if (tf.getBackend() !== 'wasm') return (status = { enabled: false, count: 0, reason: `active backend is ${tf.getBackend()}, not wasm` });
  lib = loadNativeAddon();
  if (!lib) return (status = { enabled: false, count: 0, reason: nativeAddonError() ?? 'addon not available' });
  if (typeof lib.fused !== 'function') return (status = { enabled: false, count: 0, reason: 'addon predates the fused kernels (run `node native/build.cjs --force`)' });
  const ops = lib.fusedOps; // ops the addon knows (absent: the first six)
  const known = typeof ops === 'number' ? ops : OP.EMA + 1;
  const names = FUSED_KERNEL_NAMES.filter((name) => OP_OF[name] < known);
  for (const name of FUSED_KERNEL_NAMES) if (!names.includes(name) && tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  for (const name of names) {
    const current = tf.getKernel(name, 'wasm');
    if (current && Object.prototype.hasOwnProperty.call(current, MARK)) continue;
    if (current) tf.unregisterKernel(name, 'wasm');
    const cfg: tf.KernelConfig = { kernelName: name, backendName: 'wasm', kernelFunc: IMPLS[name] as unknown as tf.KernelFunc };
    Object.defineProperty(cfg, MARK, { value: true, enumerable: false });
    tf.registerKernel(cfg);
  }
  const old = names.length < FUSED_KERNEL_NAMES.length ? ` (addon predates ${FUSED_KERNEL_NAMES.length - names.length} of them: run \`node native/build.cjs --force\`)` : '';
  return (status = { enabled: true, count: names.length, reason: `${names.length} fused kernels${old}` });
}

/** Unregisters the fused kernels (callers then run their composite tf code). Idempotent. */
export function disableFusedKernels(): FusedKernelsStatus {
  for (const name of FUSED_KERNEL_NAMES) if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  return (status = { enabled: false, count: 0, reason: 'disabled' });
}

/** The state after the last enable/disable call. */
export function fusedKernelsStatus(): FusedKernelsStatus {
  return { ...status };
}

/** Whether `name` is registered for the active backend (the only case in which callers may run it). */
export function fusedKernelReady(name: FusedKernelName): boolean {
  return tf.getKernel(name, tf.getBackend()) != null;
}

/** Whether `name` can run on `inputs`: registered for the active backend, all float32 and, with `sameShape`, of one shape. */
export function fusedKernelFits(name: FusedKernelName, inputs: tf.Tensor[], sameShape = false): boolean {
  return inputs.every((t) => t.dtype === 'float32' && (!sameShape || tf.util.arraysEqual(t.shape, inputs[0].shape))) && fusedKernelReady(name);
}

/** Runs a fused kernel (check fusedKernelReady first); always returns the outputs as an array. */
export function runFused(name: FusedKernelName, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs, attrs) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}
