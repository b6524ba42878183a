/**
 * `phylab main` (`npm start`): the main job. Registers the Jupyter kernel and checks the machine,
 * then runs every reproduction experiment on the given profile (default `quick`, CPU), reusing
 * cached units and computing only what is missing, with progress and ETA. Interrupt at any time:
 * the next run resumes.
 */
import { CommandSpec, UsageError } from '../args';
import { parseProfile } from '../../config/profile';
import { experimentNames, getExperiment } from '../../experiments/core/registry';
import '../../experiments/all';
import { loadSummary, runExperiment } from '../../experiments/core/runner';
import { estimateSeconds, secondsPerCost, TimedUnit } from '../../experiments/core/estimate';
import { experimentStatus } from '../../cluster/unit-status';
import type { Profile } from '../../config/profile';
import { initBackend } from '../../runtime/backend';
import { checkChromium, checkNode, formatChecks, registerKernel } from '../doctor';
import { formatDuration } from '../../runtime/progress';

/** The experiments of the main job, in order. */
export const MAIN_EXPERIMENTS = ['id-ood', 'direction-flip', 'velocity-gap', 'collision-holes', 'template-coverage', 'attribute-priority'];

export const command: CommandSpec = {
  name: 'main',
  summary: 'npm start: register the kernel, then run the reproduction experiments (cached, resumable)',
  order: 2,
  options: [
    { name: 'profile', type: 'string', help: 'scale of the run', choices: ['smoke', 'quick', 'paper'], default: 'quick' },
    { name: 'budget-min', type: 'number', help: 'stop starting new units after this many minutes (rerun resumes; 0: run none, only summarize the cached units)', min: 0 },
    { name: 'setup', type: 'boolean', help: 'register the Jupyter kernel and check the machine first', default: true },
    { name: 'only', type: 'list', help: `experiments to run (default: ${MAIN_EXPERIMENTS.join(', ')})` },
  ],
  examples: ['npm start', 'npx phylab main --budget-min=60', 'npx phylab main --profile smoke'],
  async run(args) {
    const profile = parseProfile(String(args.options.profile), '--profile');
    if (args.options.setup) {
      process.stdout.write(`phylab setup:\n${formatChecks([checkNode(), registerKernel(), checkChromium()])}\n`);
    }
    await initBackend();
    const names = (args.options.only as string[] | undefined) ?? MAIN_EXPERIMENTS;
    for (const name of names) if (!getExperiment(name)) throw new UsageError(`--only: unknown experiment '${name}'; allowed: ${experimentNames().join(', ')}`);
    const budget = args.options['budget-min'] as number | undefined;
    process.stdout.write(await planText(names, profile, budget));
    const t0 = Date.now();
    for (const name of names) {
      const exp = getExperiment(name)!;
      const left = budget !== undefined ? budget * 60 - (Date.now() - t0) / 1000 : undefined;
      process.stdout.write(`\n== ${name}: ${exp.description} (profile ${profile})\n`);
      const res = await runExperiment(exp, exp.defaultConfig(profile), { profile, budgetS: left !== undefined ? Math.max(0, left) : undefined });
      const done = res.units.filter((u) => u.done).length;
      process.stdout.write(`${name}: ${done}/${res.units.length} units done${res.complete ? '' : ' (incomplete: run again to resume)'}; summary ${res.outDir}/summary.json${res.summaryWritten ? '' : ' (left as it is: see the line above)'}\n`);
    }
    process.stdout.write(`\nmain job finished in ${formatDuration((Date.now() - t0) / 1000)}. Open the notebooks: jupyter lab (kernel "phylab (TypeScript)"), folder notebooks/.\n`);
    return 0;
  },
};

/**
 * What the main job will compute, said before it starts: per experiment the units done (cached or
 * shipped) and to run, with a time estimate from the seconds recorded for finished units of the
 * same kind (this cache's and the shipped run.json's).
 */
export async function planText(names: string[], profile: Profile, budgetMin: number | undefined): Promise<string> {
  const lines = [`main job (profile ${profile}): what is done and what will be computed`];
  let total = 0;
  let unknown = 0;
  const width = Math.max(16, ...names.map((n) => n.length));
  for (const name of names) {
    const exp = getExperiment(name)!;
    const config = exp.defaultConfig(profile);
    // which units are done: the runner's own rule, as `phylab exp --status` reports it
    const status = await experimentStatus(exp, config, { profile });
    const done = new Set(status.units.filter((u) => u.state === 'done').map((u) => u.id));
    const plan = exp.plan(config, status.seeds);
    const todo = plan.filter((u) => !done.has(u.id));
    const recorded = ((loadSummary(name, profile)?.run.units ?? []) as TimedUnit[]).filter((u) => typeof u?.id === 'string');
    const est = estimateSeconds(todo, secondsPerCost(plan, [...status.units, ...recorded]));
    total += est.seconds ?? 0;
    unknown += est.unknown.length;
    const shipped = status.units.filter((u) => u.source === 'shipped').length;
    const what =
      todo.length === 0
        ? 'nothing to compute'
        : `${todo.length} to run, ≈ ${est.seconds !== null ? formatDuration(est.seconds) : '?'}${est.unknown.length ? ` (+${est.unknown.length} units with no recorded time)` : ''}`;
    lines.push(`  ${name.padEnd(width)} ${plan.length} units: ${plan.length - todo.length} done${shipped ? ` (${shipped} shipped)` : ''}; ${what}`);
  }
  if (total > 0 || unknown > 0) {
    lines.push(`  in all ≈ ${formatDuration(total)} of compute${unknown ? ' plus units with no recorded time' : ''} (estimates from recorded unit times on a 2-vCPU machine with the native addon)`);
    lines.push(budgetMin === 0 ? '  --budget-min=0: nothing is computed now; only the summaries are collected' : budgetMin !== undefined ? `  --budget-min=${budgetMin}: no new unit starts after ${budgetMin} min; rerun to resume` : '  interrupt any time (Ctrl-C): a rerun resumes; --budget-min=N stops starting new units after N min');
  } else lines.push('  everything is done: the summaries are collected from the cached and shipped results');
  return lines.join('\n') + '\n\n';
}
