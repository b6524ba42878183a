/**
 * Run-time choice of the TensorFlow.js backend, in this order:
 *   1. `tensorflow` on a GPU  (@tensorflow/tfjs-node-gpu: libtensorflow with CUDA 11.2)
 *   2. `webgpu`               (@tensorflow/tfjs-backend-webgpu on Dawn from the `webgpu` package,
 *                              Vulkan on Linux; only on an adapter that is not a CPU emulation)
 *   3. `tensorflow` on the CPU (@tensorflow/tfjs-node)
 *   4. `wasm` (+SIMD)          (@tensorflow/tfjs-backend-wasm, always installed)
 *   5. `cpu`                   (pure JavaScript; ~40x slower than wasm: only when asked for)
 *
 * Override with `PHYLAB_BACKEND=auto|tensorflow-gpu|webgpu|tensorflow|wasm|cpu` or the `backend`
 * argument; an explicit choice that cannot start is an error, never a silent fall-back. The
 * choice and the reason are printed once per process (for webgpu with the adapter's vendor,
 * architecture and limits). tfjs-node(-gpu), tfjs-backend-webgpu and webgpu are optional
 * dependencies: offline tfjs-node's install cannot fetch libtensorflow and it is simply absent
 * (see environment.md).
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../config/profile';
import { enableNativeMatMul, kernelsNote, NativeMatMulStatus } from '../engine/native-matmul';
import { adapterLabel, AdapterDescription, registerWebGPUBackend } from './webgpu';

export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface BackendInfo {
  /** What was asked for (`auto` unless overridden). */
  requested: BackendChoice;
  /** The tfjs backend name in use: 'tensorflow', 'webgpu', 'wasm' or 'cpu'. */
  name: string;
  /** Human label, e.g. 'wasm (SIMD, 1 thread)' or 'tensorflow (GPU)'. */
  label: string;
  /** Whether a GPU does the work. */
  gpu: boolean;
  /** Why this one was picked (what was tried and failed). */
  reason: string;
  /** wasm only: whether matMul runs on OpenBLAS (lib/engine/native-matmul.ts) and why (not). */
  matmul?: NativeMatMulStatus;
  /** webgpu only: the adapter (vendor, architecture, limits). */
  adapter?: AdapterDescription;
}

let selected: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

/** Parse a backend name (from the environment, the CLI or a config); errors list the choices. */
export function parseBackendChoice(value: string | undefined, param = 'backend'): BackendChoice {
  if (value === undefined || value === '') return 'auto';
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new ConfigError(`${param}: unknown backend '${value}'; allowed: ${BACKEND_CHOICES.join(', ')}`);
}

function tryRequire(name: string): { ok: boolean; error?: string } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require(name);
    return { ok: true };
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    return { ok: false, error: /Cannot find module/.test(msg) ? 'not installed' : msg };
  }
}

async function trySet(name: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

function gpuVisible(): boolean {
  try {
    // tfjs-node-gpu exposes no device query; libtensorflow logs its devices. A visible
    // NVIDIA device node is the practical check.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('node:fs').existsSync('/dev/nvidia0');
  } catch {
    return false;
  }
}

async function select(requested: BackendChoice): Promise<BackendInfo> {
  const tried: string[] = [];
  const want = (c: BackendChoice) => requested === 'auto' || requested === c;
  if (want('tensorflow-gpu')) {
    const r = tryRequire('@tensorflow/tfjs-node-gpu');
    if (r.ok && (await trySet('tensorflow'))) {
      const gpu = gpuVisible();
      if (gpu || requested === 'tensorflow-gpu') {
        return { requested, name: 'tensorflow', label: gpu ? 'tensorflow (GPU)' : 'tensorflow (GPU build, no GPU visible: running on CPU)', gpu, reason: '@tensorflow/tfjs-node-gpu loaded' };
      }
      tried.push('tfjs-node-gpu: loaded but no GPU visible');
    } else tried.push(`tfjs-node-gpu: ${r.error ?? 'backend failed to start'}`);
  }
  if (want('webgpu')) {
    const probe = await registerWebGPUBackend({ auto: requested === 'auto' });
    if (probe.usable && probe.adapter && (await trySet('webgpu'))) {
      return { requested, name: 'webgpu', label: `webgpu (Dawn: ${adapterLabel(probe.adapter)})`, gpu: true, reason: tried.length ? tried.join('; ') : 'requested', adapter: probe.adapter };
    }
    const why = probe.usable ? 'the webgpu backend failed to start on the adapter' : probe.reason;
    if (requested === 'webgpu') throw new Error(`backend webgpu (asked for explicitly): ${why}. No fall-back for an explicit choice: unset PHYLAB_BACKEND / --backend (auto) to use the next backend.`);
    tried.push(`webgpu: ${why}`);
  }
  if (want('tensorflow')) {
    const r = tryRequire('@tensorflow/tfjs-node');
    if (r.ok && (await trySet('tensorflow'))) {
      return { requested, name: 'tensorflow', label: 'tensorflow (CPU)', gpu: false, reason: `@tensorflow/tfjs-node loaded; ${tried.join('; ')}` };
    }
    if (tf.findBackend('tensorflow') && (await trySet('tensorflow'))) {
      return { requested, name: 'tensorflow', label: 'tensorflow (CPU)', gpu: false, reason: `tensorflow backend registered; ${tried.join('; ')}` };
    }
    tried.push(`tfjs-node: ${r.error ?? 'backend failed to start'}`);
  }
  if (want('wasm')) {
    require('@tensorflow/tfjs-backend-wasm');
    if (await trySet('wasm')) {
      const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
      // OpenBLAS sgemm for MatMul/BatchMatMul/_FusedMatMul when the addon is built (PHYLAB_NATIVE_MATMUL=0: off).
      const matmul = enableNativeMatMul();
      const mm = matmul.enabled ? matmul.label : `stock matmul${matmul.kernels.enabled ? kernelsNote(matmul.kernels) : ''}`;
      const why = [tried.length ? tried.join('; ') : 'requested', `matmul: ${matmul.reason}`].join('; ');
      return { requested, name: 'wasm', label: `wasm (${simd ? 'SIMD' : 'no SIMD'}, 1 thread; ${mm})`, gpu: false, reason: why, matmul };
    }
    tried.push('wasm: failed to start');
  }
  if (requested === 'cpu') {
    await trySet('cpu');
    return { requested, name: 'cpu', label: 'cpu (pure JavaScript, ~40x slower than wasm)', gpu: false, reason: 'requested explicitly' };
  }
  throw new Error(`no TensorFlow.js backend could start for '${requested}' (${tried.join('; ')}). Plain 'cpu' is never picked silently: set PHYLAB_BACKEND=cpu to accept it.`);
}

/**
 * Select (once per process) and return the backend. Later calls return the first choice; asking
 * for a different explicit backend later switches to it.
 */
export async function initBackend(opts: { backend?: string; quiet?: boolean } = {}): Promise<BackendInfo> {
  const requested = parseBackendChoice(opts.backend ?? process.env.PHYLAB_BACKEND, opts.backend ? 'backend' : 'PHYLAB_BACKEND');
  if (selected && (requested === 'auto' || requested === selected.requested || backendMatches(requested, selected))) return selected;
  if (pending && requested === 'auto') return pending;
  pending = select(requested).then((info) => {
    selected = info;
    if (!opts.quiet) process.stderr.write(`[phylab] TensorFlow.js backend: ${info.label} — ${info.reason}\n`);
    return info;
  });
  try {
    return await pending;
  } finally {
    pending = null;
  }
}

function backendMatches(req: BackendChoice, info: BackendInfo): boolean {
  if (req === 'tensorflow-gpu') return info.name === 'tensorflow' && info.gpu;
  if (req === 'tensorflow') return info.name === 'tensorflow' && !info.gpu;
  if (req === 'webgpu') return info.name === 'webgpu';
  return req === info.name;
}

/** The backend chosen so far, or null before `initBackend`. */
export function currentBackend(): BackendInfo | null {
  return selected;
}
