/**
 * Does a TF.js backend compute the DiT like the reference one? Runs the same tiny DiT on two
 * backends from the same seeded weights and inputs: the forward pass (v prediction), the masked
 * MSE loss, the gradient of every parameter, and one AdamW step (new parameters, first and second
 * moments), and compares them. Used by test/runtime/webgpu.test.ts (webgpu vs wasm, where an
 * adapter exists), by test/runtime/backend-parity.test.ts (cpu vs wasm, everywhere) and by
 * `phylab gpu-check` on a GPU machine.
 *
 * Tolerances (float32 on both sides; summation order differs between backends):
 *   forward, loss, global gradient norm, gradients, moments: max |a − b| ≤ tol · max |b|   (relTol, default 2e-3)
 *   parameters after AdamW: the first step moves each weight by ≈ lr·sign(g), so where g ≈ 0 the
 *   sign can legitimately differ; pass when |Δp_a − Δp_b| ≤ 0.1·lr for all but a fraction
 *   ≤ paramFlipFrac (default 1e-3) of the weights, and ≤ 2.01·lr everywhere.
 */
import * as tf from '@tensorflow/tfjs';
import { maskedMse } from '../diffusion/v-prediction';
import { buildConditioning } from '../diffusion/conditioning';
import { DiT } from '../model/dit';
import { addMany } from '../model/fast-ops';
import { DiTConfig } from '../model/dit-config';
import { ParamMap, disposeParams } from '../model/params';
import { modelConfigFor } from '../model/presets';
import { rngFor } from '../rng/rng';
import { AdamW } from './adamw';
import { initBackend } from '../runtime/backend';

export interface ParityOptions {
  /** Relative tolerance on forward/loss/gradients/moments. Default 2e-3. */
  relTol: number;
  /** Fraction of weights allowed to differ by more than 0.1·lr after the AdamW step. Default 1e-3. */
  paramFlipFrac: number;
  /** Batch size of the check. Default 2. */
  batch: number;
  /** AdamW learning rate. Default 1e-3. */
  lr: number;
  /** Seed of weights and inputs. Default 7. */
  seed: number;
}

export function defaultParityOptions(): ParityOptions {
  return { relTol: 2e-3, paramFlipFrac: 1e-3, batch: 2, lr: 1e-3, seed: 7 };
}

/** The two tiny models checked: the `tiny` preset (per-block adaLN, 4×4 patches) and a paper-style one (shared adaLN, 2×2 patches, 2 heads). */
export function parityModels(): Array<{ name: string; config: DiTConfig }> {
  return [
    { name: 'tiny', config: modelConfigFor('tiny', [4, 8, 8, 3]) },
    { name: 'paper-style', config: modelConfigFor('tiny', [4, 8, 8, 3], { hidden: 64, heads: 2, depth: 2, patch: [1, 2, 2], adaln: 'single' }) },
  ];
}

export interface QuantityDiff {
  what: string;
  maxAbsDiff: number;
  refMaxAbs: number;
  /** maxAbsDiff / refMaxAbs (forward, loss, grads, moments), or the fraction of weights off by > 0.1·lr (params). */
  score: number;
  limit: number;
  ok: boolean;
}

export interface ParityReport {
  model: string;
  backend: string;
  reference: string;
  ok: boolean;
  diffs: QuantityDiff[];
}

type Snapshot = Map<string, Float32Array>;

async function runOn(backend: string, cfg: DiTConfig, o: ParityOptions): Promise<Snapshot> {
  await initBackend({ backend, quiet: true });
  const out: Snapshot = new Map();
  const [t, h, w, c] = cfg.latentShape;
  const b = o.batch;
  const r = rngFor(o.seed, 'parity-inputs');
  const randn = (n: number) => Float32Array.from({ length: n }, () => r.normal());
  const n = b * t * h * w * c;
  const x0 = tf.tensor5d(randn(n), [b, t, h, w, c]);
  const xt = tf.tensor5d(randn(n), [b, t, h, w, c]);
  const target = tf.tensor5d(randn(n), [b, t, h, w, c]);
  const ts = tf.tensor1d(Array.from({ length: b }, (_, i) => 100 + 400 * i));
  const condLens = Array.from({ length: b }, (_, i) => 1 + (i % 2));
  const cond = buildConditioning(x0 as tf.Tensor5D, condLens);
  // adaLN-Zero starts with zero gates and a zero output layer (forward ≡ 0, most gradients 0):
  // perturb every weight so that all of them take part in the comparison.
  const init = DiT.create(cfg, o.seed);
  const names = Object.keys(init.params).sort();
  const pr = rngFor(o.seed, 'parity-weights');
  const perturbed: ParamMap = {};
  for (const k of names) {
    const base = await init.params[k].data();
    perturbed[k] = tf.tensor(Float32Array.from(base, (x) => x + 0.05 * pr.normal()), init.params[k].shape);
  }
  init.dispose();
  const model = new DiT(cfg, perturbed);
  const input = { xt: xt as tf.Tensor5D, cond: cond.cond, mask: cond.mask, t: ts as tf.Tensor1D };
  try {
    const y = model.apply(model.params, input);
    out.set('forward', Float32Array.from(await y.data()));
    y.dispose();
    const f = (...ps: tf.Tensor[]) => {
      const pm: ParamMap = {};
      names.forEach((k, i) => (pm[k] = ps[i]));
      return maskedMse(model.apply(pm, input), target as tf.Tensor5D, cond.lossWeight, cond.count);
    };
    const { value, grads } = tf.valueAndGrads(f)(names.map((k) => model.params[k]));
    out.set('loss', Float32Array.from(await value.data()));
    // the trainer's global gradient norm (one sum over every parameter's squares)
    const norm = tf.tidy(() => tf.sqrt(addMany(grads.map((g) => tf.sum(tf.mul(g, g))))));
    out.set('gradnorm', Float32Array.from(await norm.data()));
    norm.dispose();
    const gm: ParamMap = {};
    for (let i = 0; i < names.length; i++) {
      gm[names[i]] = grads[i];
      out.set(`grad ${names[i]}`, Float32Array.from(await grads[i].data()));
    }
    const decayed = new Set(names.filter((k) => model.params[k].rank >= 2));
    const opt = new AdamW(model.params, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 }, decayed);
    const next = opt.update(model.params, gm, o.lr, 1);
    for (const k of names) {
      out.set(`param ${k}`, Float32Array.from(await next[k].data()));
      out.set(`m ${k}`, Float32Array.from(await opt.m[k].data()));
      out.set(`v ${k}`, Float32Array.from(await opt.v[k].data()));
    }
    value.dispose();
    tf.dispose(grads);
    disposeParams(next);
    disposeParams(opt.m);
    disposeParams(opt.v);
  } finally {
    model.dispose();
    tf.dispose([x0, xt, target, ts, cond.cond, cond.mask, cond.lossWeight]);
  }
  return out;
}

function compare(what: string, a: Float32Array, b: Float32Array, o: ParityOptions): QuantityDiff {
  let maxAbsDiff = 0;
  let refMaxAbs = 0;
  let off = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= maxAbsDiff)) maxAbsDiff = Number.isNaN(d) ? NaN : Math.max(maxAbsDiff, d);
    refMaxAbs = Math.max(refMaxAbs, Math.abs(b[i]));
    if (d > 0.1 * o.lr) off++;
  }
  if (what.startsWith('param ')) {
    const score = off / a.length;
    const ok = Number.isFinite(maxAbsDiff) && score <= o.paramFlipFrac && maxAbsDiff <= 2.01 * o.lr;
    return { what, maxAbsDiff, refMaxAbs, score, limit: o.paramFlipFrac, ok };
  }
  const score = refMaxAbs > 0 ? maxAbsDiff / refMaxAbs : maxAbsDiff;
  return { what, maxAbsDiff, refMaxAbs, score, limit: o.relTol, ok: Number.isFinite(score) && score <= o.relTol };
}

/**
 * Compares `backend` against `reference` (default 'wasm') on the parity models. Leaves `reference`
 * selected at the end. Throws when a backend cannot start (initBackend's error).
 */
export async function backendParity(backend: string, reference = 'wasm', opts: Partial<ParityOptions> = {}): Promise<ParityReport[]> {
  const o = { ...defaultParityOptions(), ...opts };
  const reports: ParityReport[] = [];
  for (const m of parityModels()) {
    const got = await runOn(backend, m.config, o);
    const ref = await runOn(reference, m.config, o);
    const diffs: QuantityDiff[] = [];
    for (const [k, v] of ref) {
      const a = got.get(k);
      if (!a || a.length !== v.length) throw new Error(`parity: '${k}' missing or of another size on ${backend}`);
      diffs.push(compare(k, a, v, o));
    }
    reports.push({ model: m.name, backend, reference, ok: diffs.every((d) => d.ok), diffs });
  }
  return reports;
}

/** Per model: the worst score of each kind of quantity, and the failures. */
export function formatParity(reports: ReadonlyArray<ParityReport>): string {
  const lines: string[] = [];
  for (const r of reports) {
    const kinds = ['forward', 'loss', 'gradnorm', 'grad', 'm', 'v', 'param'];
    const worst = kinds.map((k) => {
      const ds = r.diffs.filter((d) => d.what === k || d.what.startsWith(`${k} `));
      const w = ds.reduce((x, d) => (d.score > x.score || Number.isNaN(d.score) ? d : x), ds[0]);
      return `${k} ${w.score.toExponential(1)}${w.what.startsWith('param') ? ' off' : ''} (≤ ${w.limit.toExponential(0)})`;
    });
    lines.push(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.model.padEnd(12)} ${r.backend} vs ${r.reference}: ${worst.join(', ')}`);
    for (const d of r.diffs.filter((x) => !x.ok)) lines.push(`       ${d.what}: max |diff| ${d.maxAbsDiff.toExponential(2)}, ref max ${d.refMaxAbs.toExponential(2)}, score ${d.score.toExponential(2)} > ${d.limit}`);
  }
  return lines.join('\n');
}
