/**
 * Where a tensor lives on the TF.js wasm backend's heap: the helpers every native kernel module
 * (native-matmul.ts, native-kernels.ts, fused-kernels.ts) uses to hand the addon byte offsets into
 * the backend's memory, which it reads and writes in place.
 */
import type * as tf from '@tensorflow/tfjs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WasmBackend = any;

/** Byte offset of a tensor's data on the wasm heap. */
export function offsetOf(backend: WasmBackend, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset as number;
}

/** The wasm heap now (take it after makeOutput: growing the memory detaches the old buffer). */
export function heap(backend: WasmBackend): ArrayBuffer {
  return backend.wasm.HEAPU8.buffer as ArrayBuffer;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}
