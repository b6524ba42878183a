/**
 * Loads the optional native addon built by native/build.cjs (OpenBLAS sgemm and the non-matmul
 * wasm-heap kernels), once per process. Shared by native-matmul.ts and native-kernels.ts.
 */
import * as path from 'node:path';
import { ConfigError } from '../config/profile';

/** Path of the addon built by native/build.cjs. */
export const NATIVE_ADDON_PATH = path.resolve(__dirname, '..', '..', 'native', 'build', 'Release', 'phylab_blas.node');

/** The addon's functions (native/phylab_blas.cc, native/phylab_kernels.cc). `heap` is the wasm memory. */
export interface NativeAddon {
  GEMM_NPARAMS: number;
  gemm(heap: ArrayBuffer, params: Float64Array, aIdx: Uint32Array | null, bIdx: Uint32Array | null): void;
  setThreads(n: number): void;
  getThreads(): number;
  config(): string;
  /** Absent in an addon built before the kernels existed. */
  unary?(heap: ArrayBuffer, p: Float64Array): void;
  softmax?(heap: ArrayBuffer, p: Float64Array): void;
  reduce?(heap: ArrayBuffer, p: Float64Array): void;
  transpose?(heap: ArrayBuffer, p: Float64Array): void;
  slice?(heap: ArrayBuffer, p: Float64Array): void;
  tile?(heap: ArrayBuffer, p: Float64Array): void;
  binary?(heap: ArrayBuffer, p: Float64Array): void;
  /** Fused model kernels: GELU, LayerNorm-modulate, AdamW, EMA, attention core, gated residual, RoPE (lib/engine/fused-kernels.ts). */
  fused?(heap: ArrayBuffer, p: Float64Array): void;
  /** How many fused ops this build knows (absent in builds that had only the first six). */
  fusedOps?: number;
}

let addon: NativeAddon | null = null;
let addonError: string | null = null;
let coreNote = '';

/** Validates an OpenBLAS core name ('' = OpenBLAS's own choice); returns it upper-cased. */
export function parseCoreType(raw: string): string {
  if (raw !== '' && !/^[A-Za-z0-9_]+$/.test(raw)) throw new ConfigError(`coreType: expected '' or an OpenBLAS core name like 'SKYLAKEX', got '${raw}'`);
  return raw.toUpperCase();
}

/**
 * Loads the addon once; null (with the reason kept, see `nativeAddonError`) when it was not built
 * or fails to load. `coreType` is applied only by the first call (OpenBLAS reads
 * OPENBLAS_CORETYPE once, when it is loaded with the addon).
 */
export function loadNativeAddon(coreType = process.env.PHYLAB_OPENBLAS_CORETYPE ?? ''): NativeAddon | null {
  if (addon || addonError) return addon;
  const core = parseCoreType(coreType);
  if (core) process.env.OPENBLAS_CORETYPE = core;
  const inherited = process.env.OPENBLAS_CORETYPE;
  if (inherited) coreNote = core ? `; core forced by coreType=${core}` : `; core forced by OPENBLAS_CORETYPE=${inherited} in the environment`;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    addon = require(NATIVE_ADDON_PATH) as NativeAddon;
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    addonError = /Cannot find module|no such file/i.test(msg) ? 'addon not built (run `node native/build.cjs`; needs g++ and libopenblas-dev)' : `addon failed to load: ${msg}`;
  }
  return addon;
}

/** Why the addon is not loaded (null when it is, or before the first load attempt). */
export function nativeAddonError(): string | null {
  return addonError;
}

/** '; core forced by …' when OPENBLAS_CORETYPE was set at load time, else ''. */
export function nativeAddonCoreNote(): string {
  return coreNote;
}
