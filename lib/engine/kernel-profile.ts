/**
 * Per-kernel time of a TF.js computation (tf.profile), summed by kernel name: which kernels a
 * training step spends its time in. On the wasm backend kernels run synchronously, so a kernel's
 * time is its wall time.
 */
import * as tf from '@tensorflow/tfjs';

export interface KernelTime {
  /** Kernel name, e.g. 'BatchMatMul', 'Softmax'. */
  name: string;
  /** Summed kernel time over all calls, milliseconds. */
  ms: number;
  /** Number of calls. */
  calls: number;
  /** Share of the summed kernel time of all kernels, 0..1. */
  share: number;
}

export interface KernelProfile {
  /** Sum of all kernel times, ms (of the per-kernel medians when profiled over several runs). */
  kernelMs: number;
  /** Wall time of the profiled call, ms (median over runs; includes JS work between kernels and profiling overhead). */
  wallMs: number;
  /** Kernels, most expensive first. */
  kernels: KernelTime[];
}

/**
 * Profiles `fn` (warm it up first). With `runs` > 1 each kernel's time is the median over the runs,
 * which discounts interference from other processes on a shared machine. The results of `fn` are
 * disposed. Error checks of kernel outputs are switched off while profiling so they add no reads.
 */
export async function profileKernels(fn: () => tf.TensorContainer, runs = 1): Promise<KernelProfile> {
  const env = tf.env();
  const checks = env.getBool('CHECK_COMPUTATION_FOR_ERRORS');
  env.set('CHECK_COMPUTATION_FOR_ERRORS', false);
  try {
    const perRun: Map<string, { ms: number; calls: number }>[] = [];
    const walls: number[] = [];
    for (let r = 0; r < Math.max(1, runs); r++) {
      const t0 = performance.now();
      const info = await tf.profile(() => fn() as tf.TensorContainer);
      walls.push(performance.now() - t0);
      tf.dispose(info.result as tf.TensorContainer);
      const by = new Map<string, { ms: number; calls: number }>();
      for (const k of info.kernels) {
        const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
        const e = by.get(k.name) ?? { ms: 0, calls: 0 };
        e.ms += ms;
        e.calls++;
        by.set(k.name, e);
      }
      perRun.push(by);
    }
    const median = (v: number[]) => {
      const s = [...v].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    const names = new Set(perRun.flatMap((m) => [...m.keys()]));
    const rows = [...names].map((name) => ({
      name,
      ms: median(perRun.map((m) => m.get(name)?.ms ?? 0)),
      calls: Math.max(...perRun.map((m) => m.get(name)?.calls ?? 0)),
    }));
    const kernelMs = rows.reduce((s, k) => s + k.ms, 0);
    const kernels = rows
      .map((k) => ({ ...k, share: kernelMs > 0 ? k.ms / kernelMs : 0 }))
      .sort((a, b) => b.ms - a.ms);
    return { kernelMs, wallMs: median(walls), kernels };
  } finally {
    env.set('CHECK_COMPUTATION_FOR_ERRORS', checks);
  }
}

/** A plain-text table of the `top` most expensive kernels. */
export function formatKernelTable(p: KernelProfile, top = 12): string {
  const lines = [`  ${'kernel'.padEnd(22)} ${'ms'.padStart(8)} ${'calls'.padStart(6)} ${'share'.padStart(6)}`];
  for (const k of p.kernels.slice(0, top)) {
    lines.push(`  ${k.name.padEnd(22)} ${k.ms.toFixed(1).padStart(8)} ${String(k.calls).padStart(6)} ${(100 * k.share).toFixed(1).padStart(5)}%`);
  }
  const rest = p.kernels.slice(top);
  if (rest.length) {
    const ms = rest.reduce((s, k) => s + k.ms, 0);
    lines.push(`  ${`(${rest.length} others)`.padEnd(22)} ${ms.toFixed(1).padStart(8)} ${''.padStart(6)} ${(100 * ms / (p.kernelMs || 1)).toFixed(1).padStart(5)}%`);
  }
  lines.push(`  ${'total kernel time'.padEnd(22)} ${p.kernelMs.toFixed(1).padStart(8)}   (wall ${p.wallMs.toFixed(1)} ms)`);
  return lines.join('\n');
}
