/**
 * `phylab bench` (`npm run bench`): runs every benchmark suite in lib/bench/*-bench.ts.
 * Each suite exports `suite: BenchSuite`. Speed targets live here, never in unit tests.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CommandSpec, UsageError } from '../args';
import type { BenchOptions, BenchSuite } from '../../bench/suite';
import { PROFILES } from '../../config/profile';
import { GUIDANCE_RANGE } from '../../diffusion/schedule';
import { BACKEND_CHOICES } from '../../runtime/backend';
import { bundledModules } from '../registry';

function loadSuites(): BenchSuite[] {
  const bundled = bundledModules('bench');
  if (bundled) return bundled.map((m) => (m as { suite?: BenchSuite }).suite).filter((s): s is BenchSuite => !!s);
  const dir = join(__dirname, '..', '..', 'bench');
  const out: BenchSuite[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('-bench.ts')) continue;
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(join(dir, f)) as { suite?: BenchSuite };
    if (mod.suite) out.push(mod.suite);
  }
  return out;
}

export const command: CommandSpec = {
  name: 'bench',
  summary: 'run the benchmarks (simulator throughput, DiT train/sample speed vs PyTorch on the same CPU or GPU)',
  order: 80,
  options: [
    { name: 'only', type: 'list', help: 'run only these suites (comma-separated names); long suites (e2e) run only when named' },
    { name: 'quick', type: 'boolean', help: 'fewer iterations (a rough figure in seconds)', default: false },
    { name: 'backend', type: 'string', choices: BACKEND_CHOICES, help: 'TF.js backend (default: PHYLAB_BACKEND, else auto); an explicit one never falls back' },
    { name: 'profile', type: 'string', choices: PROFILES, help: 'dit: the presets of this profile (paper: DiT-S/B/L/XL, 512 tokens)', default: 'quick' },
    { name: 'presets', type: 'list', help: 'dit: only these model presets (default: all of --profile)' },
    { name: 'batch', type: 'integer', min: 1, help: 'dit: batch size', default: 32 },
    { name: 'iters', type: 'integer', min: 1, help: 'dit: timed runs per figure (default 5, --quick 2)' },
    { name: 'out', type: 'string', help: 'also write the results as JSON to this file' },
    { name: 'name', type: 'string', help: 'e2e: trial name; its record (recipe, commit, CPU-time curve) goes to <trial-dir>/<name>.json after each evaluation' },
    { name: 'trial-dir', type: 'string', help: 'e2e: folder of the trial records', default: 'trials' },
    { name: 'eval-every', type: 'integer', min: 1, help: 'e2e: evaluate every this many steps (default 1000; 500 with --quick)' },
    { name: 'max-cpu-min', type: 'number', min: 0, help: 'e2e: stop after the first evaluation past this many CPU minutes' },
    { name: 'vae-cache', type: 'string', help: 'e2e: keep the trained frame VAE in this folder and reuse it (its recorded time is added to the curve)' },
    { name: 'also-ema', type: 'list', help: 'e2e: also track these EMA decays beside the recipe\'s (0 = the raw training weights; the recipe\'s warm-up rule) and score each at every evaluation; their sampling time is left out of the curve' },
    { name: 'also-guidance', type: 'list', help: 'e2e: also score these classifier-free guidance weights at every evaluation (e.g. 1,2,4; needs --train.condDropout > 0); their sampling time is left out of the curve' },
  ],
  acceptsOverrides: true,
  description: 'The e2e suite takes recipe overrides: --train.<key>=<value>, --diffusion.<key>=<value> and --model.<hidden|depth|heads|mlpRatio|patch>=<value> (e.g. --train.lr=2e-3 --train.lrSchedule=cosine --train.steps=20000 --train.timestepSampling=logit-normal --train.lossWeighting=min-snr --model.depth=8 --model.patch=1,1,1 --train.condDropout=0.1 --diffusion.guidance=2; the model defaults to q64 with id-ood’s 1×2×2 latent patch); train.steps is its step cap and the end of a decaying schedule. Other suites take none.',
  examples: [
    'phylab bench --only=dit',
    'phylab bench --only=dit --backend webgpu --profile paper --iters 3 --out bench-dit.json',
    'phylab bench --only=e2e --name=cosine-2e-3 --train.lr=2e-3 --train.lrSchedule=cosine --vae-cache=trials/vae',
  ],
  async run(args) {
    const suites = loadSuites();
    const only = args.options.only as string[] | undefined;
    if (only) {
      const unknown = only.filter((n) => !suites.some((s) => s.name === n));
      if (unknown.length) throw new UsageError(`--only: unknown suite ${unknown.join(', ')}; allowed: ${suites.map((s) => s.name).join(', ')}`);
    }
    const stray = Object.keys(args.overrides).filter((k) => !k.includes('.'));
    if (stray.length) throw new UsageError(`unknown option ${stray.map((k) => `--${k}`).join(', ')} for 'phylab bench'; allowed: ${command.options.map((o) => `--${o.name}`).join(', ')}, or e2e recipe keys like --train.lr=2e-3`);
    const picked = suites.filter((s) => (only ? only.includes(s.name) : !s.optIn));
    const hasOverrides = Object.keys(args.overrides).length > 0;
    if (hasOverrides && picked.some((s) => s.name !== 'e2e')) {
      throw new UsageError(`config overrides (${Object.keys(args.overrides).map((k) => `--${k}`).join(', ')}) apply to the e2e suite only; run them with --only=e2e`);
    }
    const o = args.options;
    const results: Record<string, unknown> = {};
    for (const s of picked) {
      process.stdout.write(`\n== ${s.name}: ${s.description}\n`);
      results[s.name] = await s.run({
        quick: !!o.quick,
        backend: o.backend as string | undefined,
        profile: o.profile as BenchOptions['profile'],
        presets: o.presets as string[] | undefined,
        batch: o.batch as number | undefined,
        iters: o.iters as number | undefined,
        overrides: args.overrides,
        name: o.name as string | undefined,
        trialDir: o['trial-dir'] as string | undefined,
        evalEvery: o['eval-every'] as number | undefined,
        maxCpuMin: o['max-cpu-min'] as number | undefined,
        vaeCache: o['vae-cache'] as string | undefined,
        alsoEma: o['also-ema'] === undefined ? undefined : (o['also-ema'] as string[]).map((d) => {
          const v = Number(d);
          if (d.trim() === '' || !(v >= 0 && v < 1)) throw new UsageError(`--also-ema: each decay must be a number in [0, 1), got '${d}'`);
          return v;
        }),
        alsoGuidance: o['also-guidance'] === undefined ? undefined : (o['also-guidance'] as string[]).map((w) => {
          const v = Number(w);
          if (!(v >= GUIDANCE_RANGE[0] && v <= GUIDANCE_RANGE[1])) throw new UsageError(`--also-guidance: each weight must be a number in [${GUIDANCE_RANGE.join(', ')}], got '${w}'`);
          return v;
        }),
      });
    }
    if (args.options.out) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(String(args.options.out), JSON.stringify(results, null, 2) + '\n');
    }
  },
};
