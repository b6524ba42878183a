/**
 * `phylab models list | show <name> | export`: the shipped trained models (data/models/,
 * lib/sample/model-registry.ts). `export` copies an experiment's trained models out of the unit
 * cache into the registry (EMA weights, config, the shared VAE, checksums, a card whose numbers come
 * from the shipped summary); only direction-flip has an exporter so far.
 */
import { CommandSpec, UsageError } from '../args';
import { parseProfile } from '../../config/profile';
import { defaultCacheDir } from '../../experiments/core/runner';
import { exportDirectionFlipModels } from '../../experiments/models/direction-flip-models';
import { defaultModelsRoot, listModels, readModelCard, registryBytes } from '../../sample/model-registry';

const EXPORTERS = ['direction-flip'];
const MB = (n: number) => `${(n / 1e6).toFixed(2)} MB`;

export const command: CommandSpec = {
  name: 'models',
  summary: 'shipped trained models: list, show a card, export an experiment\'s models from the cache',
  order: 32,
  positionals: ['action', 'name'],
  description: [
    'list                 the shipped models (data/models/<experiment>/<profile>/<model>) and their sizes',
    'show <name>          a model\'s card (what it was trained on, steps, seed, unit, commit, its numbers, files)',
    'export               copy an experiment\'s trained models (one seed per set) from the unit cache into data/models:',
    '                     EMA weights (never the optimizer state), config, the frame VAE once (shared, by checksum),',
    '                     SHA-256 checksums and card.json with the numbers of the shipped summary. Reads the cache only.',
    'Ask a model with: phylab sample --model <name> --velocity <u/s>.',
  ].join('\n'),
  options: [
    { name: 'experiment', type: 'string', choices: EXPORTERS, help: 'export: the experiment', default: 'direction-flip' },
    { name: 'profile', type: 'string', choices: ['smoke', 'quick', 'paper'], help: 'export: its profile (the shipped summary of data/results/<experiment>/<profile>)', default: 'quick' },
    { name: 'sets', type: 'list', help: 'export: the sets to export (default: every set of the shipped run)' },
    { name: 'seed', type: 'integer', min: 0, help: 'export: the training seed of the models', default: 1 },
    { name: 'cache', type: 'string', help: 'export: unit cache root holding the checkpoints (default PHYLAB_CACHE or data/cache/units)' },
    { name: 'root', type: 'string', help: 'registry root (default PHYLAB_MODELS or data/models)' },
  ],
  examples: [
    'phylab models list',
    'phylab models show direction-flip/quick/set-1-s1',
    'PHYLAB_CACHE=/work/cache phylab models export --experiment direction-flip --profile quick --seed 1',
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
        process.stdout.write(`${n.padEnd(36)} ${c.preset} ${c.params.toLocaleString('en-US')} params, ${c.steps} steps, seed ${c.seed}, ${MB(c.sizeBytes)} with its VAE\n`);
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
      const cards = exportDirectionFlipModels({ profile, sets: o.sets as string[] | undefined, seed: o.seed as number, cacheDir: (o.cache as string | undefined) ?? defaultCacheDir(), root });
      for (const c of cards) process.stdout.write(`${c.name}: ${MB(c.sizeBytes)} with its VAE (unit ${c.unit.id} ${c.unit.hash}, commit ${c.unit.commit}); numbers ${JSON.stringify(c.numbers)}\n`);
      process.stdout.write(`registry ${root}: ${MB(registryBytes(root))} in all\n`);
      return 0;
    }
    throw new UsageError(`which action? one of: list, show <name>, export (got ${action === undefined ? 'none' : `'${action}'`})`);
  },
};
