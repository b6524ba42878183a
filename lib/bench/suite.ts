/** A benchmark suite run by `phylab bench`: prints its own table and returns its numbers. */
export interface BenchOptions {
  /** Fewer iterations, for a rough figure. */
  quick: boolean;
  /** TF.js backend to select first (BACKEND_CHOICES; default: PHYLAB_BACKEND, else auto). */
  backend?: string;
  /** Model presets of this profile (suites with presets; default: quick). */
  profile?: 'smoke' | 'quick' | 'paper';
  /** Only these presets (overrides the profile's list). */
  presets?: string[];
  /** Batch size (suites with a batch; default: the suite's own, 32 for dit). */
  batch?: number;
  /** Timed runs per figure (default: the suite's own). */
  iters?: number;
  /** Dotted config overrides from the command line (`--train.lr=2e-3`); only suites that take them (e2e) get any. */
  overrides?: Readonly<Record<string, string>>;
  /** e2e: evaluate every this many steps (default 1000; 500 with --quick). */
  evalEvery?: number;
  /** e2e: stop after the first evaluation past this many CPU minutes (default: no limit). */
  maxCpuMin?: number;
  /** e2e: trial name; the trial's JSON goes to `<trialDir>/<name>.json`, rewritten after each evaluation. */
  name?: string;
  /** e2e: folder of the trial JSONs (default `trials`, git-ignored). */
  trialDir?: string;
  /** e2e: keep the trained frame VAE here and reuse it (its CPU/wall time is added to the curve). Default: train it every run. */
  vaeCache?: string;
  /** e2e: guidance weights also scored at every evaluation (`guided` in the curve), their sampling time left out of the curve. Default none. */
  alsoGuidance?: number[];
  /**
   * e2e: EMA decays also tracked beside the recipe's (same warm-up rule, min(decay, (1 + step)/(10 + step))
   * when the recipe's `emaWarmup` is on; 0 = the raw training weights) and scored at every evaluation
   * (`ema` in the curve), their sampling time left out of the curve. Default none.
   */
  alsoEma?: number[];
}

export interface BenchSuite {
  /** Short name used by `phylab bench --only=<name>`. */
  name: string;
  description: string;
  /** Runs only when named in `--only` (it takes long: not part of a plain `npm run bench`). Default false. */
  optIn?: boolean;
  run(opts: BenchOptions): Promise<unknown>;
}

/** Median of wall-clock milliseconds over `iters` runs after `warmup` runs. */
export async function medianMs(fn: () => unknown | Promise<unknown>, warmup: number, iters: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < iters; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
