/**
 * Feature networks for the learned video metrics (FVD-sim, LPIPS-sim). The paper's FVD uses
 * Kinetics-400 I3D and its LPIPS AlexNet; those weights cannot be downloaded here, so:
 * - `trainSimFeatureNet` trains small 3-D convolutional encoders on simulator videos, seeded and
 *   cached, on a proxy task: which of the 8 object types are present (8 binary labels, 4 of them
 *   set: the template's objects) in a PHYRE video (kind 'video': 8 frames spread over the clip) or
 *   in one of its frames (kind 'frame'). Version 2 classified the 70 templates (one-hot) and did
 *   not learn from 4 videos per template (training accuracy at chance);
 * - `loadFeatureNet` accepts a user-supplied network from a local path through the same interface:
 *   either this module's own JSON format, or a TF.js Layers model (`model.json` + weight files,
 *   e.g. an AlexNet or I3D converted with tensorflowjs_converter), with the layers to tap named.
 * Inputs: uint8 RGB frames, resized (bilinear) to the net's size and mapped to [−1, 1] (as LPIPS).
 * Convolutions are 3-D throughout (frames are clips of length 1): TF.js's wasm backend has the
 * 3-D convolution gradients but not the 2-D filter gradient.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hashKey, Rng } from '../rng/rng';
import { makePhyreVideo } from '../sim/phyre/video';
import { OBJECT_TYPES, TEMPLATE_COUNT, TEMPLATES } from '../sim/phyre/templates';
import { REPO_ROOT } from '../runtime/provenance';
import { ConfigError } from '../config/profile';

/** Bumped when the architecture or training changes (part of the cache key). */
export const SIM_NET_VERSION = 3;
/** Labels of the proxy task: presence of each object type. */
const LABELS = OBJECT_TYPES.length;
export const DEFAULT_FEATURE_CACHE = join(REPO_ROOT, 'data', 'cache', 'feature-nets');

export interface SimNetConfig {
  /** 'frame' (LPIPS-sim taps) or 'video' (FVD-sim embedding). */
  kind: 'frame' | 'video';
  /** Input side in pixels. Default 32. */
  size: number;
  /** Frames per input clip: 1 for 'frame', default 8 for 'video'. */
  frames: number;
  /** Output channels of the three convolutions. Default [16, 32, 64] (frame) / [8, 16, 32] (video). */
  channels: number[];
  /** Embedding size (the FVD-sim feature). Default 64 (frame) / 32 (video). */
  embed: number;
  /** Training videos: every template in turn, seeds 0, 1, … Default 280 (4 per template). */
  trainVideos: number;
  /** Adam steps. Default 400: a few CPU-minutes each at 32 px on wasm. */
  steps: number;
  /** Batch size. Default 32 (frame) / 8 (video). */
  batch: number;
  /** Learning rate. Default 0.003. */
  lr: number;
  /** Seed of the initialisation and the batches. Default 0. */
  seed: number;
}

export function defaultSimNetConfig(kind: 'frame' | 'video'): SimNetConfig {
  const frame = kind === 'frame';
  return { kind, size: 32, frames: frame ? 1 : 8, channels: frame ? [16, 32, 64] : [8, 16, 32], embed: frame ? 64 : 32, trainVideos: 280, steps: 400, batch: frame ? 32 : 8, lr: 0.003, seed: 0 };
}

/** A feature network: taps (per-layer activations) and an embedding per input clip. */
export interface FeatureNet {
  name: string;
  kind: 'frame' | 'video';
  size: number;
  frames: number;
  /** Per-layer activations for a batch [B, T, S, S, 3] in [−1, 1]; each [B, ...spatial, C]. */
  taps(x: tf.Tensor5D): tf.Tensor[];
  /** One feature vector per clip: [B, D]. */
  embedding(x: tf.Tensor5D): tf.Tensor2D;
  dispose(): void;
}

/** The frames of (T, H, W, 3) uint8 videos as a [B, frames, S, S, 3] tensor in [−1, 1]; `pick` chooses the frame indices. */
export function toInput(videos: ReadonlyArray<Uint8Array>, T: number, h: number, w: number, size: number, pick: number[]): tf.Tensor5D {
  return tf.tidy(() => {
    const clips = videos.map((v) => {
      if (v.length !== T * h * w * 3) throw new ConfigError(`feature net: a video holds ${v.length} bytes, expected ${T}×${h}×${w}×3`);
      const frames = pick.map((t) => tf.tensor3d(v.subarray(t * h * w * 3, (t + 1) * h * w * 3), [h, w, 3], 'int32').toFloat());
      let x = tf.stack(frames) as tf.Tensor4D;
      if (h !== size || w !== size) x = tf.image.resizeBilinear(x, [size, size]);
      return x.div(127.5).sub(1);
    });
    return tf.stack(clips) as tf.Tensor5D;
  });
}

/** `n` frame indices spread evenly over T frames (first and last included). */
export function spreadFrames(T: number, n: number): number[] {
  if (n === 1) return [0];
  return Array.from({ length: n }, (_, i) => Math.round((i * (T - 1)) / (n - 1)));
}

interface SimParams {
  convW: tf.Variable[];
  convB: tf.Variable[];
  embW: tf.Variable;
  embB: tf.Variable;
  clsW: tf.Variable;
  clsB: tf.Variable;
}

function initParams(cfg: SimNetConfig): SimParams {
  const rng = new Rng(hashKey('sim-feature-net', cfg.kind, cfg.seed));
  let cin = 3;
  const convW: tf.Variable[] = [];
  const convB: tf.Variable[] = [];
  for (const [i, c] of cfg.channels.entries()) {
    // the first layer is spatial only (kt = 1): the large maps make 3-D kernels too slow on a CPU
    const kt = cfg.kind === 'frame' || i === 0 ? 1 : 3;
    const fan = kt * 9 * cin;
    convW.push(tf.variable(tf.randomNormal([kt, 3, 3, cin, c], 0, Math.sqrt(2 / fan), 'float32', rng.seedInt())));
    convB.push(tf.variable(tf.zeros([c])));
    cin = c;
  }
  return {
    convW,
    convB,
    embW: tf.variable(tf.randomNormal([cin, cfg.embed], 0, Math.sqrt(2 / cin), 'float32', rng.seedInt())),
    embB: tf.variable(tf.zeros([cfg.embed])),
    clsW: tf.variable(tf.randomNormal([cfg.embed, LABELS], 0, Math.sqrt(1 / cfg.embed), 'float32', rng.seedInt())),
    clsB: tf.variable(tf.zeros([LABELS])),
  };
}

function forward(p: SimParams, cfg: SimNetConfig, x: tf.Tensor5D): { taps: tf.Tensor5D[]; emb: tf.Tensor2D; logits: tf.Tensor2D } {
  const taps: tf.Tensor5D[] = [];
  let h: tf.Tensor5D = x;
  p.convW.forEach((w, i) => {
    const st: [number, number, number] = cfg.kind === 'frame' || i === 0 ? [1, 2, 2] : [2, 2, 2];
    h = tf.relu(tf.conv3d(h, w as tf.Tensor5D, st, 'same').add(p.convB[i])) as tf.Tensor5D;
    taps.push(h);
  });
  const pooled = h.mean([1, 2, 3]) as tf.Tensor2D;
  const emb = tf.relu(pooled.matMul(p.embW as tf.Tensor2D).add(p.embB)) as tf.Tensor2D;
  const logits = emb.matMul(p.clsW as tf.Tensor2D).add(p.clsB) as tf.Tensor2D;
  return { taps, emb, logits };
}

/** Where a trained net is cached. */
export function simNetPath(cfg: SimNetConfig, cacheDir = DEFAULT_FEATURE_CACHE): string {
  return join(cacheDir, `${cfg.kind}-sim-${hashKey(JSON.stringify(cfg), SIM_NET_VERSION).toString(16)}.json`);
}

/** Presence of each object type (OBJECT_TYPES order) in a template: 8 values, 4 of them 1. */
export function objectPresence(template: number): number[] {
  return OBJECT_TYPES.map((t) => (TEMPLATES[template].includes(t) ? 1 : 0));
}

/** The training clips: video i is template i mod 70, seed ⌊i/70⌋, trial i; y = its template (labels: objectPresence). */
function trainingSet(cfg: SimNetConfig): { x: tf.Tensor5D; y: Int32Array } {
  const T = 32;
  const vids: Uint8Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < cfg.trainVideos; i++) {
    const template = i % TEMPLATE_COUNT;
    vids.push(makePhyreVideo({ template, seed: Math.floor(i / TEMPLATE_COUNT), trial: i, size: cfg.size, frames: T }).frames);
    labels.push(template);
  }
  if (cfg.kind === 'video') return { x: toInput(vids, T, cfg.size, cfg.size, cfg.size, spreadFrames(T, cfg.frames)), y: Int32Array.from(labels) };
  // frames: 8 per video, each its own sample
  const per = 8;
  const picks = spreadFrames(T, per);
  const x = tf.tidy(() => toInput(vids, T, cfg.size, cfg.size, cfg.size, picks).reshape([vids.length * per, 1, cfg.size, cfg.size, 3]) as tf.Tensor5D);
  return { x, y: Int32Array.from(labels.flatMap((l) => Array(per).fill(l))) };
}

export interface TrainReport {
  path: string;
  cached: boolean;
  seconds: number;
  /** Training loss at the start and the end, and the accuracy on the training set at the end. */
  firstLoss: number;
  lastLoss: number;
  /** Per-label accuracy of the object-presence proxy task on the training set (always guessing one way: 0.5). */
  trainAccuracy: number;
}

function saveParams(path: string, cfg: SimNetConfig, p: SimParams, report: Omit<TrainReport, 'path' | 'cached'>): void {
  const all = [...p.convW, ...p.convB, p.embW, p.embB, p.clsW, p.clsB];
  const tensors = all.map((v) => ({ shape: v.shape, data: Buffer.from(new Float32Array(v.dataSync()).buffer).toString('base64') }));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ format: 'phylab-sim-feature-net', version: SIM_NET_VERSION, cfg, report, tensors }));
}

function loadParams(path: string): { cfg: SimNetConfig; p: SimParams; report: Omit<TrainReport, 'path' | 'cached'> } {
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  if (doc.format !== 'phylab-sim-feature-net') throw new ConfigError(`${path} is not a phylab-sim-feature-net file`);
  const cfg = doc.cfg as SimNetConfig;
  const ts = (doc.tensors as Array<{ shape: number[]; data: string }>).map((t) => {
    const b = Buffer.from(t.data, 'base64');
    return tf.variable(tf.tensor(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4), t.shape));
  });
  const n = cfg.channels.length;
  return { cfg, report: doc.report, p: { convW: ts.slice(0, n), convB: ts.slice(n, 2 * n), embW: ts[2 * n], embB: ts[2 * n + 1], clsW: ts[2 * n + 2], clsB: ts[2 * n + 3] } };
}

function wrap(name: string, cfg: SimNetConfig, p: SimParams): FeatureNet {
  return {
    name,
    kind: cfg.kind,
    size: cfg.size,
    frames: cfg.frames,
    taps: (x) => forward(p, cfg, x).taps,
    embedding: (x) => tf.tidy(() => forward(p, cfg, x).emb),
    dispose: () => [...p.convW, ...p.convB, p.embW, p.embB, p.clsW, p.clsB].forEach((v) => v.dispose()),
  };
}

/**
 * Trains (or loads from the cache) a simulator feature net. Deterministic for a config on one
 * backend; the report says how well it learned its proxy task.
 */
export async function trainSimFeatureNet(partial: Partial<SimNetConfig> & { kind: 'frame' | 'video' }, opts: { cacheDir?: string; log?: (s: string) => void } = {}): Promise<{ net: FeatureNet; report: TrainReport }> {
  const cfg: SimNetConfig = { ...defaultSimNetConfig(partial.kind), ...partial };
  if (cfg.kind === 'frame' && cfg.frames !== 1) throw new ConfigError(`frames must be 1 for a frame net, got ${cfg.frames}`);
  if (!Number.isInteger(cfg.size) || cfg.size < 16 || cfg.size > 128) throw new ConfigError(`size must be an integer in [16, 128], got ${cfg.size}`);
  const path = simNetPath(cfg, opts.cacheDir);
  const name = cfg.kind === 'frame' ? 'LPIPS-sim' : 'FVD-sim';
  if (existsSync(path)) {
    const { p, report } = loadParams(path);
    return { net: wrap(name, cfg, p), report: { ...report, path, cached: true } };
  }
  const t0 = performance.now();
  const { x, y } = trainingSet(cfg);
  const p = initParams(cfg);
  const optimizer = tf.train.adam(cfg.lr);
  const rng = new Rng(hashKey('sim-feature-net-batches', cfg.kind, cfg.seed));
  const n = y.length;
  let firstLoss = NaN;
  let lastLoss = NaN;
  const vars = [...p.convW, ...p.convB, p.embW, p.embB, p.clsW, p.clsB];
  for (let step = 0; step < cfg.steps; step++) {
    const idx = Int32Array.from({ length: Math.min(cfg.batch, n) }, () => rng.int(n));
    const loss = tf.tidy(() => {
      const xb = tf.gather(x, idx) as tf.Tensor5D;
      const yb = tf.tensor2d(Array.from(idx, (i) => objectPresence(y[i])), [idx.length, LABELS]); // [B, 8]
      const l = optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(yb, forward(p, cfg, xb).logits) as tf.Scalar, true, vars);
      return l!;
    });
    const v = (await loss.data())[0];
    loss.dispose();
    if (step === 0) firstLoss = v;
    lastLoss = v;
    if (opts.log && (step % 50 === 0 || step === cfg.steps - 1)) opts.log(`${name} step ${step}: loss ${v.toFixed(3)}`);
  }
  let correct = 0;
  for (let i = 0; i < n; i += 64) {
    const pred = tf.tidy(() => forward(p, cfg, x.slice([i], [Math.min(64, n - i)]) as tf.Tensor5D).logits.greater(0)); // [b, 8]
    const pv = await pred.data();
    pred.dispose();
    for (let j = 0; j < pv.length / LABELS; j++) {
      const truth = objectPresence(y[i + j]);
      for (let k = 0; k < LABELS; k++) correct += pv[j * LABELS + k] === truth[k] ? 1 : 0;
    }
  }
  x.dispose();
  optimizer.dispose();
  const report = { seconds: (performance.now() - t0) / 1000, firstLoss, lastLoss, trainAccuracy: correct / (n * LABELS) };
  saveParams(path, cfg, p, report);
  return { net: wrap(name, cfg, p), report: { ...report, path, cached: false } };
}

export interface UserNetOptions {
  kind: 'frame' | 'video';
  /** Input side the net expects. */
  size: number;
  /** Frames per clip (video nets); 1 for frame nets. */
  frames: number;
  /** Layer names whose outputs are the taps (LPIPS uses AlexNet's 5 ReLU outputs). Default: every layer except the last. */
  tapLayers?: string[];
  /** Layer whose output (globally averaged over space/time if not flat) is the embedding. Default: the last layer. */
  embeddingLayer?: string;
  /** The model's input layout: 'clip' [B, T, S, S, 3], 'frame' [B, S, S, 3] (frame nets only). Default 'clip' for video, 'frame' for frame nets. */
  layout?: 'clip' | 'frame';
  name?: string;
}

/**
 * Loads a user-supplied feature net from a local path: this module's JSON (`phylab-sim-feature-net`)
 * or a TF.js Layers model.json with its weight files beside it.
 */
export async function loadFeatureNet(path: string, opts?: UserNetOptions): Promise<FeatureNet> {
  if (!existsSync(path)) throw new ConfigError(`feature net file not found: ${path}`);
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  if (doc.format === 'phylab-sim-feature-net') {
    const { cfg, p } = loadParams(path);
    return wrap(cfg.kind === 'frame' ? 'LPIPS-sim' : 'FVD-sim', cfg, p);
  }
  if (!doc.modelTopology || !doc.weightsManifest) throw new ConfigError(`${path}: expected a phylab-sim-feature-net JSON or a TF.js Layers model.json (with modelTopology and weightsManifest)`);
  if (!opts) throw new ConfigError(`${path}: a TF.js model needs options { kind, size, frames, tapLayers?, embeddingLayer? }`);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of doc.weightsManifest as Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>) {
    specs.push(...group.weights);
    for (const f of group.paths) buffers.push(readFileSync(join(dirname(path), f)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: doc.modelTopology, weightSpecs: specs, weightData }));
  const names = model.layers.map((l) => l.name);
  const tapNames = opts.tapLayers ?? names.slice(0, -1).filter((n) => !model.getLayer(n).getClassName().startsWith('Input'));
  const embName = opts.embeddingLayer ?? names[names.length - 1];
  for (const n of [...tapNames, embName]) if (!names.includes(n)) throw new ConfigError(`layer '${n}' is not in ${path}; layers: ${names.join(', ')}`);
  const sub = tf.model({ inputs: model.inputs, outputs: [...tapNames, embName].map((n) => model.getLayer(n).output as tf.SymbolicTensor) });
  const layout = opts.layout ?? (opts.kind === 'video' ? 'clip' : 'frame');
  const run = (x: tf.Tensor5D): tf.Tensor[] => {
    const input = layout === 'frame' ? x.reshape([x.shape[0] * x.shape[1], x.shape[2], x.shape[3], x.shape[4]]) : x;
    const out = sub.predict(input);
    return Array.isArray(out) ? out : [out];
  };
  return {
    name: opts.name ?? `user:${path}`,
    kind: opts.kind,
    size: opts.size,
    frames: opts.frames,
    taps: (x) => run(x).slice(0, tapNames.length),
    embedding: (x) =>
      tf.tidy(() => {
        const e = run(x)[tapNames.length];
        return (e.rank > 2 ? e.mean(Array.from({ length: e.rank - 2 }, (_, i) => i + 1)) : e).reshape([x.shape[0], -1]) as tf.Tensor2D;
      }),
    dispose: () => model.dispose(),
  };
}
