/**
 * The README's recipe table (issue #17) from e2e trial records (`phylab bench --only=e2e --name=…`,
 * lib/bench/e2e-bench.ts): one row per trial with its changes from the default recipe, its ID
 * error at matched CPU minutes (linear interpolation between evaluations; "—" where the trial did
 * not run that long), its best error and the CPU/wall time to ≤ 2x the parse floor, or "not reached".
 */
import type { E2eTrial } from './e2e-bench';

type Point = E2eTrial['curve'][number];

/** The ID error at `cpuMin` CPU minutes, interpolated between evaluations (null outside the curve). */
export function errorAtCpuMin(curve: ReadonlyArray<Point>, cpuMin: number): number | null {
  const x = cpuMin * 60;
  for (let i = 0; i < curve.length; i++) {
    const p = curve[i];
    if (p.cpuS === x) return p.error;
    if (p.cpuS > x) {
      if (i === 0) return null;
      const q = curve[i - 1];
      return q.error + ((p.error - q.error) * (x - q.cpuS)) / (p.cpuS - q.cpuS);
    }
  }
  return null;
}

const f3 = (v: number) => v.toFixed(3);

/** Markdown table of `trials` with the error at each of `atCpuMin` CPU minutes. */
export function recipeTable(trials: ReadonlyArray<E2eTrial>, atCpuMin: ReadonlyArray<number>, recordOf: (t: E2eTrial) => string = (t) => `trials/${t.name}.json`): string {
  const head = ['trial', 'changes from the default recipe', ...atCpuMin.map((m) => `ID error at ${m} CPU-min`), 'best (x floor) at step, CPU-min', 'to ≤ 2x floor', 'ran (steps, CPU-min, wall min)', 'record, commit'];
  const rows = trials.map((t) => {
    const best = t.curve.reduce((a, p) => (p.error < a.error ? p : a), t.curve[0]);
    const last = t.curve[t.curve.length - 1];
    const changes = t.changes.length ? t.changes.map((c) => c.replace(/"/g, '')).join('; ') : 'none (default)';
    return [
      `\`${t.name}\``,
      changes,
      ...atCpuMin.map((m) => {
        const e = errorAtCpuMin(t.curve, m);
        return e === null ? '—' : f3(e);
      }),
      best ? `${f3(best.error)} (${(best.error / t.floor).toFixed(1)}x) at ${best.step}, ${(best.cpuS / 60).toFixed(1)}` : '—',
      t.reached && t.cpuS !== null && t.wallS !== null ? `${(t.cpuS / 60).toFixed(1)} CPU-min (${(t.wallS / 60).toFixed(1)} min wall)` : `not reached (best ${best ? (best.error / t.floor).toFixed(1) : '—'}x)`,
      last ? `${last.step}, ${(last.cpuS / 60).toFixed(1)}, ${(last.wallS / 60).toFixed(1)}${t.stopped === 'running' ? ' (stopped by hand)' : t.stopped === 'cpu-limit' ? ' (CPU limit)' : ''}` : '—',
      `${recordOf(t)}, ${t.commit}`,
    ];
  });
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n') + '\n';
}
