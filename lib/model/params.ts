/**
 * The DiT's parameters: names, shapes and seeded initialisation (DiT `initialize_weights`):
 * Xavier-uniform linear weights, zero biases, N(0, 0.02) timestep MLP and learned positions,
 * zero adaLN modulation and zero final layer (adaLN-Zero: every block starts as the identity).
 *
 * Values are drawn in JS from `rngFor(seed, 'dit-init', name)`, so a parameter's initial value
 * depends only on (seed, name, shape): identical on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { rngFor } from '../rng/rng';
import { attentionParamSpecs } from './attention';
import { DiTConfig, tokenGeometry } from './dit-config';
import { mlpParamSpecs } from './mlp';
import { InitKind, linearSpecs, ParamSpec } from './param-spec';

export type { InitKind, ParamSpec };

/** Parameters by name (e.g. 'blocks.0.attn.wq'). */
export type ParamMap = Record<string, tf.Tensor>;

/** All parameter specs of a config, in a fixed order (the checkpoint order). */
export function paramSpecs(cfg: DiTConfig): ParamSpec[] {
  const g = tokenGeometry(cfg);
  const d = cfg.hidden;
  const out: ParamSpec[] = [];
  const lin = (name: string, i: number, o: number, init: InitKind = 'xavier') => out.push(...linearSpecs(name, i, o, init));
  lin('x_embed', g.inDim, d);
  if (cfg.pos === 'learned') out.push({ name: 'pos', shape: [g.tokens, d], init: 'normal02', decay: false });
  lin('t_embed.fc1', cfg.timeFreqDim, d, 'normal02');
  lin('t_embed.fc2', d, d, 'normal02');
  if (cfg.adaln === 'single') lin('adaln', d, 6 * d, 'zeros');
  for (let i = 0; i < cfg.depth; i++) {
    const p = `blocks.${i}`;
    if (cfg.adaln === 'single') out.push({ name: `${p}.adaln_table`, shape: [6 * d], init: 'zeros', decay: false });
    else lin(`${p}.adaln`, d, 6 * d, 'zeros');
    out.push(...attentionParamSpecs(`${p}.attn`, d));
    out.push(...mlpParamSpecs(`${p}.mlp`, d, g.mlpHidden));
  }
  if (cfg.adaln === 'single') out.push({ name: 'final.adaln_table', shape: [2 * d], init: 'zeros', decay: false });
  else lin('final.adaln', d, 2 * d, 'zeros');
  lin('final.linear', d, g.outDim, 'zeros');
  return out;
}

/** Number of scalar parameters of a config (no tensors allocated). */
export function countParams(cfg: DiTConfig): number {
  return paramSpecs(cfg).reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
}

/** Seeded initial values of one parameter. */
export function initialValues(spec: ParamSpec, seed: number): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  if (spec.init === 'zeros') return v;
  const rng = rngFor(seed, 'dit-init', spec.name);
  if (spec.init === 'normal02') {
    for (let i = 0; i < n; i++) v[i] = 0.02 * rng.normal();
    return v;
  }
  const [fanIn, fanOut] = spec.shape;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < n; i++) v[i] = rng.range(-limit, limit);
  return v;
}

/** Fresh parameter tensors for a config (caller owns them). */
export function initParams(cfg: DiTConfig, seed: number): ParamMap {
  const out: ParamMap = {};
  for (const s of paramSpecs(cfg)) out[s.name] = tf.tensor(initialValues(s, seed), s.shape);
  return out;
}

export function disposeParams(p: ParamMap): void {
  for (const t of Object.values(p)) t.dispose();
}

/** Copies of every tensor (e.g. EMA initialisation). */
export function cloneParams(p: ParamMap): ParamMap {
  const out: ParamMap = {};
  for (const [k, t] of Object.entries(p)) out[k] = tf.clone(t);
  return out;
}

/** Name and shape of one stored tensor (checkpoint manifests). */
export interface TensorEntry {
  name: string;
  shape: number[];
}

/** Concatenate the float32 data of `map[e.name]` for each entry, in order (checkpoint files). */
export async function packTensors(map: ParamMap, entries: ReadonlyArray<TensorEntry>, what = 'checkpoint'): Promise<Buffer> {
  const total = entries.reduce((s, e) => s + e.shape.reduce((a, b) => a * b, 1), 0);
  const buf = new Float32Array(total);
  let off = 0;
  for (const e of entries) {
    const t = map[e.name];
    if (!t) throw new Error(`${what}: missing tensor '${e.name}'`);
    buf.set((await t.data()) as Float32Array, off);
    off += t.size;
  }
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Inverse of packTensors, starting `offsetElems` floats in; the tensors are owned by the caller (freed on error). */
export function unpackTensors(bytes: Buffer, entries: ReadonlyArray<TensorEntry>, offsetElems = 0, what = 'checkpoint'): ParamMap {
  const f = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const out: ParamMap = {};
  let off = offsetElems;
  try {
    for (const e of entries) {
      const n = e.shape.reduce((a, b) => a * b, 1);
      if (off + n > f.length) throw new Error(`${what}: file too short for '${e.name}'`);
      out[e.name] = tf.tensor(f.subarray(off, off + n), e.shape);
      off += n;
    }
  } catch (err) {
    disposeParams(out);
    throw err;
  }
  return out;
}
