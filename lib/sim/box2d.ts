/**
 * Loads box2d-wasm 7.0.0 (Box2D 2.4.1 compiled to WebAssembly) once per process, synchronously.
 *
 * `await Box2DFactory()` fails on Node ≥ 18 (its loader fetches a file path), so we hand the
 * emscripten factory the wasm bytes AND an `instantiateWasm` hook that instantiates them with the
 * synchronous `new WebAssembly.Instance`. With that hook the factory finishes its start-up before
 * returning, so the module can be used at once: `getBox2D()` needs no `await`, which keeps
 * `makeVideo(cfg, seed, i)` a plain synchronous pure function. The SIMD build is used when the
 * engine validates wasm SIMD (all Node ≥ 16 on x64), else the plain build.
 *
 * Memory: box2d-wasm objects live on the wasm heap and are NOT garbage-collected. Every object
 * created with `new Box2D.X(...)` must be freed with `Box2D.destroy(obj)`; bodies and fixtures are
 * freed by destroying their world (lib/sim/simulate.ts does all of this).
 */
/// <reference types="box2d-wasm" />
import { readFileSync } from 'node:fs';

/** The loaded box2d-wasm module: the `Box2D` namespace plus the emscripten runtime. */
export type Box2DModule = typeof Box2D & EmscriptenModule;

let cached: Box2DModule | null = null;

/** Which build was loaded ('simd' or 'plain'); null before the first `getBox2D()`. */
export let box2dBuild: 'simd' | 'plain' | null = null;

/** The few WebAssembly globals used here (typed locally: the tslab build has no DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (mod: object, imports: object) => { exports: object };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

function hasWasmSimd(): boolean {
  // Smallest module using a v128 op (from wasm-feature-detect, as box2d-wasm's own entry does).
  return wasm.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]));
}

/** The process-wide box2d-wasm module, loaded on first use (~30 ms), then cached. */
export function getBox2D(): Box2DModule {
  if (cached) return cached;
  const simd = hasWasmSimd();
  const base = simd ? 'box2d-wasm/dist/umd/Box2D.simd' : 'box2d-wasm/dist/umd/Box2D';
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const factory = require(`${base}.js`) as (m: object) => unknown;
  const bytes = readFileSync(require.resolve(`${base}.wasm`));
  const moduleArg: Record<string, unknown> = {
    wasmBinary: bytes,
    instantiateWasm(imports: object, done: (inst: object, mod: object) => void) {
      const mod = new wasm.Module(bytes);
      const inst = new wasm.Instance(mod, imports);
      done(inst, mod);
      return inst.exports;
    },
  };
  // The emscripten glue installs process-wide 'uncaughtException' / 'unhandledRejection'
  // handlers that rethrow; a library must not change how the host process handles errors
  // (e.g. a notebook kernel), so remove whatever it added.
  const before = {
    uncaughtException: process.listeners('uncaughtException'),
    unhandledRejection: process.listeners('unhandledRejection'),
  };
  const ready = factory(moduleArg) as Promise<unknown> | undefined;
  for (const l of process.listeners('uncaughtException')) if (!before.uncaughtException.includes(l)) process.removeListener('uncaughtException', l);
  for (const l of process.listeners('unhandledRejection')) if (!before.unhandledRejection.includes(l)) process.removeListener('unhandledRejection', l);
  // The returned promise settles later; we never need it, but must not leave a rejection unhandled.
  if (ready && typeof (ready as Promise<unknown>).catch === 'function') (ready as Promise<unknown>).catch(() => undefined);
  const m = moduleArg as unknown as Box2DModule;
  if (typeof m.b2World !== 'function') {
    throw new Error('box2d-wasm did not initialise synchronously (b2World missing); check the box2d-wasm version (7.0.0 expected)');
  }
  cached = m;
  box2dBuild = simd ? 'simd' : 'plain';
  return m;
}

/** Bytes currently reserved by the wasm heap (grows, never shrinks): for leak tests. */
export function box2dHeapBytes(): number {
  const m = getBox2D();
  return m.HEAPU8.length;
}
