/**
 * Shipped trained models (issue #25): `data/models/<experiment>/<profile>/<model>/` holds what
 * sampling needs and nothing else (never the optimizer state or the training weights):
 *   config.json   the DiT checkpoint's config (lib/train/checkpoint.ts) with `files` naming only ema.bin
 *                 and `config.autoencoder.weights` relative to the model folder (the shared VAE below)
 *   ema.bin       the EMA weights, float32 little-endian, in the manifest's order
 *   card.json     what the model is (ModelCard): trained on, steps, seed, unit id and hash, commit,
 *                 its numbers from the shipped summary, the files with size and SHA-256, size in bytes
 * The frame VAE a model diffuses the latents of is stored once, shared, under
 * `data/models/vae/<vae id>/{vae.json, weights.bin}` (id: the first 16 hex digits of the SHA-256 of
 * its weights.bin) and the card names it by that id and its files' checksums.
 *
 * `loadModel(name)` checks every file against the card before anything is used, so a corrupted,
 * truncated or missing file is an error naming it.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FileRecord, fileRecord, readVerifiedFile } from '../runtime/file-checksum';
import { REPO_ROOT } from '../runtime/provenance';
import { createAutoencoder } from '../model/autoencoder';
import { DiT } from '../model/dit';
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
  /** What it was trained on (experiment-specific: set name, speed bands, direction, count …). */
  trainedOn: Record<string, unknown>;
  /** Its numbers, computed from the shipped summary rows by the experiment's report functions. */
  numbers: Record<string, unknown>;
  /** Where the numbers come from (e.g. `data/results/direction-flip/quick/summary.json`, rows of set X seed 1). */
  numbersFrom: string;
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
  /** Weight precision stored. */
  dtype: 'float32';
}

/** A shipped model loaded for sampling: its EMA weights, its autoencoder and its card. */
export interface RegistryModel extends LoadedModel {
  card: ModelCard;
  /** The model folder. */
  dir: string;
}

const MODEL_FILES = ['config.json', 'ema.bin'] as const;
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
  const { meta, ema } = loadCheckpoint(dir, { trainingState: false });
  const ae = meta.config.autoencoder;
  const autoencoderConfig = ae.kind === 'vae' ? { kind: 'vae' as const, weights: vaeDir } : ae;
  const model = new DiT(meta.config.model, ema);
  return { model, autoencoder: createAutoencoder(autoencoderConfig), meta: { ...meta, config: { ...meta.config, autoencoder: autoencoderConfig } }, card, dir };
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
 * copied once to `vae/<id>/` and shared by every model that uses it. Returns the card written.
 */
export function writeModel(name: string, checkpointDir: string, input: CardInput, opts: { root?: string } = {}): ModelCard {
  checkName(name);
  const root = opts.root ?? defaultModelsRoot();
  const src = resolveCheckpointDir(checkpointDir);
  if (!src) throw new Error(`no checkpoint in '${checkpointDir}'`);
  const meta: CheckpointMeta = readCheckpointMeta(src);
  const params = meta.tensors.reduce((s, e) => s + e.shape.reduce((a, b) => a * b, 1), 0);
  // the EMA weights as the checkpoint recorded them (size from the manifest, SHA-256 when recorded)
  readVerifiedFile(join(src, 'ema.bin'), params * 4, meta.files?.['ema.bin'], `the checkpoint ${src} is damaged; nothing was exported for ${name}`);
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  // the VAE, once
  let vae: ModelCard['vae'] = null;
  let autoencoder = meta.config.autoencoder;
  if (autoencoder.kind === 'vae') {
    if (!autoencoder.weights) throw new Error(`${src}/config.json: autoencoder kind 'vae' names no weights folder`);
    const id = vaeId(autoencoder.weights);
    const to = vaeFolder(root, id);
    mkdirSync(to, { recursive: true });
    for (const f of VAE_FILES) copyFileSync(join(autoencoder.weights, f), join(to, f));
    vae = { id, files: Object.fromEntries(VAE_FILES.map((f) => [f, fileRecord(readFileSync(join(to, f)))])) };
    autoencoder = { kind: 'vae', weights: relative(dir, to) };
  }
  copyFileSync(join(src, 'ema.bin'), join(dir, 'ema.bin'));
  const shipped: CheckpointMeta = { ...meta, config: { ...meta.config, autoencoder }, files: meta.files?.['ema.bin'] ? { 'ema.bin': meta.files['ema.bin'] } : undefined };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(shipped, null, 2) + '\n');
  const files = Object.fromEntries(MODEL_FILES.map((f) => [f, fileRecord(readFileSync(join(dir, f)))]));
  const sizeBytes = [...Object.values(files), ...Object.values(vae?.files ?? {})].reduce((s, r) => s + r.bytes, 0);
  const card: ModelCard = {
    format: MODEL_CARD_FORMAT,
    version: MODEL_CARD_VERSION,
    name,
    ...input,
    preset: meta.config.preset,
    params,
    steps: meta.step,
    seed: meta.config.seed,
    files,
    vae,
    sizeBytes,
    dtype: 'float32',
  };
  writeFileSync(join(dir, 'card.json'), JSON.stringify(card, null, 1) + '\n');
  return card;
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
