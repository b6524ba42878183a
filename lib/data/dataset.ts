/**
 * Cached datasets: `loadOrGenerateDataset(cfg, seed)` returns the dataset (cfg, seed), generating
 * it on first use into data/cache/datasets/ (git-ignored) in the checksummed `.phyds` container
 * (format.ts). Generation shows progress and resumes after an interruption: complete chunks are
 * kept in `<file>.partial`, a cut or damaged last chunk is dropped and regenerated, and the file
 * is renamed into place only when complete. A truncated or corrupt finished file raises a
 * DatasetFileError naming the file and the chunk.
 *
 * The file name holds a hash of (resolved config, DATA_VERSION): the config with its defaults
 * (ranges.ts ranges, frame stride, timing) written out (dataset-config.ts resolvedDatasetConfig), so
 * any config change, and any change of a default it relies on, gives a new file; bump DATA_VERSION whenever the simulator, renderer or samplers change what a config produces.
 *
 * Reading: `frames(i)` (T, H, W, 3) uint8, `states(i)` (T, N, 4) float32, `batch(indices)`
 * (B, T, H, W, 3), `range(start, n)` (a view without copying when possible), `meta` (an arquero
 * table, one row of parameters per video), `video(i)` (frames + ground truth + parameters).
 */
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import * as aq from 'arquero';
import { configHash } from '../config/hash';
import { REPO_ROOT } from '../runtime/provenance';
import { Progress } from '../runtime/progress';
import { DatasetConfig, datasetConfigHash, resolvedDatasetConfig, resolvedStride, validateDatasetConfig } from './dataset-config';
import { frameDtFor } from '../sim/constants';
import { describeHolder, withLock } from '../runtime/pid-lock';
import { createVideoMaker, VideoMaker, VideoSample } from './make-video';
import { CHUNK_HEADER_BYTES, ChunkInfo, DatasetFileError, DatasetHeader, encodeChunk, encodeHeader, openForRead, readChunkData, readHeader, scanChunks } from './format';
import { STATE_DIM } from '../sim/types';

/** Bump when the simulator, renderer or samplers change the bytes a config produces. */
export const DATA_VERSION = 1;

/** Default cache folder (git-ignored). */
export const DEFAULT_CACHE_DIR = join(REPO_ROOT, 'data', 'cache', 'datasets');

export interface DatasetOptions {
  /** Cache folder. Default data/cache/datasets under the repository root. */
  cacheDir?: string;
  /** Frame encoding on disk: 'raw', 'deflate', or 'auto' (raw up to 64 KiB per video). Default 'auto'. */
  codec?: 'auto' | 'raw' | 'deflate';
  /** Show a progress bar while generating. Default true (PHYLAB_QUIET=1 silences it). */
  progress?: boolean;
  /** Keep all frame data in memory: fast random batches. Default: when the file is at most 2 GiB. */
  inMemory?: boolean;
  /** Regenerate even when a cached file exists. Default false. */
  force?: boolean;
  /** Stop generating after this many new chunks and throw (tests: a simulated interruption). */
  stopAfterChunks?: number;
  /** Videos per chunk; default: about 8 MiB of raw frames per chunk. */
  chunkVideos?: number;
}

/** Per-video parameter columns stored in the file (float64). */
export function metaColumns(scenario: DatasetConfig['scenario']): string[] {
  return scenario === 'collision'
    ? ['r1', 'r2', 'v1', 'v2', 'x1', 'y1', 'x2', 'y2', 'dir', 'level', 'cls', 'grid', 'ok']
    : ['r1', 'v1', 'x1', 'y1', 'dir', 'level', 'cls', 'grid', 'ok'];
}

/** Cache file of (cfg, seed) inside `cacheDir`. */
export function datasetPath(cfg: DatasetConfig, seed: number, cacheDir = DEFAULT_CACHE_DIR): string {
  const hash = configHash({ cfg: resolvedDatasetConfig(cfg), dataVersion: DATA_VERSION });
  return join(cacheDir, `${cfg.scenario}-${cfg.split}-${cfg.count}x${cfg.frames}f${cfg.size}px-s${seed}-${hash}.phyds`);
}

function metaRow(p: Pick<VideoSample, 'params' | 'initial' | 'placementOk'>, cols: string[], out: Float64Array, o: number): void {
  const { params, initial } = p;
  const ok = p.placementOk;
  const rec: Record<string, number> = {
    dir: params.scene.direction,
    level: params.level,
    cls: params.classIndex,
    grid: params.gridIndex,
    ok: ok ? 1 : 0,
  };
  params.scene.objects.forEach((ob, j) => {
    rec[`r${j + 1}`] = ob.radius;
    rec[`v${j + 1}`] = ob.speed;
    rec[`x${j + 1}`] = initial[j].x;
    rec[`y${j + 1}`] = initial[j].y;
  });
  for (let k = 0; k < cols.length; k++) out[o + k] = rec[cols[k]];
}

/** A generated dataset, opened for reading. */
export class Dataset {
  readonly count: number;
  /** [T, H, W, 3] */
  readonly frameShape: [number, number, number, number];
  /** Objects per video. */
  readonly objects: number;
  /** One row per video: index, r1, v1, (r2, v2), x1, y1, (x2, y2) at t = 0, dir, level, cls, grid, ok, color1, shape1 (…). */
  readonly meta: aq.ColumnTable;
  private readonly videoBytes: number;
  private readonly stateFloats: number;
  private readonly cache = new Map<number, Buffer>();
  private cacheBytes = 0;
  private readonly maxCacheBytes: number;
  private maker: VideoMaker | null = null;

  constructor(
    readonly file: string,
    readonly header: DatasetHeader,
    private readonly chunks: ChunkInfo[],
    metas: Float64Array[],
    private fd: number | null,
    private readonly fileSize: number,
    inMemory: boolean,
  ) {
    this.count = header.count;
    this.frameShape = header.frameShape;
    this.objects = header.objects;
    this.videoBytes = header.frameShape.reduce((a, b) => a * b, 1);
    this.stateFloats = header.frameShape[0] * header.objects * STATE_DIM;
    this.maxCacheBytes = inMemory ? Infinity : 256 * 2 ** 20;
    if (inMemory) {
      for (const c of chunks) this.chunkData(c.index); // loads and checks every checksum now
      this.closeFile();
    }
    this.meta = buildMeta(this.config, header, metas);
  }

  /** The config this dataset was generated from. */
  get config(): DatasetConfig {
    return this.header.config as DatasetConfig;
  }

  get seed(): number {
    return this.header.seed;
  }

  private closeFile(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }

  /** Release the file handle and cached chunks. */
  close(): void {
    this.closeFile();
    this.cache.clear();
  }

  private chunkData(k: number): Buffer {
    const hit = this.cache.get(k);
    if (hit) return hit;
    if (this.fd === null) this.fd = openForRead(this.file);
    const data = readChunkData(this.fd, this.file, this.header, this.chunks[k], this.fileSize);
    this.cache.set(k, data);
    this.cacheBytes += data.length;
    while (this.cacheBytes > this.maxCacheBytes && this.cache.size > 1) {
      const oldest = this.cache.keys().next().value as number;
      this.cacheBytes -= (this.cache.get(oldest) as Buffer).length;
      this.cache.delete(oldest);
    }
    return data;
  }

  private locate(i: number): { data: Buffer; v: number; videos: number } {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new RangeError(`video index must be an integer in [0, ${this.count - 1}], got ${i}`);
    const k = Math.floor(i / this.header.chunkVideos);
    return { data: this.chunkData(k), v: i - this.chunks[k].first, videos: this.chunks[k].videos };
  }

  /** Frames of video i, (T, H, W, 3) uint8; a view into the cache for raw files (do not modify). */
  frames(i: number): Uint8Array {
    const { data, v, videos } = this.locate(i);
    const statesBytes = videos * this.stateFloats * 4;
    const offs = new Uint32Array(data.buffer, data.byteOffset + statesBytes, videos + 1);
    const blobStart = data.byteOffset + statesBytes + (videos + 1) * 4;
    const blob = new Uint8Array(data.buffer, blobStart + offs[v], offs[v + 1] - offs[v]);
    if (this.header.codec === 'raw') return blob;
    const out = inflateRawSync(blob);
    if (out.length !== this.videoBytes) throw new DatasetFileError(this.file, `video ${i} decodes to ${out.length} bytes, expected ${this.videoBytes}`);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }

  /** Ground truth of video i, (T, N, 4) float32: x, y, vx, vy (a view; do not modify). */
  states(i: number): Float32Array {
    const { data, v } = this.locate(i);
    return new Float32Array(data.buffer, data.byteOffset + v * this.stateFloats * 4, this.stateFloats);
  }

  /** Frames of several videos stacked, (B, T, H, W, 3), copied into `out` when given. */
  batch(indices: ArrayLike<number>, out?: Uint8Array): Uint8Array {
    const b = indices.length;
    const buf = out ?? new Uint8Array(b * this.videoBytes);
    if (buf.length < b * this.videoBytes) throw new RangeError(`batch: out holds ${buf.length} bytes, need ${b * this.videoBytes}`);
    for (let k = 0; k < b; k++) buf.set(this.frames(indices[k]), k * this.videoBytes);
    return buf;
  }

  /** Videos start … start + n − 1 as one (n, T, H, W, 3) array: a view when they sit in one raw chunk, else a copy. */
  range(start: number, n: number): Uint8Array {
    if (n < 1 || start < 0 || start + n > this.count) throw new RangeError(`range(${start}, ${n}) is outside [0, ${this.count})`);
    const k0 = Math.floor(start / this.header.chunkVideos);
    const k1 = Math.floor((start + n - 1) / this.header.chunkVideos);
    if (this.header.codec === 'raw' && k0 === k1) {
      const first = this.frames(start);
      return new Uint8Array(first.buffer, first.byteOffset, n * this.videoBytes);
    }
    return this.batch(Array.from({ length: n }, (_, j) => start + j));
  }

  /** Video i with its ground truth and parameters (parameters re-derived from (config, seed, i)). */
  video(i: number): VideoSample {
    if (!this.maker) this.maker = createVideoMaker(this.config, this.seed);
    const p = this.maker.placement(i);
    return {
      index: i,
      frames: this.frames(i),
      frameShape: [...this.frameShape] as [number, number, number, number],
      states: this.states(i),
      frameDt: frameDtFor(resolvedStride(this.config)),
      objects: p.params.scene.objects.map((o) => ({ radius: o.radius, shape: o.shape, color: o.color })),
      params: p.params,
      initial: p.initial,
      placementOk: p.ok,
    };
  }
}

function buildMeta(cfg: DatasetConfig, header: DatasetHeader, metas: Float64Array[]): aq.ColumnTable {
  const cols = header.metaColumns;
  const P = cols.length;
  const n = header.count;
  const table: Record<string, ArrayLike<unknown>> = { index: Int32Array.from({ length: n }, (_, i) => i) };
  const data = cols.map(() => new Float64Array(n));
  let i = 0;
  for (const m of metas) {
    for (let v = 0; v < m.length / P; v++, i++) for (let k = 0; k < P; k++) data[k][i] = m[v * P + k];
  }
  cols.forEach((c, k) => (table[c] = data[k]));
  const nObj = header.objects;
  for (let j = 0; j < nObj; j++) {
    const cls = data[cols.indexOf('cls')];
    table[`color${j + 1}`] = Array.from({ length: n }, (_, r) => (cfg.classes && cls[r] >= 0 ? cfg.classes[cls[r]].color : cfg.colors[j]));
    table[`shape${j + 1}`] = Array.from({ length: n }, (_, r) => (cfg.classes && cls[r] >= 0 ? cfg.classes[cls[r]].shape : cfg.shapes[j]));
  }
  return aq.table(table);
}

/** Open a finished dataset file (checks header, every chunk and every checksum). */
export function openDataset(file: string, opts: Pick<DatasetOptions, 'inMemory'> = {}): Dataset {
  const fd = openForRead(file);
  try {
    const { header, dataStart, fileSize } = readHeader(fd, file);
    const { chunks, metas } = scanChunks(fd, file, header, dataStart, fileSize, false);
    const inMemory = opts.inMemory ?? fileSize <= 2 * 2 ** 30;
    return new Dataset(file, header, chunks, metas, fd, fileSize, inMemory);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    throw e;
  }
}

function chooseCodec(videoBytes: number, codec: DatasetOptions['codec']): 'raw' | 'deflate' {
  if (codec === 'raw' || codec === 'deflate') return codec;
  return videoBytes <= 64 * 1024 ? 'raw' : 'deflate';
}

/**
 * The dataset (cfg, seed): opened from the cache when present and valid, otherwise generated
 * (resuming a partial file when one exists).
 */
export async function loadOrGenerateDataset(cfg: DatasetConfig, seed: number, opts: DatasetOptions = {}): Promise<Dataset> {
  validateDatasetConfig(cfg);
  const dir = opts.cacheDir ?? DEFAULT_CACHE_DIR;
  const file = datasetPath(cfg, seed, dir);
  mkdirSync(dir, { recursive: true });
  // one writer per file: another process generating the same dataset is waited for, not raced
  await withLock(`${file}.lock`, async () => {
    if (opts.force) {
      rmSync(file, { force: true });
      rmSync(`${file}.partial`, { force: true });
    }
    if (!existsSync(file)) await generateDatasetFile(cfg, seed, file, opts);
  }, { onWait: (holder) => { if (opts.progress !== false && process.env.PHYLAB_QUIET !== '1') process.stderr.write(`waiting for ${describeHolder(holder)}, which is generating ${file} (lock ${holder.file})\n`); } });
  const ds = openDataset(file, opts);
  if (ds.header.configHash !== datasetConfigHash(cfg) || ds.header.seed !== seed) {
    ds.close();
    throw new DatasetFileError(file, `holds a different dataset (config hash ${ds.header.configHash}, seed ${ds.header.seed}; expected ${datasetConfigHash(cfg)}, seed ${seed})`);
  }
  return ds;
}

/** Generate (or resume) the dataset file for (cfg, seed) at `file`. */
export async function generateDatasetFile(cfg: DatasetConfig, seed: number, file: string, opts: DatasetOptions = {}): Promise<void> {
  const maker = createVideoMaker(cfg, seed);
  const [T, H, W, C] = maker.frameShape;
  const videoBytes = T * H * W * C;
  const stateFloats = T * maker.objects * STATE_DIM;
  const cols = metaColumns(cfg.scenario);
  const chunkVideos = opts.chunkVideos ?? Math.max(1, Math.min(4096, Math.floor((8 * 2 ** 20) / videoBytes)));
  const header: DatasetHeader = {
    format: 'phylab-dataset',
    version: 1,
    config: maker.cfg,
    configHash: datasetConfigHash(cfg),
    seed,
    count: cfg.count,
    frameShape: [T, H, W, C],
    objects: maker.objects,
    metaColumns: cols,
    chunkVideos,
    codec: chooseCodec(videoBytes, opts.codec),
  };
  mkdirSync(join(file, '..'), { recursive: true });
  const partial = `${file}.partial`;
  let fd: number;
  let done = 0;
  let pos: number;
  let chunkIndex = 0;
  if (existsSync(partial)) {
    fd = openSync(partial, 'r+');
    try {
      const got = readHeader(fd, partial);
      const same = got.header.configHash === header.configHash && got.header.seed === seed && got.header.chunkVideos === chunkVideos;
      if (!same) throw new DatasetFileError(partial, 'is a partial file of another dataset');
      header.codec = got.header.codec;
      const { chunks, end } = scanChunks(fd, partial, got.header, got.dataStart, got.fileSize, true);
      // also check the frame data of the chunks we keep
      let good = 0;
      for (const c of chunks) {
        try {
          readChunkData(fd, partial, got.header, c, got.fileSize);
          good++;
        } catch {
          break;
        }
      }
      const kept = chunks.slice(0, good);
      pos = good === chunks.length ? end : kept.length ? kept[kept.length - 1].offset + CHUNK_HEADER_BYTES + kept[kept.length - 1].payloadBytes : got.dataStart;
      ftruncateSync(fd, pos);
      done = kept.reduce((a, c) => a + c.videos, 0);
      chunkIndex = kept.length;
    } catch (e) {
      closeSync(fd);
      if (!(e instanceof DatasetFileError)) throw e;
      if (opts.progress !== false && process.env.PHYLAB_QUIET !== '1') process.stderr.write(`discarding an unusable partial file and starting over: ${e.message.replace(/ Delete the file to regenerate it\.$/, '')}\n`);
      rmSync(partial, { force: true });
      fd = openSync(partial, 'w+');
      done = 0;
      chunkIndex = 0;
      const h = encodeHeader(header);
      writeSync(fd, h, 0, h.length, 0);
      pos = h.length;
    }
  } else {
    fd = openSync(partial, 'w+');
    const h = encodeHeader(header);
    writeSync(fd, h, 0, h.length, 0);
    pos = h.length;
  }
  const progress = new Progress({ label: `dataset ${basename(file)}`, total: cfg.count, unit: 'videos', initial: done, silent: opts.progress === false ? true : undefined });
  if (done > 0) progress.status(`resumed at video ${done}`);
  const P = cols.length;
  let newChunks = 0;
  try {
    while (done < cfg.count) {
      const n = Math.min(chunkVideos, cfg.count - done);
      const meta = new Float64Array(n * P);
      const states = new Float32Array(n * stateFloats);
      const blobs: Uint8Array[] = [];
      const frames = new Uint8Array(videoBytes);
      for (let v = 0; v < n; v++) {
        const i = done + v;
        const sample = maker.make(i, frames, states.subarray(v * stateFloats, (v + 1) * stateFloats));
        metaRow(sample, cols, meta, v * P);
        blobs.push(header.codec === 'raw' ? frames.slice() : deflateRawSync(frames, { level: 1 }));
        if ((v & 63) === 63) progress.tick(64);
      }
      progress.tick(n & 63);
      const chunk = encodeChunk(chunkIndex++, n, meta, states, blobs);
      writeSync(fd, chunk, 0, chunk.length, pos);
      pos += chunk.length;
      done += n;
      newChunks++;
      if (opts.stopAfterChunks !== undefined && newChunks >= opts.stopAfterChunks && done < cfg.count) {
        throw new Error(`generation stopped after ${newChunks} chunk(s) (stopAfterChunks)`);
      }
      await new Promise<void>((resolve) => setImmediate(resolve)); // let progress output and signals through
    }
  } finally {
    closeSync(fd);
  }
  progress.finish();
  renameSync(partial, file);
}
