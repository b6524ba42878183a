/**
 * `phylab main` (`npm start`): the main job. Registers the Jupyter kernel and checks the machine,
 * then runs every reproduction experiment on the given profile (default `quick`, CPU), reusing
 * cached units and computing only what is missing, with progress and ETA. Interrupt at any time:
 * the next run resumes.
 */
import { CommandSpec } from '../args';
import { parseProfile } from '../../config/profile';
import { experimentNames, getExperiment } from '../../experiments/registry';
import '../../experiments/all';
import { runExperiment } from '../../experiments/runner';
import { initBackend } from '../../runtime/backend';
import { checkChromium, checkNode, formatChecks, registerKernel } from '../../runtime/doctor';
import { formatDuration } from '../progress';

/** The experiments of the main job, in order. */
export const MAIN_EXPERIMENTS = ['id-ood', 'direction-flip', 'velocity-gap'];

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
    const budget = args.options['budget-min'] as number | undefined;
    const t0 = Date.now();
    for (const name of names) {
      const exp = getExperiment(name);
      if (!exp) throw new Error(`unknown experiment '${name}'; known: ${experimentNames().join(', ')}`);
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
