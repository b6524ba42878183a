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
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { replaceFolder } from '../runtime/atomic-folder';
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
}

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
export async function saveCheckpoint(dir: string, state: CheckpointState): Promise<void> {
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
  replaceFolder(dir, { 'weights.bin': weights, 'ema.bin': ema, 'optimizer.bin': opt, 'config.json': JSON.stringify(meta, null, 2) + '\n' });
}

/** Reads only config.json of a checkpoint (`dir` may be a run folder). */
export function readCheckpointMeta(dir: string): CheckpointMeta {
  const d = resolveCheckpointDir(dir);
  if (!d) throw new Error(`no checkpoint in '${dir}' (expected ${join(dir, 'config.json')} or ${join(dir, 'checkpoint', 'config.json')})`);
  const meta = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8')) as CheckpointMeta;
  if (meta.format !== CHECKPOINT_FORMAT) throw new Error(`'${d}' is not a DiT checkpoint (format '${String(meta.format)}')`);
  if (meta.version !== CHECKPOINT_VERSION) throw new Error(`checkpoint '${d}' has version ${meta.version}; this code reads version ${CHECKPOINT_VERSION}`);
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
  const ema = unpackTensors(readFileSync(join(d, 'ema.bin')), entries);
  if (opts.trainingState === false) return { meta, ema };
  const params = unpackTensors(readFileSync(join(d, 'weights.bin')), entries);
  const optBytes = readFileSync(join(d, 'optimizer.bin'));
  const per = entries.reduce((s, e) => s + e.shape.reduce((a, b) => a * b, 1), 0);
  const m = unpackTensors(optBytes, entries, 0);
  const v = unpackTensors(optBytes, entries, per);
  return { meta, ema, params, adam: { m, v, t: meta.optimizer.t } };
}
