/**
 * Shipped trained models (issue #25): `data/models/<experiment>/<profile>/<model>/` holds what
 * sampling needs and nothing else (never the optimizer state or the training weights):
 *   config.json   the DiT checkpoint's config (lib/train/checkpoint.ts) with `files` naming only ema.bin
 *                 and `config.autoencoder.weights` relative to the model folder (the shared VAE below)
 *   ema.bin       the EMA weights, float32 little-endian, in the manifest's order; or
 *   ema.f16.bin   the same rounded to float16 (`dtype: 'float16'` on the card; loadModel widens them back
 *                 to float32, lib/runtime/float16.ts)
 *   card.json     what the model is (ModelCard): trained on, steps, seed, unit id and hash, commit,
 *                 its numbers from the shipped summary, the files with size and SHA-256, size in bytes
 * The frame VAE a model diffuses the latents of is stored once, shared, under
 * `data/models/vae/<vae id>/{vae.json, weights.bin}` (id: the first 16 hex digits of the SHA-256 of
 * its weights.bin) and the card names it by that id and its files' checksums.
 *
 * `loadModel(name)` checks every file against the card before anything is used, so a corrupted,
 * truncated or missing file is an error naming it.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FileRecord, fileRecord, readVerifiedFile } from '../runtime/file-checksum';
import { fromFloat16, toFloat16 } from '../runtime/float16';
import { REPO_ROOT } from '../runtime/provenance';
import { createAutoencoder } from '../model/autoencoder';
import { DiT } from '../model/dit';
import { ParamMap, unpackTensors } from '../model/params';
import { CheckpointMeta, loadCheckpoint, readCheckpointMeta, resolveCheckpointDir } from '../train/checkpoint';
import type { LoadedModel } from './load-model';

/** Format tag of card.json. */
export const MODEL_CARD_FORMAT = 'phylab-model-card';
export const MODEL_CARD_VERSION = 1;

/** The registry root: data/models of the repository (PHYLAB_MODELS overrides). */
export function defaultModelsRoot(): string {
  return process.env.PHYLAB_MODELS ?? join(REPO_ROOT, 'data', 'models');
}

/** A model's name is its folder under the root: `<experiment>/<profile>/<model>`, lower-case words. */
export const MODEL_NAME = /^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/;

/** What a shipped model is (card.json). Experiment-specific facts live in `trainedOn`, `numbers` and `experimentConfig`. */
export interface ModelCard {
  format: typeof MODEL_CARD_FORMAT;
  version: number;
  /** `<experiment>/<profile>/<model>`, e.g. `direction-flip/quick/set-1-s1`. */
  name: string;
  experiment: string;
  profile: string;
  /** One line: what it is. */
  description: string;
  /** Model preset, parameters, optimizer steps, training seed. */
  preset: string;
  params: number;
  steps: number;
  seed: number;
  /** The experiment unit that trained it (id and cache hash) and the commit that ran it (from the shipped run.json). */
  unit: { id: string; hash: string; commit: string | null; seconds: number | null };
  /**
   * The run that wrote the exported checkpoint: commit (the unit cache's meta.json), save date and
   * engine (its config). It differs from `unit.commit` when the unit was retrained after the shipped
   * summary was computed; then the card's numbers are the summary's, not necessarily this checkpoint's.
   * Absent on cards written before it existed.
   */
  checkpoint?: CheckpointRun;
  /** What it was trained on (experiment-specific: set name, speed bands, direction, count …). */
  trainedOn: Record<string, unknown>;
  /** Its numbers, computed from the shipped summary rows by the experiment's report functions. */
  numbers: Record<string, unknown>;
  /** Where the numbers come from (e.g. `data/results/direction-flip/quick/summary.json`, rows of set X seed 1). */
  numbersFrom: string;
  /**
   * The shipped run folder (relative to the repository root) whose summary.json and run.json the
   * numbers and the unit come from, e.g. `data/results/id-ood/runs/quick-7b8c50426c0f` (the collision
   * probe) for a non-default run. Absent on cards written before it existed: `data/results/<experiment>/<profile>`.
   */
  results?: string;
  /** The experiment's resolved config the model was trained and evaluated with (how to build its conditioning videos). */
  experimentConfig: Record<string, unknown>;
  /** How the experiment sampled from it: noise seed, DDIM steps, conditioning frames, videos per batch. */
  sampling: { seed: number; steps: number; condFrames: number; batchSize: number };
  /** Files of the model folder: size and SHA-256. */
  files: Record<string, FileRecord>;
  /** The shared frame VAE (null: the model diffuses pixels): its id (folder under `vae/`) and files. */
  vae: { id: string; files: Record<string, FileRecord> } | null;
  /** Bytes of the model's files plus its VAE's. */
  sizeBytes: number;
  /** Weight precision stored: 'float32' (ema.bin, the checkpoint's bytes) or 'float16' (ema.f16.bin, rounded to nearest). */
  dtype: ModelDtype;
}

/** Precisions a model's weights can be stored in. */
export const MODEL_DTYPES = ['float32', 'float16'] as const;
export type ModelDtype = (typeof MODEL_DTYPES)[number];

/** The weights file of a dtype. */
export const weightsFile = (dtype: ModelDtype): string => (dtype === 'float16' ? 'ema.f16.bin' : 'ema.bin');

/** Where a shipped model's reproduction record lies (scripts/reproduce-id-ood-model.ts writes it, `phylab sample --model` reads it): `<root>/<name>.reproduction.json`. */
export const reproductionFile = (name: string, root = defaultModelsRoot()): string => join(root, `${name}.reproduction.json`);

/** Who wrote a checkpoint: the commit of the unit's run, the save date, the TF.js engine label. */
export interface CheckpointRun {
  commit: string | null;
  saved: string | null;
  engine: string | null;
}

/** A shipped model loaded for sampling: its EMA weights, its autoencoder and its card. */
export interface RegistryModel extends LoadedModel {
  card: ModelCard;
  /** The model folder. */
  dir: string;
}

const VAE_FILES = ['vae.json', 'weights.bin'] as const;

/** Folder of the shared VAE `id`. */
export const vaeFolder = (root: string, id: string) => join(root, 'vae', id);

function checkName(name: string): void {
  if (!MODEL_NAME.test(name)) throw new Error(`model name '${name}' is not <experiment>/<profile>/<model> (lower-case letters, digits and '-'), e.g. direction-flip/quick/set-1-s1`);
}

/** Names of the models under `root` (folders holding a card.json), sorted. */
export function listModels(root = defaultModelsRoot()): string[] {
  const out: string[] = [];
  const sub = (d: string) => (existsSync(d) ? readdirSync(d).filter((f) => statSync(join(d, f)).isDirectory()).sort() : []);
  for (const e of sub(root)) {
    if (e === 'vae') continue;
    for (const p of sub(join(root, e))) for (const m of sub(join(root, e, p))) if (existsSync(join(root, e, p, m, 'card.json'))) out.push(`${e}/${p}/${m}`);
  }
  return out;
}

/** Reads a model's card (no weights). */
export function readModelCard(name: string, root = defaultModelsRoot()): ModelCard {
  checkName(name);
  const dir = join(root, name);
  const file = join(dir, 'card.json');
  if (!existsSync(file)) {
    const known = listModels(root);
    throw new Error(`no model '${name}': ${file} is missing; shipped models: ${known.length ? known.join(', ') : `none under ${root}`}`);
  }
  let card: ModelCard;
  try {
    card = JSON.parse(readFileSync(file, 'utf8')) as ModelCard;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); restore it from the repository`);
  }
  if (card?.format !== MODEL_CARD_FORMAT) throw new Error(`${file} is not a model card (format '${String(card?.format)}', expected '${MODEL_CARD_FORMAT}')`);
  if (card.version !== MODEL_CARD_VERSION) throw new Error(`${file} has version ${card.version}; this code reads version ${MODEL_CARD_VERSION}`);
  if (!MODEL_DTYPES.includes(card.dtype)) throw new Error(`${file} has dtype '${String(card.dtype)}'; allowed: ${MODEL_DTYPES.join(', ')}`);
  return card;
}

/** Checks each file against its card record (size, then SHA-256; readVerifiedFile); errors name the file. */
function verifyFiles(dir: string, records: Record<string, FileRecord>, what: string): void {
  for (const [f, rec] of Object.entries(records)) readVerifiedFile(join(dir, f), rec.bytes, rec, `${what}; restore it from the repository`, 'its card');
}

/**
 * Load shipped model `name` (e.g. `direction-flip/quick/set-1-s1`) for sampling, after checking
 * every file of it and of its VAE against the card. Dispose `model` and `autoencoder` when done.
 */
export function loadModel(name: string, opts: { root?: string } = {}): RegistryModel {
  const root = opts.root ?? defaultModelsRoot();
  const card = readModelCard(name, root);
  const dir = join(root, name);
  verifyFiles(dir, card.files, `model ${name}`);
  const vaeDir = card.vae ? vaeFolder(root, card.vae.id) : null;
  if (card.vae && vaeDir) verifyFiles(vaeDir, card.vae.files, `frame VAE ${card.vae.id} of model ${name}`);
  const { meta, ema } = card.dtype === 'float16' ? loadHalf(dir, name) : loadCheckpoint(dir, { trainingState: false });
  const ae = meta.config.autoencoder;
  const autoencoderConfig = ae.kind === 'vae' ? { kind: 'vae' as const, weights: vaeDir } : ae;
  const model = new DiT(meta.config.model, ema);
  return { model, autoencoder: createAutoencoder(autoencoderConfig), meta: { ...meta, config: { ...meta.config, autoencoder: autoencoderConfig } }, card, dir };
}

/** The checkpoint config and the float16 EMA weights of a model folder (checked against the card before), widened to float32. */
function loadHalf(dir: string, name: string): { meta: CheckpointMeta; ema: ParamMap } {
  const meta = readCheckpointMeta(dir);
  const f32 = fromFloat16(readFileSync(join(dir, weightsFile('float16'))));
  return { meta, ema: unpackTensors(Buffer.from(f32.buffer), meta.tensors, 0, `model ${name}`) };
}

/** A model's EMA weights as float32 values, whatever its dtype (its files checked against the card first). */
export function modelWeights(name: string, opts: { root?: string } = {}): Float32Array {
  const root = opts.root ?? defaultModelsRoot();
  const card = readModelCard(name, root);
  const dir = join(root, name);
  verifyFiles(dir, card.files, `model ${name}`);
  const bytes = readFileSync(join(dir, weightsFile(card.dtype)));
  return card.dtype === 'float16' ? fromFloat16(bytes) : new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** The id of a VAE folder: the first 16 hex digits of the SHA-256 of its weights.bin. */
export function vaeId(vaeDir: string): string {
  return fileRecord(readFileSync(join(vaeDir, 'weights.bin'))).sha256.slice(0, 16);
}

/** The card fields an export supplies; the writer adds format, files, vae, size and the checkpoint's facts. */
export type CardInput = Omit<ModelCard, 'format' | 'version' | 'name' | 'files' | 'vae' | 'sizeBytes' | 'dtype' | 'preset' | 'params' | 'steps' | 'seed'>;

/**
 * Write model `name` under `root` from a DiT checkpoint folder (its EMA weights and config only;
 * the training weights and optimizer state stay behind). Its VAE (when it diffuses latents) is
 * copied once to `vae/<id>/` and shared by every model that uses it; the VAE stays float32 whatever
 * `dtype` (default 'float32': the checkpoint's bytes; 'float16': rounded, half the bytes). Returns the card written.
 */
export function writeModel(name: string, checkpointDir: string, input: CardInput, opts: { root?: string; dtype?: ModelDtype } = {}): ModelCard {
  checkName(name);
  const root = opts.root ?? defaultModelsRoot();
  const src = resolveCheckpointDir(checkpointDir);
  if (!src) throw new Error(`no checkpoint in '${checkpointDir}'`);
  const meta: CheckpointMeta = readCheckpointMeta(src);
  const params = meta.tensors.reduce((s, e) => s + e.shape.reduce((a, b) => a * b, 1), 0);
  // the EMA weights as the checkpoint recorded them (size from the manifest, SHA-256 when recorded)
  const ema = readVerifiedFile(join(src, 'ema.bin'), params * 4, meta.files?.['ema.bin'], `the checkpoint ${src} is damaged; nothing was exported for ${name}`);
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  // the VAE, once
  let vae: ModelCard['vae'] = null;
  let autoencoder = meta.config.autoencoder;
  if (autoencoder.kind === 'vae') {
    if (!autoencoder.weights) throw new Error(`${src}/config.json: autoencoder kind 'vae' names no weights folder`);
    const id = vaeId(autoencoder.weights);
    vae = copyVae(autoencoder.weights, root, id);
    autoencoder = { kind: 'vae', weights: relative(dir, vaeFolder(root, id)) };
  }
  const f32 = new Float32Array(ema.buffer.slice(ema.byteOffset, ema.byteOffset + ema.byteLength));
  const fixed = { experiment: input.experiment, profile: input.profile, preset: meta.config.preset, params, steps: meta.step, seed: meta.config.seed };
  return writeFolder(root, name, { ...meta, config: { ...meta.config, autoencoder } }, f32, opts.dtype ?? 'float32', { ...input, ...fixed }, vae, meta.files?.['ema.bin']);
}

/** Copies VAE folder `from` to `vae/<id>/` under `root` (same bytes) and returns the card's record of it. */
function copyVae(from: string, root: string, id: string): NonNullable<ModelCard['vae']> {
  const to = vaeFolder(root, id);
  mkdirSync(to, { recursive: true });
  for (const f of VAE_FILES) if (from !== to) copyFileSync(join(from, f), join(to, f));
  return { id, files: Object.fromEntries(VAE_FILES.map((f) => [f, fileRecord(readFileSync(join(to, f)))])) };
}

/**
 * Writes a model folder: the weights in `dtype` (float32: the bytes as given, their checkpoint record
 * kept in config.json when `f32Record` is given), config.json and card.json; removes the weights file
 * of the other dtype, if any.
 */
function writeFolder(root: string, name: string, meta: CheckpointMeta, ema: Float32Array, dtype: ModelDtype, fields: Omit<ModelCard, 'format' | 'version' | 'name' | 'files' | 'vae' | 'sizeBytes' | 'dtype'>, vae: ModelCard['vae'], f32Record?: FileRecord): ModelCard {
  if (!MODEL_DTYPES.includes(dtype)) throw new Error(`dtype must be one of ${MODEL_DTYPES.join(', ')}, got '${String(dtype)}'`);
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const wf = weightsFile(dtype);
  const bytes = dtype === 'float16' ? toFloat16(ema, `EMA weights of ${name}`) : Buffer.from(ema.buffer, ema.byteOffset, ema.byteLength);
  writeFileSync(join(dir, wf), bytes);
  for (const d of MODEL_DTYPES) if (weightsFile(d) !== wf) rmSync(join(dir, weightsFile(d)), { force: true });
  const rec = dtype === 'float32' && f32Record ? f32Record : fileRecord(bytes);
  const shipped: CheckpointMeta = { ...meta, files: dtype === 'float32' && !f32Record ? undefined : { [wf]: rec } };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(shipped, null, 2) + '\n');
  const files = Object.fromEntries(['config.json', wf].map((f) => [f, fileRecord(readFileSync(join(dir, f)))]));
  const sizeBytes = [...Object.values(files), ...Object.values(vae?.files ?? {})].reduce((s, r) => s + r.bytes, 0);
  const card: ModelCard = { format: MODEL_CARD_FORMAT, version: MODEL_CARD_VERSION, name, ...fields, files, vae, sizeBytes, dtype };
  writeFileSync(join(dir, 'card.json'), JSON.stringify(card, null, 1) + '\n');
  return card;
}

/**
 * Store model `name` of `root` with its weights in `dtype` under `toRoot` (default: in place), its
 * VAE copied along; the card keeps every other field (its numbers were measured with the weights
 * it was exported with: float32). Returns the new card.
 */
export function convertModel(name: string, dtype: ModelDtype, opts: { root?: string; toRoot?: string } = {}): ModelCard {
  const root = opts.root ?? defaultModelsRoot();
  const toRoot = opts.toRoot ?? root;
  const card = readModelCard(name, root);
  const ema = modelWeights(name, { root });
  const meta = readCheckpointMeta(join(root, name));
  const vae = card.vae ? copyVae(vaeFolder(root, card.vae.id), toRoot, card.vae.id) : null;
  const { format: _f, version: _v, name: _n, files: _files, vae: _vae, sizeBytes: _s, dtype: _d, ...fields } = card;
  // a float32 model converted from float32 keeps the checkpoint's record of its bytes
  const f32Record = card.dtype === 'float32' ? meta.files?.['ema.bin'] : undefined;
  return writeFolder(toRoot, name, meta, ema, dtype, fields, vae, f32Record);
}

/** Total bytes of every file under `root` (what the registry adds to a clone). */
export function registryBytes(root = defaultModelsRoot()): number {
  if (!existsSync(root)) return 0;
  let n = 0;
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else n += s.size;
    }
  };
  walk(root);
  return n;
}
