/**
 * `phylab models list | show <name> | export`: the shipped trained models (data/models/,
 * lib/sample/model-registry.ts). `export` copies an experiment's trained models out of the unit
 * cache into the registry (EMA weights, config, the shared VAE, checksums, a card whose numbers come
 * from the shipped summary); direction-flip (one seed per set) and id-ood (grid cells, default
 * notebook 01's headline cell) have exporters. `--dtype float16` stores the weights at half the bytes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CommandSpec, UsageError } from '../args';
import { parseProfile } from '../../config/profile';
import { defaultCacheDir } from '../../experiments/core/runner';
import { exportDirectionFlipModels } from '../../experiments/models/direction-flip-models';
import { exportIdOodModels, IdOodCell } from '../../experiments/models/id-ood-models';
import { SCENARIOS, Scenario } from '../../sim/scenes';
import { defaultModelsRoot, listModels, MODEL_DTYPES, ModelDtype, readModelCard, registryBytes } from '../../sample/model-registry';

const EXPORTERS = ['direction-flip', 'id-ood'];

/** An id-ood cell from its unit tag `<scenario>/<preset>/n<size>/s<seed>` (UsageError naming --cells). */
export function parseCell(tag: string): IdOodCell {
  const m = /^([a-z]+)\/([A-Za-z0-9-]+)\/n([0-9]+)\/s([0-9]+)$/.exec(tag);
  if (!m || !(SCENARIOS as readonly string[]).includes(m[1])) throw new UsageError(`--cells: '${tag}' is not <scenario>/<preset>/n<size>/s<seed> with scenario one of ${SCENARIOS.join(', ')}, e.g. uniform/q128/n16384/s1`);
  return { scenario: m[1] as Scenario, preset: m[2], n: Number(m[3]), seed: Number(m[4]) };
}
const MB = (n: number) => `${(n / 1e6).toFixed(2)} MB`;

export const command: CommandSpec = {
  name: 'models',
  summary: 'shipped trained models: list, show a card, export an experiment\'s models from the cache',
  order: 32,
  positionals: ['action', 'name'],
  description: [
    'list                 the shipped models (data/models/<experiment>/<profile>/<model>) and their sizes',
    'show <name>          a model\'s card (what it was trained on, steps, seed, unit, commit, its numbers, files)',
    'export               copy an experiment\'s trained models from the unit cache into data/models (direction-flip:',
    '                     one seed per set; id-ood: --cells, default notebook 01\'s headline cell at --seed):',
    '                     EMA weights (never the optimizer state), config, the frame VAE once (shared, by checksum),',
    '                     SHA-256 checksums and card.json with the numbers of the shipped summary. Reads the cache only.',
    'Ask a model with: phylab sample --model <name> --velocity <u/s>.',
  ].join('\n'),
  options: [
    { name: 'experiment', type: 'string', choices: EXPORTERS, help: 'export: the experiment', default: 'direction-flip' },
    { name: 'profile', type: 'string', choices: ['smoke', 'quick', 'paper'], help: 'export: its profile (the shipped summary of data/results/<experiment>/<profile>)', default: 'quick' },
    { name: 'sets', type: 'list', help: 'export: the sets to export (default: every set of the shipped run)' },
    { name: 'seed', type: 'integer', min: 0, help: 'export: the training seed of the models', default: 1 },
    { name: 'cells', type: 'list', help: 'export, id-ood: grid cells <scenario>/<preset>/n<size>/s<seed> (default: uniform, the largest preset and size, --seed)' },
    { name: 'dtype', type: 'string', choices: [...MODEL_DTYPES], help: 'export: precision of the stored weights (float16: half the bytes, rounded; the VAE stays float32)', default: 'float32' },
    { name: 'cache', type: 'string', help: 'export: unit cache root holding the checkpoints (default PHYLAB_CACHE or data/cache/units)' },
    { name: 'results', type: 'string', help: 'export: folder of the shipped run whose summary and run.json the cards follow (default data/results/<experiment>/<profile>; a non-default run\'s folder, e.g. data/results/id-ood/runs/quick-8d2f31050458, id-ood\'s constant-lr grid)' },
    { name: 'root', type: 'string', help: 'registry root (default PHYLAB_MODELS or data/models)' },
  ],
  examples: [
    'phylab models list',
    'phylab models show direction-flip/quick/set-1-s1',
    'PHYLAB_CACHE=/work/cache phylab models export --experiment direction-flip --profile quick --seed 1',
    'PHYLAB_CACHE=/work/cache phylab models export --experiment id-ood --profile quick --cells uniform/q128/n16384/s1',
    'PHYLAB_CACHE=/work/cache phylab models export --experiment id-ood --results data/results/id-ood/runs/quick-8d2f31050458 --cells uniform/q128/n16384/s1',
  ],
  async run(args) {
    const [action, name] = args.positionals;
    const o = args.options;
    const root = (o.root as string | undefined) ?? defaultModelsRoot();
    if (action === 'list') {
      const names = listModels(root);
      if (names.length === 0) process.stdout.write(`no models under ${root}\n`);
      for (const n of names) {
        const c = readModelCard(n, root);
        process.stdout.write(`${n.padEnd(36)} ${c.preset} ${c.params.toLocaleString('en-US')} params, ${c.steps} steps, seed ${c.seed}, ${c.dtype}, ${MB(c.sizeBytes)} with its VAE\n`);
      }
      process.stdout.write(`registry ${root}: ${MB(registryBytes(root))} in all\n`);
      return 0;
    }
    if (action === 'show') {
      if (!name) throw new UsageError(`show: which model? one of: ${listModels(root).join(', ')}`);
      process.stdout.write(JSON.stringify(readModelCard(name, root), null, 1) + '\n');
      return 0;
    }
    if (action === 'export') {
      const exp = String(o.experiment);
      if (!EXPORTERS.includes(exp)) throw new UsageError(`--experiment: no exporter for '${exp}'; allowed: ${EXPORTERS.join(', ')}`);
      const profile = parseProfile(String(o.profile), '--profile');
      const cacheDir = (o.cache as string | undefined) ?? defaultCacheDir();
      const dtype = String(o.dtype) as ModelDtype;
      const resultsDir = o.results as string | undefined;
      if (resultsDir !== undefined && !existsSync(join(resultsDir, 'run.json'))) throw new UsageError(`--results: no run.json in '${resultsDir}' (a shipped run's folder, e.g. data/results/${exp}/${profile})`);
      if (!MODEL_DTYPES.includes(dtype)) throw new UsageError(`--dtype: allowed: ${MODEL_DTYPES.join(', ')}; got '${dtype}'`);
      if (exp === 'id-ood' && o.sets !== undefined) throw new UsageError('--sets is for direction-flip; id-ood exports grid cells (--cells)');
      if (exp === 'direction-flip' && o.cells !== undefined) throw new UsageError('--cells is for id-ood; direction-flip exports sets (--sets)');
      const cards = exp === 'id-ood'
        ? exportIdOodModels({ profile, resultsDir, cells: o.cells === undefined ? undefined : (o.cells as string[]).map(parseCell), cacheDir, root, dtype, ...(o.cells === undefined ? { seed: o.seed as number } : {}) })
        : exportDirectionFlipModels({ profile, resultsDir, sets: o.sets as string[] | undefined, seed: o.seed as number, cacheDir, root, dtype });
      for (const c of cards) process.stdout.write(`${c.name}: ${c.dtype}, ${MB(c.sizeBytes)} with its VAE (unit ${c.unit.id} ${c.unit.hash}, commit ${c.unit.commit}); numbers ${JSON.stringify(c.numbers)}\n`);
      process.stdout.write(`registry ${root}: ${MB(registryBytes(root))} in all\n`);
      return 0;
    }
    throw new UsageError(`which action? one of: list, show <name>, export (got ${action === undefined ? 'none' : `'${action}'`})`);
  },
};
