/**
 * The layering of lib/: which folder may import which (lib/README.md explains it). A folder may
 * import itself and the folders listed for it, never one above it; the test beside this file fails
 * on any import (type-only ones included) that is not allowed, and on a cycle in this table.
 *
 * A file belongs to the longest folder named here that contains it (`sim/phyre` before `sim`).
 * A new experiment folder `experiments/<name>/` gets EXPERIMENT_FOLDER's rule without an entry.
 */
/** Experiment folders added after the first layering: the registry and the entry points may import them. */
const NEW_EXPERIMENTS = ['experiments/attribute-priority', 'experiments/template-coverage', 'experiments/collision-holes', 'experiments/models'];

export const LAYERS: Record<string, string[]> = {
  // foundations
  config: [],
  rng: ['config'],
  engine: ['config'],
  runtime: ['config', 'engine'],
  // the simulator and what draws it
  sim: ['config', 'rng'],
  render: ['config', 'sim'],
  'sim/phyre': ['config', 'rng', 'runtime', 'sim', 'render'],
  plot: ['config', 'runtime'],
  // data, metrics, model
  data: ['config', 'rng', 'runtime', 'sim', 'render'],
  metrics: ['config', 'rng', 'runtime', 'sim', 'sim/phyre', 'render', 'plot', 'data'],
  diffusion: ['config', 'rng'],
  model: ['config', 'rng', 'engine', 'runtime'],
  // training, then sampling from trained models
  train: ['config', 'rng', 'engine', 'runtime', 'data', 'diffusion', 'model'],
  sample: ['config', 'rng', 'runtime', 'render', 'diffusion', 'model', 'train'],
  notebook: ['config', 'runtime', 'sim', 'sim/phyre', 'render', 'metrics', 'plot'],
  // experiments: the runner, the DiT units they share, one folder per experiment, then the registry
  'experiments/core': ['config', 'runtime', 'plot'],
  'experiments/dit': ['config', 'rng', 'runtime', 'sim', 'render', 'data', 'metrics', 'diffusion', 'model', 'train', 'sample', 'experiments/core'],
  'experiments/id-ood': ['config', 'rng', 'runtime', 'sim', 'render', 'plot', 'data', 'metrics', 'diffusion', 'model', 'train', 'sample', 'experiments/core', 'experiments/dit'],
  'experiments/case-matching': ['config', 'rng', 'runtime', 'sim', 'render', 'plot', 'data', 'metrics', 'diffusion', 'model', 'train', 'sample', 'experiments/core', 'experiments/dit'],
  'experiments/attribute-priority': ['config', 'rng', 'runtime', 'sim', 'render', 'plot', 'data', 'metrics', 'diffusion', 'model', 'train', 'sample', 'experiments/core', 'experiments/dit'],
  'experiments/template-coverage': ['config', 'rng', 'runtime', 'sim', 'sim/phyre', 'render', 'plot', 'data', 'metrics', 'diffusion', 'model', 'train', 'sample', 'experiments/core', 'experiments/dit'],
  'experiments/collision-holes': ['config', 'rng', 'runtime', 'sim', 'render', 'plot', 'data', 'metrics', 'diffusion', 'model', 'train', 'sample', 'experiments/core', 'experiments/dit', 'experiments/id-ood', 'experiments/case-matching'],
  // lib/experiments/*.ts: the registry (all.ts) and what still sits at the top (see lib/README.md)
  'experiments/models': ['config', 'rng', 'runtime', 'sim', 'render', 'plot', 'data', 'metrics', 'diffusion', 'model', 'train', 'sample', 'experiments/core', 'experiments/dit', 'experiments/id-ood', 'experiments/case-matching'],
  experiments: ['config', 'rng', 'runtime', 'sim', 'render', 'plot', 'data', 'metrics', 'diffusion', 'model', 'train', 'sample', 'experiments/core', 'experiments/dit', 'experiments/id-ood', 'experiments/case-matching', ...NEW_EXPERIMENTS],
  // entry points
  bench: ['config', 'rng', 'engine', 'runtime', 'sim', 'sim/phyre', 'render', 'plot', 'data', 'metrics', 'diffusion', 'model', 'train', 'sample', 'experiments/core', 'experiments/dit', 'experiments/id-ood', 'experiments/case-matching', ...NEW_EXPERIMENTS, 'experiments'],
  cluster: ['config', 'runtime', 'experiments/core'],
  cli: ['config', 'rng', 'engine', 'runtime', 'sim', 'sim/phyre', 'render', 'plot', 'data', 'metrics', 'diffusion', 'model', 'train', 'sample', 'notebook', 'experiments/core', 'experiments/dit', 'experiments/id-ood', 'experiments/case-matching', ...NEW_EXPERIMENTS, 'experiments', 'bench', 'cluster'],
};

/** The rule of an experiment folder not named in LAYERS (e.g. experiments/template-coverage): anything below the registry. */
export const EXPERIMENT_FOLDER: string[] = [...LAYERS['experiments'].filter((f) => !f.startsWith('experiments/')), 'experiments/core', 'experiments/dit', 'experiments/id-ood', 'experiments/case-matching'];

/** The group of a path relative to lib/ (e.g. 'experiments/id-ood/report.ts' → 'experiments/id-ood'). */
export function groupOf(rel: string): string {
  const parts = rel.split('/');
  const dirs = parts.slice(0, -1);
  for (let n = dirs.length; n > 1; n--) {
    const g = dirs.slice(0, n).join('/');
    if (LAYERS[g] !== undefined) return g;
  }
  if (dirs[0] === 'experiments' && dirs.length >= 2) return `experiments/${dirs[1]}`;
  return dirs[0] ?? '';
}

export function allowedFor(group: string): string[] | undefined {
  if (LAYERS[group] !== undefined) return LAYERS[group];
  if (group.startsWith('experiments/')) return EXPERIMENT_FOLDER;
  return undefined;
}
