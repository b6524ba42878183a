import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetConfigHash, defaultDatasetConfig, resolvedDatasetConfig } from '../../../lib/data/dataset-config';
import { ID_RANGES, OOD_BANDS } from '../../../lib/data/ranges';
import { datasetPath } from '../../../lib/data/dataset';

const ROOT = join(__dirname, '..', '..', '..');

/** The experiments whose unit keys hold their resolved datasets (template-coverage: none, its clips are not from ranges.ts). */
const COVERED = ['id-ood', 'direction-flip', 'velocity-gap', 'attribute-priority', 'collision-holes', 'template-coverage'];

/** Unit hashes of every covered experiment's quick plan, computed by a checkout whose lib/data/ranges.ts is edited by `edit` (a fresh process: ranges are read at load). */
function hashesWith(edit: (src: string) => string): Record<string, Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'phylab-ranges-'));
  try {
    cpSync(join(ROOT, 'lib'), join(dir, 'lib'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const ranges = join(dir, 'lib', 'data', 'ranges.ts');
    const before = readFileSync(ranges, 'utf8');
    const after = edit(before);
    assert.notEqual(after, before, 'the edit changed ranges.ts');
    writeFileSync(ranges, after);
    writeFileSync(join(dir, 'hashes.ts'), [
      "import './lib/experiments/all';",
      "import { getExperiment } from './lib/experiments/core/registry';",
      "import { unitHash } from './lib/experiments/core/unit-cache';",
      `const out: Record<string, Record<string, string>> = {};`,
      `for (const name of ${JSON.stringify(COVERED)}) {`,
      '  const e = getExperiment(name)!;',
      "  out[name] = Object.fromEntries(e.plan(e.defaultConfig('quick'), e.defaultSeeds('quick')).map((u) => [u.id, unitHash(u)]));",
      '}',
      'process.stdout.write(JSON.stringify(out));',
    ].join('\n'));
    const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    return JSON.parse(execFileSync(process.execPath, [tsx, join(dir, 'hashes.ts')], { cwd: dir, encoding: 'utf8', env: { ...process.env, PHYLAB_QUIET: '1' } }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Ids of the units whose hash differs between two hash tables, per experiment (experiments with none left out). */
function changed(a: Record<string, Record<string, string>>, b: Record<string, Record<string, string>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of Object.keys(a)) {
    assert.deepEqual(Object.keys(b[name]).sort(), Object.keys(a[name]).sort(), `${name}: same units`);
    const ids = Object.keys(a[name]).filter((id) => a[name][id] !== b[name][id]);
    if (ids.length) out[name] = ids.sort();
  }
  return out;
}

const all = (h: Record<string, Record<string, string>>, name: string) => Object.keys(h[name]).sort();
/** id-ood's units of one scenario (all kinds, or those whose ids start with one of `kinds`). */
const idOod = (h: Record<string, Record<string, string>>, scenario: string, kinds = ['floor', 'vae', 'train', 'eval']) => Object.keys(h['id-ood']).filter((id) => id.split('/')[1] === scenario && kinds.includes(id.split('/')[0])).sort();

describe('experiments/dit/dataset-key: unit keys hold the resolved dataset', () => {
  it('resolves every default to the value used and leaves unused fields null', () => {
    const train = resolvedDatasetConfig(defaultDatasetConfig('quick', 'uniform', 'train'));
    assert.deepEqual([train.radius, train.velocity], [ID_RANGES.uniform.radius, ID_RANGES.uniform.velocity]);
    assert.deepEqual([train.oodRadius, train.oodVelocity, train.frameStride, train.sampling, train.gridSpacing, train.minVisibleFrames, train.contactFrames], [null, null, 10, 'grid', 'linspace', 6, null]);
    const ood = resolvedDatasetConfig(defaultDatasetConfig('quick', 'collision', 'ood'));
    assert.deepEqual([ood.oodRadius, ood.oodVelocity], [OOD_BANDS.collision.radius, OOD_BANDS.collision.velocity]);
    assert.deepEqual([ood.sampling, ood.gridSpacing, ood.minVisibleFrames, ood.contactFrames], ['random', null, null, [3, 6]]);
    const classes = resolvedDatasetConfig({ ...defaultDatasetConfig('quick', 'uniform', 'train'), classes: [{ shape: 'circle', color: 'red', radius: [[0.8, 1]], velocity: [[2, 3]] }] });
    assert.deepEqual([classes.radius, classes.velocity], [null, null], 'classes carry their own bands');
  });

  it('two spellings of one dataset (defaults null or written out, stride absent or 10) share the key, and the cached file', () => {
    const implicit = defaultDatasetConfig('quick', 'uniform', 'train');
    const explicit = { ...implicit, radius: [[0.7, 1.4]] as [number, number][], velocity: [[1, 4]] as [number, number][], frameStride: 10, sampling: 'grid' as const, minVisibleFrames: 6 };
    assert.equal(datasetConfigHash(explicit), datasetConfigHash(implicit));
    assert.equal(datasetPath(explicit, 3, '/c'), datasetPath(implicit, 3, '/c'));
    assert.notEqual(datasetConfigHash({ ...implicit, frameStride: 30 }), datasetConfigHash(implicit));
    assert.notEqual(datasetPath({ ...implicit, minVisibleFrames: 5 }, 3, '/c'), datasetPath(implicit, 3, '/c'));
  });

  it('editing a range in lib/data/ranges.ts changes exactly the unit keys that use it (quick plans, fresh processes)', function () {
    this.timeout(240_000);
    const base = hashesWith((s) => s.replace('Parameter ranges of the basic scenarios', 'Parameter ranges of the basic scenarios (copy)'));
    assert.equal(Object.keys(base['id-ood']).length, 150, '3 floors, 3 VAEs, 72 models and their evaluations');
    // uniform ID radius: every unit of the uniform-motion experiments (their data, VAE and the keys built on them), id-ood's uniform units (training and ID sets); none of the collision, parabola or PHYRE ones
    const uniformR = hashesWith((s) => s.replace('uniform: { radius: [[0.7, 1.4]]', 'uniform: { radius: [[0.7, 1.3]]'));
    assert.deepEqual(changed(base, uniformR), { 'id-ood': idOod(base, 'uniform'), 'direction-flip': all(base, 'direction-flip'), 'velocity-gap': all(base, 'velocity-gap'), 'attribute-priority': all(base, 'attribute-priority') });
    // collision ID speed: collision-holes (its training data and its evaluation axis) and id-ood's collision units
    const collisionV = hashesWith((s) => s.replace("collision: { radius: [[0.5, 1.5]], velocity: [[1, 4]] }", 'collision: { radius: [[0.5, 1.5]], velocity: [[1, 4.5]] }'));
    assert.deepEqual(changed(base, collisionV), { 'id-ood': idOod(base, 'collision'), 'collision-holes': all(base, 'collision-holes') });
    // a uniform OOD band: only the units scored on id-ood's uniform OOD sets (floor, VAE reconstructions, evaluations); no model is retrained, no other experiment draws from it
    const oodV = hashesWith((s) => s.replace("uniform: { radius: { low: [0.3, 0.6], high: [1.5, 2.0] }, velocity: { low: [0, 0.8], high: [4.5, 6.0] } }", 'uniform: { radius: { low: [0.3, 0.6], high: [1.5, 2.0] }, velocity: { low: [0, 0.7], high: [4.5, 6.0] } }'));
    assert.deepEqual(changed(base, oodV), { 'id-ood': idOod(base, 'uniform', ['floor', 'vae', 'eval']) });
    // the parabola's OOD radius band: nothing but id-ood's parabola floor, VAE and evaluations
    const oodR = hashesWith((s) => s.replace("parabola: { radius: { low: [0.3, 0.6], high: [1.5, 2.0] }", 'parabola: { radius: { low: [0.3, 0.6], high: [1.6, 2.0] }'));
    assert.deepEqual(changed(base, oodR), { 'id-ood': idOod(base, 'parabola', ['floor', 'vae', 'eval']) });
  });
});
