/**
 * DiT checkpoints: one folder holding
 *   config.json    format tag, the full run config (model config included), step, RNG state,
 *                  optimizer step count, data description and the tensor manifest
 *   weights.bin    training weights, float32 little-endian, in manifest order
 *   ema.bin        EMA weights (what sampling uses)
 *   optimizer.bin  AdamW first moments then second moments
 *
 * RNG state: every random draw of training is a pure function of (seed, stream name, step)
 * (`rngFor`), so {seed, step} is the complete generator state.
 *
 * Saving writes `<dir>.tmp` and then swaps it in with renames, so a kill at any moment leaves
 * either the previous or the new checkpoint (`<dir>.old` is picked up if the kill fell between
 * the two renames).
 *
 * Integrity: config.json records the size and SHA-256 of each .bin file (`files`), verified on
 * load, so an altered or truncated file is an error naming it rather than a different model
 * (checkpoints saved before `files` existed are checked for size only). Every error names the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { replaceFolder } from '../runtime/atomic-folder';
import { FileRecord, fileRecord, readVerifiedFile } from '../runtime/file-checksum';
import { ParamMap, TensorEntry, packTensors, paramSpecs, unpackTensors } from '../model/params';
import { DiTRunConfig } from './train-config';

export const CHECKPOINT_FORMAT = 'phylab-dit-checkpoint';
export const CHECKPOINT_VERSION = 1;

export type { TensorEntry };

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** The full run config (model, diffusion, autoencoder, train, seed). */
  config: DiTRunConfig;
  /** Optimizer steps completed. */
  step: number;
  /** Generator state: all training randomness is rngFor(seed, stream, step). */
  rng: { kind: 'counter'; seed: number; step: number };
  optimizer: { kind: 'adamw'; t: number };
  /** Data the weights were trained on; `source` is the data config when the CLI made it (data-source.ts). */
  data: { description: string; count: number; frameShape: number[]; source?: unknown };
  /** Loss of the last completed step (NaN-free), or null. */
  lastLoss: number | null;
  /** Tensors in each .bin file, in order. */
  tensors: TensorEntry[];
  /** ISO date of the save. */
  saved: string;
  /** Size and SHA-256 of each .bin file, verified on load (absent in checkpoints saved before it existed). */
  files?: Record<string, FileRecord>;
  /** TF.js backend label of the process that saved it (resuming under another one is not bit-exact). */
  engine?: string | null;
}

/** The .bin files of a checkpoint and their size in float32 values per tensor element. */
const BIN_FILES: ReadonlyArray<{ name: string; perElement: number }> = [
  { name: 'weights.bin', perElement: 1 },
  { name: 'ema.bin', perElement: 1 },
  { name: 'optimizer.bin', perElement: 2 },
];



export interface CheckpointState {
  config: DiTRunConfig;
  step: number;
  params: ParamMap;
  ema: ParamMap;
  adam: { m: ParamMap; v: ParamMap; t: number };
  data: CheckpointMeta['data'];
  lastLoss: number | null;
}

/** Where a checkpoint folder actually is: `dir`, `dir/checkpoint` (a run folder), or a leftover `.old`. */
export function resolveCheckpointDir(dir: string): string | null {
  for (const d of [dir, join(dir, 'checkpoint')]) {
    if (existsSync(join(d, 'config.json'))) return d;
    if (existsSync(join(`${d}.old`, 'config.json'))) return `${d}.old`;
  }
  return null;
}

/** Writes the checkpoint folder `dir` atomically (see module comment). */
export async function saveCheckpoint(dir: string, state: CheckpointState, opts: { engine?: string | null } = {}): Promise<void> {
  const entries: TensorEntry[] = paramSpecs(state.config.model).map((s) => ({ name: s.name, shape: s.shape }));
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    config: state.config,
    step: state.step,
    rng: { kind: 'counter', seed: state.config.seed, step: state.step },
    optimizer: { kind: 'adamw', t: state.adam.t },
    data: state.data,
    lastLoss: state.lastLoss,
    tensors: entries,
    saved: new Date().toISOString(),
  };
  const weights = await packTensors(state.params, entries);
  const ema = await packTensors(state.ema, entries);
  const opt = Buffer.concat([await packTensors(state.adam.m, entries), await packTensors(state.adam.v, entries)]);
  const bins: Record<string, Uint8Array> = { 'weights.bin': weights, 'ema.bin': ema, 'optimizer.bin': opt };
  meta.files = Object.fromEntries(Object.entries(bins).map(([k, b]) => [k, fileRecord(b)]));
  if (opts.engine !== undefined) meta.engine = opts.engine;
  try {
    replaceFolder(dir, { ...bins, 'config.json': JSON.stringify(meta, null, 2) + '\n' });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`could not write checkpoint ${dir} (${err.code ?? 'error'}: ${err.message})${err.code === 'ENOSPC' ? ': the disk is full' : ''}; the previous checkpoint, if any, is kept`);
  }
}

/** Checks a checkpoint file's size (from the tensor manifest) and, when recorded, its SHA-256; returns its bytes. */
function readVerified(d: string, meta: CheckpointMeta, name: string): Buffer {
  const spec = BIN_FILES.find((b) => b.name === name)!;
  const elems = meta.tensors.reduce((s, e) => s + e.shape.reduce((a, b) => a * b, 1), 0);
  return readVerifiedFile(join(d, name), elems * 4 * spec.perElement, meta.files?.[name], `restore it, or delete the checkpoint folder ${d} to train from scratch`);
}

/** Reads only config.json of a checkpoint (`dir` may be a run folder). */
export function readCheckpointMeta(dir: string): CheckpointMeta {
  const d = resolveCheckpointDir(dir);
  if (!d) throw new Error(`no checkpoint in '${dir}' (expected ${join(dir, 'config.json')} or ${join(dir, 'checkpoint', 'config.json')})`);
  const file = join(d, 'config.json');
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8')) as CheckpointMeta;
  } catch (e) {
    throw new Error(`checkpoint config ${file} is not valid JSON (${(e as Error).message}); restore it, or delete the checkpoint folder ${d} to train from scratch`);
  }
  if (typeof meta !== 'object' || meta === null) throw new Error(`checkpoint config ${file} is not an object; restore it, or delete the checkpoint folder ${d}`);
  if (meta.format !== CHECKPOINT_FORMAT) throw new Error(`'${d}' is not a DiT checkpoint (format '${String(meta.format)}' in ${file})`);
  if (meta.version !== CHECKPOINT_VERSION) throw new Error(`checkpoint '${d}' has version ${meta.version}; this code reads version ${CHECKPOINT_VERSION}`);
  const bad = !Array.isArray(meta.tensors) || !meta.tensors.every((t) => typeof t?.name === 'string' && Array.isArray(t.shape) && t.shape.every((n) => Number.isInteger(n) && n > 0))
    ? 'tensors'
    : !Number.isInteger(meta.step) || meta.step < 0 ? 'step' : typeof meta.config !== 'object' || meta.config === null ? 'config' : typeof meta.optimizer?.t !== 'number' ? 'optimizer.t' : null;
  if (bad) throw new Error(`checkpoint config ${file} has no valid '${bad}'; restore it, or delete the checkpoint folder ${d} to train from scratch`);
  return meta;
}

export interface LoadOptions {
  /** Also load the training weights and optimizer state (for resuming). Default true. */
  trainingState?: boolean;
}

/** Loads a checkpoint; tensors are owned by the caller. Without `trainingState` only EMA weights load. */
export function loadCheckpoint(dir: string, opts: LoadOptions = {}): { meta: CheckpointMeta; ema: ParamMap; params?: ParamMap; adam?: { m: ParamMap; v: ParamMap; t: number } } {
  const d = resolveCheckpointDir(dir) as string;
  const meta = readCheckpointMeta(dir);
  const entries = meta.tensors;
  const emaBytes = readVerified(d, meta, 'ema.bin');
  if (opts.trainingState === false) return { meta, ema: unpackTensors(emaBytes, entries) };
  const weightBytes = readVerified(d, meta, 'weights.bin');
  const optBytes = readVerified(d, meta, 'optimizer.bin');
  const ema = unpackTensors(emaBytes, entries);
  const params = unpackTensors(weightBytes, entries);
  const per = entries.reduce((s, e) => s + e.shape.reduce((a, b) => a * b, 1), 0);
  const m = unpackTensors(optBytes, entries, 0);
  const v = unpackTensors(optBytes, entries, per);
  return { meta, ema, params, adam: { m, v, t: meta.optimizer.t } };
}
