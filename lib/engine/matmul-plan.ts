/**
 * Shape planning for a batched matmul C = op(A)·op(B) with numpy-style broadcasting of the batch
 * (leading) dimensions, as a list of row-major GEMMs over the stored matrices of A and B.
 * Pure functions: used by the native OpenBLAS kernels (native-matmul.ts), testable without them.
 */

export interface MatMulPlan {
  /** Output shape: broadcast batch dims + [M, N]. */
  outShape: number[];
  /** Rows of op(A) and of each output matrix. */
  m: number;
  /** Columns of op(B) and of each output matrix. */
  n: number;
  /** Inner dimension. */
  k: number;
  /** A is stored [.., K, M] (true) or [.., M, K]. */
  transposeA: boolean;
  /** B is stored [.., N, K] (true) or [.., K, N]. */
  transposeB: boolean;
  /** Number of output matrices (product of the broadcast batch dims). */
  batch: number;
  /** Matrices stored in A / B. */
  aCount: number;
  bCount: number;
  /** A / B matrix index step per output matrix (0: broadcast one matrix); used when the idx array is null. */
  aStep: number;
  bStep: number;
  /** Explicit A / B matrix index per output matrix, for general broadcasting (e.g. [2,1] vs [1,3]); else null. */
  aIdx: Uint32Array | null;
  bIdx: Uint32Array | null;
}

/** How a bias is laid out relative to the output [batch, M, N] (native/phylab_blas.cc BiasMode). */
export enum BiasMode {
  None = 0,
  /** Length-N row added to every row. */
  Row = 1,
  /** One value. */
  Scalar = 2,
  /** One [M, N] matrix added to every output matrix. */
  Matrix = 3,
  /** The full [batch, M, N] output shape. */
  Full = 4,
}

function size(shape: readonly number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

/** numpy broadcast of two shapes; throws the tfjs message on a mismatch. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = new Array(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`Operands could not be broadcast together with shapes ${a} and ${b}.`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** For each output batch position, the index of the (broadcast) source matrix. */
function broadcastIndex(src: readonly number[], out: readonly number[]): Uint32Array {
  const rank = out.length;
  const total = size(out);
  const idx = new Uint32Array(total);
  const srcDims = out.map((_, i) => src[src.length - rank + i] ?? 1);
  const srcStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    srcStrides[i] = srcDims[i] === 1 ? 0 : s;
    s *= srcDims[i];
  }
  const pos = new Array<number>(rank).fill(0);
  for (let o = 0; o < total; o++) {
    let v = 0;
    for (let i = 0; i < rank; i++) v += pos[i] * srcStrides[i];
    idx[o] = v;
    for (let i = rank - 1; i >= 0; i--) {
      if (++pos[i] < out[i]) break;
      pos[i] = 0;
    }
  }
  return idx;
}

/**
 * Plans C = op(A)·op(B) for tensors of rank ≥ 2; null for a rank < 2 operand (left to the stock
 * kernel). Throws tfjs's message when the inner dimensions differ.
 */
export function planMatMul(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean): MatMulPlan | null {
  const ra = aShape.length;
  const rb = bShape.length;
  if (ra < 2 || rb < 2) return null;
  const innerA = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const innerB = transposeB ? bShape[rb - 1] : bShape[rb - 2];
  const m = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const n = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  if (innerA !== innerB) {
    throw new Error(`Error in matMul: inner shapes (${innerA}) and (${innerB}) of Tensors with shapes ${aShape} and ` +
      `${bShape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  }
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  const outer = broadcastShapes(outerA, outerB);
  const batch = size(outer);
  const aCount = size(outerA);
  const bCount = size(outerB);
  let aStep = 1;
  let bStep = 1;
  let aIdx: Uint32Array | null = null;
  let bIdx: Uint32Array | null = null;
  // A source whose batch size equals the output's maps one-to-one (no broadcast dim > 1 is 1 in it).
  if (aCount === batch) aStep = 1;
  else if (aCount === 1) aStep = 0;
  else aIdx = broadcastIndex(outerA, outer);
  if (bCount === batch) bStep = 1;
  else if (bCount === 1) bStep = 0;
  else bIdx = broadcastIndex(outerB, outer);
  return { outShape: [...outer, m, n], m, n, k: innerA, transposeA, transposeB, batch, aCount, bCount, aStep, bStep, aIdx, bIdx };
}

/**
 * How `biasShape` (broadcastable to the output) maps onto the [batch, M, N] output, or null when
 * the native epilogue cannot add it (e.g. a per-row [M, 1] bias).
 */
export function biasMode(biasShape: readonly number[], plan: MatMulPlan): BiasMode | null {
  const s = [...biasShape];
  while (s.length > 0 && s[0] === 1) s.shift();
  if (size(s) === 1) return BiasMode.Scalar;
  if (s.length === 1 && s[0] === plan.n) return BiasMode.Row;
  if (s.length === 2 && s[0] === plan.m && s[1] === plan.n) return BiasMode.Matrix;
  const r = biasShape.length;
  if (r >= 2 && size(biasShape) === plan.batch * plan.m * plan.n && biasShape[r - 2] === plan.m && biasShape[r - 1] === plan.n) {
    return BiasMode.Full;
  }
  return null;
}
