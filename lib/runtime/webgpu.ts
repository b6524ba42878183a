/**
 * WebGPU in Node for the `webgpu` TF.js backend: Dawn from the npm package `webgpu` (prebuilt
 * `dist/<platform>-<arch>/dawn.node`; Vulkan on Linux) and @tensorflow/tfjs-backend-webgpu, both
 * optional dependencies.
 *
 * - `probeWebGPU()` loads Dawn, asks for a high-performance adapter and describes it (vendor,
 *   architecture, device, limits); an adapter that is a CPU emulation (lavapipe/llvmpipe,
 *   SwiftShader, Dawn's null backend, or one flagged as fallback) is reported but not usable.
 * - `registerWebGPUBackend()` registers tfjs's `webgpu` backend on that adapter. It requests the
 *   device itself (the package's own factory pushes `['bgra8unorm-storage']`, an array, into
 *   requiredFeatures and only registers when a global `navigator.gpu` exists at import time).
 *
 * Settings (environment):
 *   PHYLAB_DAWN_NODE   path of dawn.node (default: the one inside the `webgpu` package; the
 *                      offline GPU bundle sets it)
 *   PHYLAB_DAWN_FLAGS  comma-separated Dawn options passed to create(), e.g. `backend=vulkan` or
 *                      `adapter=NVIDIA H200` (default: none)
 *   PHYLAB_TFJS_FLAGS  comma-separated TF.js flags set once the webgpu backend is registered, e.g.
 *                      `WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64,WEBGPU_CPU_FORWARD=false` (default: none)
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** What Dawn offers on this machine. */
export interface WebGPUProbe {
  /** An adapter exists and is not a CPU emulation: the webgpu backend can run on it. */
  usable: boolean;
  /** Why not (or 'ok'). */
  reason: string;
  adapter?: AdapterDescription;
}

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn's backend type when it tells (e.g. 'vulkan'); '' otherwise. */
  backend: string;
  fallback: boolean;
  /** The adapter is a software rasteriser or Dawn's null backend. */
  cpuEmulation: boolean;
  features: string[];
  limits: Record<string, number>;
}

// Minimal structural types of the WebGPU objects used here (no @webgpu/types dependency).
interface GpuAdapterLike {
  info?: Record<string, unknown>;
  isFallbackAdapter?: boolean;
  features: Set<string>;
  limits: Record<string, number>;
  requestDevice(d?: unknown): Promise<unknown>;
}
interface GpuLike {
  requestAdapter(o?: unknown): Promise<GpuAdapterLike | null>;
}

/** Limits printed in the backend line / adapter description. */
const LIMIT_NAMES = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupsPerDimension'];

const CPU_EMULATION = /llvmpipe|lavapipe|swiftshader|softpipe|null-backend|software rasterizer/i;

/** Whether an adapter's identity is one of the CPU emulations Dawn can see (not a GPU). */
export function isCpuEmulation(info: { vendor?: string; architecture?: string; device?: string; description?: string }, fallback = false): boolean {
  if (fallback) return true;
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  return CPU_EMULATION.test(text) || text.trim() === '';
}

/** Path of dawn.node: PHYLAB_DAWN_NODE, else inside the installed `webgpu` package; null when absent. */
export function dawnNodePath(): string | null {
  if (process.env.PHYLAB_DAWN_NODE) return process.env.PHYLAB_DAWN_NODE;
  let pkg: string;
  try {
    pkg = dirname(require.resolve('webgpu/package.json'));
  } catch {
    return null;
  }
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  const p = join(pkg, 'dist', `${process.platform}-${arch}`, 'dawn.node');
  return existsSync(p) ? p : null;
}

const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];

/**
 * Linux: the folder holding the Vulkan loader libvulkan.so.1 (LD_LIBRARY_PATH, then the usual
 * library folders), or null. Without it Dawn has no Linux backend at all (and prints a warning
 * with a C++ stack), so auto selection does not load Dawn then. Elsewhere: 'n/a'.
 */
export function vulkanLoaderDir(): string | null {
  if (process.platform !== 'linux') return 'n/a';
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LIB_DIRS];
  return dirs.find((d) => existsSync(join(d, 'libvulkan.so.1'))) ?? null;
}

/**
 * Linux: the GPU device nodes (/dev/nvidia0…, /dev/dri/renderD*). Auto selection loads Dawn only
 * when one exists, so a CPU machine with mesa-vulkan-drivers (lavapipe, plus Intel/AMD ICDs that
 * find no hardware) does not print Dawn's Vulkan warnings on every command. Elsewhere: ['n/a'].
 */
export function gpuDeviceNodes(): string[] {
  if (process.platform !== 'linux') return ['n/a'];
  const list = (d: string, re: RegExp) => {
    try {
      return readdirSync(d).filter((f) => re.test(f)).map((f) => join(d, f));
    } catch {
      return [];
    }
  };
  return [...list('/dev', /^nvidia\d+$/), ...list('/dev/dri', /^renderD\d+$/)];
}

/** Dawn options from PHYLAB_DAWN_FLAGS. */
export function dawnFlags(): string[] {
  return (process.env.PHYLAB_DAWN_FLAGS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

let gpu: GpuLike | null = null;
let loadError: string | null = null;
let probed: { probe: WebGPUProbe; adapter: GpuAdapterLike | null } | null = null;

function loadDawn(): GpuLike | null {
  if (gpu || loadError) return gpu;
  const path = dawnNodePath();
  if (!path) {
    loadError = "the optional package 'webgpu' (Dawn) is not installed (npm install; or set PHYLAB_DAWN_NODE)";
    return null;
  }
  if (!vulkanLoaderDir() && !dawnFlags().some((f) => f.startsWith('backend='))) {
    loadError = 'no Vulkan loader (libvulkan.so.1) on this machine: apt-get install libvulkan1 plus a GPU driver\'s Vulkan ICD';
    return null;
  }
  try {
    // A computed path: bundlers leave it alone, so the offline bundle loads its own copy.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const dawn = require(path) as { create(flags: string[]): GpuLike; globals: Record<string, unknown> };
    // tfjs-backend-webgpu uses the GPU* constants (GPUBufferUsage, GPUMapMode, ...) as globals.
    for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    gpu = dawn.create(dawnFlags());
    return gpu;
  } catch (e) {
    loadError = `dawn.node failed to load from ${path}: ${(e as Error).message.split('\n')[0]}`;
    return null;
  }
}

function describe(a: GpuAdapterLike): AdapterDescription {
  const info = (a.info ?? {}) as Record<string, unknown>;
  const s = (k: string) => (typeof info[k] === 'string' ? (info[k] as string) : '');
  const fallback = !!(a.isFallbackAdapter ?? info.isFallbackAdapter);
  const limits: Record<string, number> = {};
  for (const n of LIMIT_NAMES) if (typeof a.limits[n] === 'number') limits[n] = a.limits[n];
  const d = { vendor: s('vendor'), architecture: s('architecture'), device: s('device'), description: s('description') };
  return { ...d, backend: s('backendType') || s('backend'), fallback, cpuEmulation: isCpuEmulation(d, fallback), features: [...a.features].sort(), limits };
}

/** One line naming the adapter: vendor, architecture, device, limits. */
export function adapterLabel(d: AdapterDescription): string {
  const gib = (n: number | undefined) => (n === undefined ? '?' : `${(n / 2 ** 30).toFixed(1)} GiB`);
  const who = [d.vendor || 'unknown vendor', d.architecture, d.device || d.description].filter(Boolean).join(' / ');
  return `${who}${d.backend ? ` (${d.backend})` : ''}; maxBuffer ${gib(d.limits.maxBufferSize)}, maxStorageBinding ${gib(d.limits.maxStorageBufferBindingSize)}, workgroup storage ${d.limits.maxComputeWorkgroupStorageSize ?? '?'} B, ${d.limits.maxComputeInvocationsPerWorkgroup ?? '?'} invocations`;
}

/**
 * Load Dawn and look for a high-performance adapter (once per process). `auto` (what automatic
 * backend selection passes) skips loading Dawn when no GPU Vulkan driver is installed.
 */
export async function probeWebGPU(opts: { auto?: boolean } = {}): Promise<WebGPUProbe> {
  if (probed) return probed.probe;
  if (opts.auto && gpuDeviceNodes().length === 0 && !dawnFlags().length) {
    // not cached: an explicit PHYLAB_BACKEND=webgpu later still loads Dawn and reports what it finds
    return { usable: false, reason: 'no GPU device node (/dev/nvidia*, /dev/dri/renderD*): Dawn not loaded' };
  }
  const g = loadDawn();
  if (!g) {
    probed = { probe: { usable: false, reason: loadError ?? 'Dawn did not load' }, adapter: null };
    return probed.probe;
  }
  let adapter: GpuAdapterLike | null = null;
  try {
    adapter = await g.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    probed = { probe: { usable: false, reason: `requestAdapter failed: ${(e as Error).message.split('\n')[0]}` }, adapter: null };
    return probed.probe;
  }
  if (!adapter) {
    probed = {
      probe: { usable: false, reason: 'Dawn found no adapter (no Vulkan loader/driver, or the only Vulkan device lacks a required feature, e.g. lavapipe; see environment.md)' },
      adapter: null,
    };
    return probed.probe;
  }
  const d = describe(adapter);
  const probe: WebGPUProbe = d.cpuEmulation
    ? { usable: false, reason: `the only adapter is a CPU emulation (${adapterLabel(d)}): slower than wasm, not used`, adapter: d }
    : { usable: true, reason: 'ok', adapter: d };
  probed = { probe, adapter };
  return probe;
}

/** Sets the flags of PHYLAB_TFJS_FLAGS (name=value, comma-separated; numbers and booleans parsed). */
export function applyTfjsFlags(spec = process.env.PHYLAB_TFJS_FLAGS ?? ''): Record<string, number | boolean | string> {
  const set: Record<string, number | boolean | string> = {};
  for (const item of spec.split(',').map((x) => x.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq < 1) throw new Error(`PHYLAB_TFJS_FLAGS: '${item}' is not NAME=VALUE`);
    const name = item.slice(0, eq);
    const raw = item.slice(eq + 1);
    const value = raw === 'true' ? true : raw === 'false' ? false : Number.isFinite(Number(raw)) && raw !== '' ? Number(raw) : raw;
    tf.env().set(name, value);
    set[name] = value;
  }
  return set;
}

/**
 * tfjs's WebGPUBackend refuses to construct unless `globalThis.navigator.gpu` exists (Node 20 has
 * no `navigator`; Node ≥ 21 has one without `gpu`). Set it to Dawn's GPU object.
 */
function exposeNavigatorGpu(g: GpuLike): void {
  const root = globalThis as unknown as { navigator?: Record<string, unknown> };
  const nav = root.navigator;
  if (nav && nav.gpu) return;
  if (nav) {
    try {
      Object.defineProperty(nav, 'gpu', { value: g, configurable: true, writable: true });
      if (nav.gpu === g) return;
    } catch {
      /* replace the whole object below */
    }
  }
  Object.defineProperty(globalThis, 'navigator', { value: { ...(nav ?? {}), gpu: g }, configurable: true, writable: true });
}

/**
 * Registers tfjs's `webgpu` backend on the probed adapter (once). Returns the probe; the backend
 * is registered only when `probe.usable` (or `allowCpuEmulation`).
 */
export async function registerWebGPUBackend(opts: { allowCpuEmulation?: boolean; auto?: boolean } = {}): Promise<WebGPUProbe> {
  const probe = await probeWebGPU({ auto: opts.auto });
  const adapter = probed?.adapter;
  if (!adapter || (!probe.usable && !opts.allowCpuEmulation)) return probe;
  if (tf.findBackendFactory('webgpu')) return probe;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const wg = require('@tensorflow/tfjs-backend-webgpu') as { WebGPUBackend: new (device: unknown, info?: unknown) => tf.KernelBackend };
  applyTfjsFlags();
  tf.registerBackend(
    'webgpu',
    async () => {
      const l = adapter.limits;
      const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
      const device = await adapter.requestDevice({
        requiredFeatures,
        requiredLimits: {
          maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
          maxBufferSize: l.maxBufferSize,
          maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        },
      });
      if (gpu) exposeNavigatorGpu(gpu);
      return new wg.WebGPUBackend(device, adapter.info);
    },
    0,
  );
  return probe;
}

/**
 * webgpu only: destroys the GPU buffers tfjs keeps for reuse (its BufferManager never frees them,
 * so a process that trains several model sizes in turn accumulates every size's buffers; seen on
 * the H200 as VK_ERROR_OUT_OF_DEVICE_MEMORY at the third paper preset). Returns the bytes freed.
 */
export function releaseFreeGpuBuffers(): number {
  if (tf.getBackend() !== 'webgpu') return 0;
  const bm = (tf.backend() as unknown as { bufferManager?: { freeBuffers?: Map<string, Array<{ size: number; destroy(): void }>>; numFreeBuffers: number; numBytesAllocated: number } }).bufferManager;
  if (!bm || !bm.freeBuffers) return 0;
  let bytes = 0;
  bm.freeBuffers.forEach((list) => {
    for (const b of list) {
      bytes += b.size;
      b.destroy();
    }
    list.length = 0; // keep the key: releaseBuffer pushes onto the existing list
  });
  bm.numFreeBuffers = 0;
  bm.numBytesAllocated -= bytes;
  return bytes;
}
