/**
 * `phylab bench` (`npm run bench`): runs every benchmark suite in lib/bench/*-bench.ts.
 * Each suite exports `suite: BenchSuite`. Speed targets live here, never in unit tests.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CommandSpec, UsageError } from '../args';
import type { BenchSuite } from '../../bench/suite';

function loadSuites(): BenchSuite[] {
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
  summary: 'run the benchmarks (simulator throughput, DiT train/sample speed vs PyTorch CPU)',
  order: 80,
  options: [
    { name: 'only', type: 'list', help: 'run only these suites (comma-separated names); long suites (e2e) run only when named' },
    { name: 'quick', type: 'boolean', help: 'fewer iterations (a rough figure in seconds)', default: false },
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
      results[s.name] = await s.run({ quick: !!args.options.quick });
    }
    if (args.options.out) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(String(args.options.out), JSON.stringify(results, null, 2) + '\n');
    }
  },
};
