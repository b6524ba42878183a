/**
 * Shape planning for the native copy and reduction kernels (lib/engine/native-kernels.ts,
 * native/phylab_kernels.cc): each plan drops size-1 axes and merges neighbouring axes that move
 * together, so the native loops see the smallest equivalent problem (e.g. a rank-5 transpose that
 * is really a 3-D one). Pure functions, testable without the addon.
 */

function size(shape: readonly number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

/** A reduction viewed as merged groups of axes that alternate between reduced and kept. */
export interface ReducePlan {
  /** Group sizes (products of merged axes), all ≥ 1; `[n]` kept for a reduction over nothing. */
  groups: number[];
  /** Whether group 0 is reduced (then groups 2, 4, … too). */
  firstReduced: boolean;
  /** Output shape without keepDims: the input's kept axes in order. */
  outShape: number[];
  /** Elements reduced into each output (1 when no axis is reduced). */
  reduceCount: number;
}

/** Normalises axes (negative counts from the end; duplicates dropped); throws on out-of-range. */
export function normalizeAxes(axes: number | readonly number[] | null | undefined, rank: number): number[] {
  const list = axes === null || axes === undefined ? Array.from({ length: rank }, (_, i) => i) : typeof axes === 'number' ? [axes] : [...axes];
  const out = new Set<number>();
  for (const a of list) {
    if (!Number.isInteger(a) || a < -rank || a >= Math.max(rank, 1)) throw new Error(`axis ${a} is out of range for rank ${rank}`);
    out.add(a < 0 ? a + rank : a);
  }
  return [...out].sort((x, y) => x - y);
}

/**
 * Plans reducing `axes` of `shape`; null for an empty input (left to the stock kernel).
 * Size-1 axes are dropped; neighbouring axes that are both reduced or both kept are merged.
 */
export function planReduce(shape: readonly number[], axes: readonly number[]): ReducePlan | null {
  if (size(shape) === 0) return null;
  const reduced = new Set(axes);
  const outShape = shape.filter((_, i) => !reduced.has(i));
  const groups: number[] = [];
  const flags: boolean[] = [];
  shape.forEach((d, i) => {
    if (d === 1) return;
    const r = reduced.has(i);
    if (flags.length && flags[flags.length - 1] === r) groups[groups.length - 1] *= d;
    else {
      groups.push(d);
      flags.push(r);
    }
  });
  if (groups.length === 0) return { groups: [1], firstReduced: false, outShape, reduceCount: 1 };
  const reduceCount = groups.reduce((p, g, i) => (flags[i] ? p * g : p), 1);
  return { groups, firstReduced: flags[0], outShape, reduceCount };
}

/** A transpose with size-1 axes dropped and axes that stay adjacent merged. */
export interface TransposePlan {
  /** Input dims after merging (rank ≥ 1). */
  dims: number[];
  /** Output axis j holds input axis perm[j]. */
  perm: number[];
}

/** Plans transposing `shape` by `perm` (validated: a permutation of 0..rank-1). */
export function planTranspose(shape: readonly number[], perm: readonly number[]): TransposePlan {
  const rank = shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new Error(`perm ${perm} is not a permutation of 0..${rank - 1}`);
  }
  // drop size-1 axes, renumber the survivors
  const keep = shape.map((d) => d !== 1);
  const newIndex: number[] = [];
  let n = 0;
  for (let i = 0; i < rank; i++) newIndex.push(keep[i] ? n++ : -1);
  const dims0 = shape.filter((_, i) => keep[i]);
  const perm0 = perm.filter((p) => keep[p]).map((p) => newIndex[p]);
  if (dims0.length === 0) return { dims: [1], perm: [0] };
  // merge input axes a, a+1 that are also consecutive in the output
  const runs: number[][] = [];
  for (const p of perm0) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] + 1 === p) last.push(p);
    else runs.push([p]);
  }
  // runs in input order give the merged input axes
  const byStart = [...runs].sort((a, b) => a[0] - b[0]);
  const dims = byStart.map((r) => r.reduce((s, a) => s * dims0[a], 1));
  const perm1 = runs.map((r) => byStart.indexOf(r));
  return { dims, perm: perm1 };
}

/** A slice box with size-1 axes dropped and trailing fully-taken axes merged. */
export interface SlicePlan {
  dims: number[];
  begin: number[];
  size: number[];
}

/** Plans the box `begin`..`begin + size` of `shape` (already validated, no -1 sizes). Null for an empty box. */
export function planSlice(shape: readonly number[], begin: readonly number[], sz: readonly number[]): SlicePlan | null {
  if (sz.some((s) => s === 0)) return null;
  const dims: number[] = [];
  const b: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    dims.push(shape[i]);
    b.push(begin[i]);
    s.push(sz[i]);
  }
  if (dims.length === 0) return { dims: [1], begin: [0], size: [1] };
  // merge axis i into i+1's run while axis i+1 is taken whole
  for (let i = dims.length - 2; i >= 0; i--) {
    if (b[i + 1] === 0 && s[i + 1] === dims[i + 1]) {
      const d = dims[i + 1];
      dims.splice(i, 2, dims[i] * d);
      b.splice(i, 2, b[i] * d);
      s.splice(i, 2, s[i] * d);
    }
  }
  return { dims, begin: b, size: s };
}

/** A tile with trivial axes dropped and mergeable axes merged. */
export interface TilePlan {
  dims: number[];
  reps: number[];
}

/** Plans tiling `shape` by `reps` (integers ≥ 0). Null when the output is empty. */
export function planTile(shape: readonly number[], reps: readonly number[]): TilePlan | null {
  if (shape.some((d, i) => d * reps[i] === 0)) return null;
  const dims: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1 && reps[i] === 1) continue;
    dims.push(shape[i]);
    r.push(reps[i]);
  }
  for (let i = dims.length - 2; i >= 0; i--) {
    if (r[i] === 1 && r[i + 1] === 1) {
      // both copied whole: one contiguous block
      dims.splice(i, 2, dims[i] * dims[i + 1]);
      r.splice(i, 2, 1);
    } else if (dims[i] === 1) {
      // r[i] copies of (x tiled r[i+1] times) = x tiled r[i]·r[i+1] times
      dims.splice(i, 2, dims[i + 1]);
      r.splice(i, 2, r[i] * r[i + 1]);
    }
  }
  if (dims.length === 0) return { dims: [1], reps: [1] };
  return { dims, reps: r };
}

/** A broadcasting elementwise op over merged axes: out[i] = a[i·aStrides] op b[i·bStrides]. */
export interface BinaryPlan {
  /** Broadcast output shape (uncollapsed). */
  outShape: number[];
  /** Output dims after dropping size-1 axes and merging (rank ≥ 1). */
  dims: number[];
  /** Element strides of a / b along `dims`; 0 where the operand is broadcast. */
  aStrides: number[];
  bStrides: number[];
}

/** numpy broadcast of two shapes; throws tfjs's message on a mismatch. */
function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`Operands could not be broadcast together with shapes ${a} and ${b}.`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Row-major strides of `shape` padded to `rank` leading axes, 0 on axes where it is broadcast to `out`. */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const rank = out.length;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const strides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = padded[i] === 1 && out[i] !== 1 ? 0 : s;
    s *= padded[i];
  }
  return strides;
}

/** Plans a broadcasting binary op of `aShape` and `bShape`; null when the output is empty. */
export function planBinary(aShape: readonly number[], bShape: readonly number[]): BinaryPlan | null {
  const outShape = broadcast(aShape, bShape);
  if (size(outShape) === 0) return null;
  const as0 = broadcastStrides(aShape, outShape);
  const bs0 = broadcastStrides(bShape, outShape);
  const dims: number[] = [];
  const aStrides: number[] = [];
  const bStrides: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    if (outShape[i] === 1) continue;
    const n = dims.length;
    // merge into the previous axis when both operands step through the pair as one axis
    if (n > 0 && aStrides[n - 1] === as0[i] * outShape[i] && bStrides[n - 1] === bs0[i] * outShape[i]) {
      dims[n - 1] *= outShape[i];
      aStrides[n - 1] = as0[i];
      bStrides[n - 1] = bs0[i];
    } else {
      dims.push(outShape[i]);
      aStrides.push(as0[i]);
      bStrides.push(bs0[i]);
    }
  }
  if (dims.length === 0) return { outShape, dims: [1], aStrides: [0], bStrides: [0] };
  return { outShape, dims, aStrides, bStrides };
}
