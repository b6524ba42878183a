/**
 * The on-disk dataset container (`.phyds`): a header, then chunks of consecutive videos, each
 * with checksums, so that a truncated or corrupt file is detected and named, never read as
 * wrong data; and so that an interrupted generation resumes after its last complete chunk.
 *
 * Layout (little-endian):
 *   header  'PHYLABDS' (8 bytes) | version u32 | n = JSON length u32 | JSON (n bytes) | crc32(JSON) u32
 *   chunk*  'CHNK' u32 | chunk index u32 | videos u32 | payload bytes u32 | crc32(meta) u32 | crc32(data) u32
 *           meta: videos × P float64 (per-video parameters, header.metaColumns)
 *           data: videos × T·N·4 float32 states | (videos + 1) u32 blob offsets | frame blobs
 * A frame blob is one video's (T, H, W, 3) uint8 frames, raw or deflated (header.codec). Chunks
 * hold header.chunkVideos videos each (the last may hold fewer).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';

export const MAGIC = 'PHYLABDS';
export const FORMAT_VERSION = 1;
export const CHUNK_MAGIC = 0x4b4e4843; // 'CHNK' read as u32 LE
export const CHUNK_HEADER_BYTES = 24;

/** The JSON header of a dataset file. */
export interface DatasetHeader {
  format: 'phylab-dataset';
  version: number;
  /** The full dataset config (lib/data/dataset-config.ts). */
  config: unknown;
  configHash: string;
  seed: number;
  count: number;
  /** [T, H, W, 3] */
  frameShape: [number, number, number, number];
  /** Objects per video N. */
  objects: number;
  /** Names of the float64 per-video parameter columns. */
  metaColumns: string[];
  /** Videos per chunk (the last chunk may hold fewer). */
  chunkVideos: number;
  /** Frame blob encoding. */
  codec: 'raw' | 'deflate';
}

/** A damaged or foreign dataset file. The message names the file, what is wrong, and what to do. */
export class DatasetFileError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}. Delete the file to regenerate it.`);
    this.name = 'DatasetFileError';
  }
}

/** Encode the header block. */
export function encodeHeader(h: DatasetHeader): Buffer {
  const json = Buffer.from(JSON.stringify(h), 'utf8');
  const out = Buffer.alloc(16 + json.length + 4);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(FORMAT_VERSION, 8);
  out.writeUInt32LE(json.length, 12);
  json.copy(out, 16);
  out.writeUInt32LE(crc32(json), 16 + json.length);
  return out;
}

/** Location of one chunk in a file. */
export interface ChunkInfo {
  index: number;
  /** Byte offset of the chunk header. */
  offset: number;
  videos: number;
  /** First video index in the chunk. */
  first: number;
  payloadBytes: number;
  crcMeta: number;
  crcData: number;
}

/** Encode one chunk: header + meta + data. */
export function encodeChunk(index: number, videos: number, meta: Float64Array, states: Float32Array, blobs: Uint8Array[]): Buffer {
  const offsets = new Uint32Array(videos + 1);
  let blobBytes = 0;
  for (let v = 0; v < videos; v++) {
    offsets[v] = blobBytes;
    blobBytes += blobs[v].length;
  }
  offsets[videos] = blobBytes;
  const metaBytes = meta.byteLength;
  const dataBytes = states.byteLength + offsets.byteLength + blobBytes;
  const out = Buffer.alloc(CHUNK_HEADER_BYTES + metaBytes + dataBytes);
  let p = CHUNK_HEADER_BYTES;
  Buffer.from(meta.buffer, meta.byteOffset, metaBytes).copy(out, p);
  p += metaBytes;
  const dataStart = p;
  Buffer.from(states.buffer, states.byteOffset, states.byteLength).copy(out, p);
  p += states.byteLength;
  Buffer.from(offsets.buffer, offsets.byteOffset, offsets.byteLength).copy(out, p);
  p += offsets.byteLength;
  for (const b of blobs) {
    out.set(b, p);
    p += b.length;
  }
  out.writeUInt32LE(CHUNK_MAGIC, 0);
  out.writeUInt32LE(index, 4);
  out.writeUInt32LE(videos, 8);
  out.writeUInt32LE(metaBytes + dataBytes, 12);
  out.writeUInt32LE(crc32(out.subarray(CHUNK_HEADER_BYTES, dataStart)), 16);
  out.writeUInt32LE(crc32(out.subarray(dataStart)), 20);
  return out;
}

function readExact(fd: number, file: string, pos: number, length: number, what: string, fileSize: number): Buffer {
  if (pos + length > fileSize) throw new DatasetFileError(file, `truncated: ${what} needs bytes ${pos}–${pos + length} but the file has ${fileSize} bytes`);
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, pos + got);
    if (n === 0) throw new DatasetFileError(file, `truncated while reading ${what}`);
    got += n;
  }
  return buf;
}

/** Read and check the header; returns it with the byte offset of the first chunk. */
export function readHeader(fd: number, file: string): { header: DatasetHeader; dataStart: number; fileSize: number } {
  const fileSize = fstatSync(fd).size;
  if (fileSize < 16) throw new DatasetFileError(file, `not a phylab dataset (only ${fileSize} bytes)`);
  const head = readExact(fd, file, 0, 16, 'the header', fileSize);
  if (head.toString('latin1', 0, 8) !== MAGIC) throw new DatasetFileError(file, `not a phylab dataset (bad magic '${head.toString('latin1', 0, 8).replace(/[^\x20-\x7e]/g, '?')}')`);
  const version = head.readUInt32LE(8);
  if (version !== FORMAT_VERSION) throw new DatasetFileError(file, `format version ${version}, this code reads version ${FORMAT_VERSION}`);
  const n = head.readUInt32LE(12);
  const body = readExact(fd, file, 16, n + 4, 'the header', fileSize);
  const json = body.subarray(0, n);
  if (crc32(json) !== body.readUInt32LE(n)) throw new DatasetFileError(file, 'corrupt header (checksum mismatch)');
  let header: DatasetHeader;
  try {
    header = JSON.parse(json.toString('utf8')) as DatasetHeader;
  } catch {
    throw new DatasetFileError(file, 'corrupt header (not JSON)');
  }
  if (header.format !== 'phylab-dataset') throw new DatasetFileError(file, `not a phylab dataset (format '${String(header.format)}')`);
  return { header, dataStart: 16 + n + 4, fileSize };
}

/**
 * Walk the chunk headers and check their meta checksums. With `allowPartialTail` a damaged
 * or cut last chunk ends the walk (for resuming); otherwise it is an error.
 */
export function scanChunks(fd: number, file: string, header: DatasetHeader, dataStart: number, fileSize: number, allowPartialTail: boolean): { chunks: ChunkInfo[]; metas: Float64Array[]; end: number } {
  const chunks: ChunkInfo[] = [];
  const metas: Float64Array[] = [];
  const P = header.metaColumns.length;
  let pos = dataStart;
  let first = 0;
  const expectedChunks = Math.ceil(header.count / header.chunkVideos);
  while (first < header.count) {
    const k = chunks.length;
    const expectVideos = Math.min(header.chunkVideos, header.count - first);
    try {
      const h = readExact(fd, file, pos, CHUNK_HEADER_BYTES, `chunk ${k} of ${expectedChunks}`, fileSize);
      if (h.readUInt32LE(0) !== CHUNK_MAGIC) throw new DatasetFileError(file, `corrupt chunk ${k} at byte ${pos} (bad chunk magic)`);
      const index = h.readUInt32LE(4);
      const videos = h.readUInt32LE(8);
      const payloadBytes = h.readUInt32LE(12);
      if (index !== k || videos !== expectVideos) throw new DatasetFileError(file, `corrupt chunk ${k} at byte ${pos} (says chunk ${index} with ${videos} videos, expected chunk ${k} with ${expectVideos})`);
      const metaBytes = videos * P * 8;
      const m = readExact(fd, file, pos + CHUNK_HEADER_BYTES, payloadBytes, `chunk ${k} of ${expectedChunks}`, fileSize);
      if (crc32(m.subarray(0, metaBytes)) !== h.readUInt32LE(16)) throw new DatasetFileError(file, `corrupt chunk ${k} (parameter checksum mismatch)`);
      const meta = new Float64Array(videos * P);
      Buffer.from(meta.buffer).set(m.subarray(0, metaBytes));
      chunks.push({ index: k, offset: pos, videos, first, payloadBytes, crcMeta: h.readUInt32LE(16), crcData: h.readUInt32LE(20) });
      metas.push(meta);
      pos += CHUNK_HEADER_BYTES + payloadBytes;
      first += videos;
    } catch (e) {
      if (allowPartialTail && e instanceof DatasetFileError) break;
      throw e;
    }
  }
  if (!allowPartialTail && pos !== fileSize) throw new DatasetFileError(file, `${fileSize - pos} unexpected bytes after the last chunk`);
  return { chunks, metas, end: pos };
}

/** Read a chunk's data section (states, offsets, blobs) and check its checksum. */
export function readChunkData(fd: number, file: string, header: DatasetHeader, c: ChunkInfo, fileSize: number): Buffer {
  const metaBytes = c.videos * header.metaColumns.length * 8;
  const data = readExact(fd, file, c.offset + CHUNK_HEADER_BYTES + metaBytes, c.payloadBytes - metaBytes, `chunk ${c.index}`, fileSize);
  if (crc32(data) !== c.crcData) throw new DatasetFileError(file, `corrupt chunk ${c.index} (videos ${c.first}–${c.first + c.videos - 1}: frame data checksum mismatch)`);
  return data;
}

/** Open a file for reading, with a clear error when missing. */
export function openForRead(file: string): number {
  try {
    return openSync(file, 'r');
  } catch (e) {
    throw new DatasetFileError(file, `cannot open (${(e as Error).message})`);
  }
}

export { closeSync };
