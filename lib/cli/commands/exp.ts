/**
 * `phylab exp <name>`: run a reproduction experiment headless, with progress and an overall ETA.
 * Finished units are cached (data/cache/units), so an interrupted sweep resumes where it stopped.
 */
import { CommandSpec, UsageError } from '../args';
import { parseProfile } from '../../config/profile';
import { applyExperimentOverrides } from '../../experiments/core/optional-settings';
import { experimentNames, getExperiment } from '../../experiments/core/registry';
import '../../experiments/all';
import { runExperiment } from '../../experiments/core/runner';
import { BACKEND_CHOICES, initBackend } from '../../runtime/backend';
import { formatDuration } from '../../runtime/progress';
import { cacheOption, clusterOptions, runClusterMode } from '../exp-cluster';

export function parseSeeds(raw: unknown): number[] | undefined {
  if (raw === undefined) return undefined;
  const items = (raw as Array<string | number>).map((s) => String(s));
  const shown = items.join(',');
  if (items.length === 0) throw new UsageError('--seeds needs at least one seed');
  for (const s of items) if (!/^\d+$/.test(s)) throw new UsageError(`--seeds must be non-negative decimal integers separated by commas (e.g. 1,2,3), got '${shown}'`);
  const list = items.map(Number);
  if (new Set(list).size !== list.length) throw new UsageError(`--seeds lists a seed twice: '${shown}'`);
  return list;
}

export const command: CommandSpec = {
  name: 'exp',
  summary: 'run a reproduction experiment (cached, resumable): ' + experimentNames().join(', '),
  order: 10,
  positionals: ['name'],
  acceptsOverrides: true,
  options: [
    { name: 'profile', type: 'string', help: 'scale of the run', choices: ['smoke', 'quick', 'paper'], default: 'quick' },
    { name: 'seeds', type: 'list', help: 'seeds, comma-separated (default: the profile’s)' },
    { name: 'out', type: 'string', help: 'summary folder (default: data/results/<name>/<profile> for the default config and seeds, else data/results/<name>/runs/<profile>-<config hash>)' },
    { name: 'force', type: 'string', help: "recompute these units from scratch (trains again, no resume): unit id patterns with * wildcards, comma-separated, e.g. 'eval/*'; '*' for all; units depending on them are recomputed too" },
    { name: 'replace-summary', type: 'boolean', help: 'replace the folder\'s summary even when it covers finished units or rows this run lacks', default: false },
    { name: 'dry-run', type: 'boolean', help: 'list the units and what is cached (train units with tokens per clip, parameters, steps × batch); run nothing', default: false },
    { name: 'budget-min', type: 'number', help: 'stop starting new units after this many minutes (rerun resumes; 0: run none, only summarize the cached units)', min: 0 },
    { name: 'no-train', type: 'boolean', help: 'train nothing: run only the evaluations of models already trained (e.g. after a metric change)', default: false },
    { name: 'backend', type: 'string', help: 'TF.js backend', choices: BACKEND_CHOICES },
    { name: 'print-config', type: 'boolean', help: 'print the resolved config and exit', default: false },
    ...clusterOptions,
  ],
  examples: ['phylab exp id-ood --profile smoke', 'phylab exp id-ood --seeds 1,2,3 --train.steps=2000', 'phylab exp id-ood --seeds 1,2,3 --dataPerSeed=true --seedCells=all', 'phylab exp id-ood --dry-run', 'phylab exp direction-flip --no-train', 'phylab exp id-ood --emit slurm --gpus-per-task 1 --time 04:00:00 --cache /shared/phylab-cache', 'phylab exp id-ood --status --cache /shared/phylab-cache', 'phylab exp id-ood --unit vae/uniform'],
  async run(args) {
    const name = args.positionals[0];
    const names = experimentNames();
    if (!name) throw new UsageError(`which experiment? one of: ${names.join(', ')}`);
    const exp = getExperiment(name);
    if (!exp) throw new UsageError(`unknown experiment '${name}'; allowed: ${names.join(', ')}`);
    const profile = parseProfile(String(args.options.profile), '--profile');

    const config = applyExperimentOverrides(exp, exp.defaultConfig(profile), args.overrides);
    const seeds = parseSeeds(args.options.seeds);
    exp.validate?.(config, seeds ?? exp.defaultSeeds(profile));
    if (args.options['print-config']) {
      process.stdout.write(JSON.stringify(config, null, 2) + '\n');
      const optional = Object.entries(exp.optional ?? {}).filter(([k]) => !(k in (config as object)));
      if (optional.length) process.stdout.write(`optional settings, absent here (--key=value sets one): ${optional.map(([k, v]) => `${k} (absent means ${JSON.stringify(v)})`).join(', ')}\n`);
      return 0;
    }
    const cluster = await runClusterMode(args, { exp, config, profile, seeds: parseSeeds(args.options.seeds), outDir: args.options.out as string | undefined });
    if (cluster !== null) return cluster;
    if (!args.options['dry-run']) await initBackend({ backend: args.options.backend as string | undefined });
    const budget = args.options['budget-min'] as number | undefined;
    const res = await runExperiment(exp, config, {
      profile,
      seeds,
      force: args.options.force as string | undefined,
      replaceSummary: !!args.options['replace-summary'],
      outDir: args.options.out as string | undefined,
      cacheDir: cacheOption(args),
      dryRun: !!args.options['dry-run'],
      budgetS: budget !== undefined ? budget * 60 : undefined,
      noTrain: !!args.options['no-train'],
    });
    const done = res.units.filter((u) => u.done).length;
    const secs = res.units.reduce((s, u) => s + (u.seconds ?? 0), 0);
    process.stdout.write(`${res.name} (${profile}): ${done}/${res.units.length} units done (${formatDuration(secs)} of compute in total)${res.complete ? '' : ' — incomplete: rerun to resume'}\n`);
    if (args.options['dry-run']) for (const u of res.units) process.stdout.write(`  ${u.done ? 'cached ' : 'to run '} ${u.id}${res.descriptions[u.id] ? `  ${res.descriptions[u.id]}` : ''}\n`);
    else process.stdout.write(res.summaryWritten ? `summary: ${res.outDir}/summary.json (${res.rows.length} rows)${res.defaultFolder ? '' : ' — not the default results folder: this run\'s config or seeds differ from the default'}\n` : `summary: ${res.outDir}/summary.json — ${res.summaryNote}\n`);
    return 0;
  },
};
