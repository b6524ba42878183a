/**
 * `phylab bench` (`npm run bench`): runs every benchmark suite in lib/bench/*-bench.ts.
 * Each suite exports `suite: BenchSuite`. Speed targets live here, never in unit tests.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CommandSpec, UsageError } from '../args';
import type { BenchOptions, BenchSuite } from '../../bench/suite';
import { PROFILES } from '../../config/profile';
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
  examples: ['phylab bench --only=dit', 'phylab bench --only=dit --backend webgpu --profile paper --iters 3 --out bench-dit.json'],
  options: [
    { name: 'only', type: 'list', help: 'run only these suites (comma-separated names); long suites (e2e) run only when named' },
    { name: 'quick', type: 'boolean', help: 'fewer iterations (a rough figure in seconds)', default: false },
    { name: 'backend', type: 'string', choices: BACKEND_CHOICES, help: 'TF.js backend (default: PHYLAB_BACKEND, else auto); an explicit one never falls back' },
    { name: 'profile', type: 'string', choices: PROFILES, help: 'dit: the presets of this profile (paper: DiT-S/B/L/XL, 512 tokens)', default: 'quick' },
    { name: 'presets', type: 'list', help: 'dit: only these model presets (default: all of --profile)' },
    { name: 'batch', type: 'integer', min: 1, help: 'dit: batch size', default: 32 },
    { name: 'iters', type: 'integer', min: 1, help: 'dit: timed runs per figure (default 5, --quick 2)' },
    { name: 'out', type: 'string', help: 'also write the results as JSON to this file' },
  ],
  async run(args) {
    const suites = loadSuites();
    const only = args.options.only as string[] | undefined;
    if (only) {
      const unknown = only.filter((n) => !suites.some((s) => s.name === n));
      if (unknown.length) throw new UsageError(`--only: unknown suite ${unknown.join(', ')}; allowed: ${suites.map((s) => s.name).join(', ')}`);
    }
    const results: Record<string, unknown> = {};
    for (const s of suites) {
      if (only ? !only.includes(s.name) : s.optIn) continue;
      process.stdout.write(`\n== ${s.name}: ${s.description}\n`);
      const o = args.options;
      results[s.name] = await s.run({
        quick: !!o.quick,
        backend: o.backend as string | undefined,
        profile: o.profile as BenchOptions['profile'],
        presets: o.presets as string[] | undefined,
        batch: o.batch as number | undefined,
        iters: o.iters as number | undefined,
      });
    }
    if (args.options.out) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(String(args.options.out), JSON.stringify(results, null, 2) + '\n');
    }
  },
};
