/**
 * A profile is stated once: each experiment's settings per profile are one table
 * (lib/config/profile-table.ts) in its own config file, every run config comes from one builder
 * (ditRunConfig → modelConfigFor), and no setting is chosen by an inline `profile === '…'`.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sourceFiles } from '../lint/source-files';
import '../../lib/experiments/all';
import { experimentNames, getExperiment } from '../../lib/experiments/core/registry';
import { configHash } from '../../lib/config/hash';
import type { Profile } from '../../lib/config/profile';
import { resolveTrainConfig } from '../../lib/cli/commands/train';
import { tokenGeometry } from '../../lib/model/dit-config';
import { describedModel, formatParams } from '../../lib/experiments/dit/train-description';
import { experiment as idOod } from '../../lib/experiments/id-ood/experiment';
import { vaeFactor } from '../../lib/model/vae';
import { PAPER_PARAM_COUNTS } from '../../lib/model/presets';
import { defaultIdOodConfig, resolvedPatch } from '../../lib/experiments/id-ood/config';

/**
 * configHash of each experiment's resolved default config. smoke and quick: the values before the
 * profile tables (shipped results rest on them: a change here may move unit keys; check them). The
 * case-matching experiments and collision-holes gained the fields `patch` (and collision-holes
 * `latent`, `vae`) when their paper profiles moved to the VAE route (512 tokens): the resolved
 * configs of smoke and quick changed, every unit key of theirs stayed the same. paper: no shipped
 * results; id-ood's changed when its paper profile moved from pixels with 1×2×2 patches (131,072 tokens)
 * to the paper's 512-token grid (an 8×-spatial 4-channel VAE, 4×2×2 patches); attribute-priority's when
 * its paper patch became 4×2×2 (2048 → 512 tokens); direction-flip's, velocity-gap's and collision-holes'
 * when they moved from pixels (97.27M parameters) to the VAE route; template-coverage's when its paper
 * patch became 4×2×2 on a 4-channel VAE (8192 → 2048 tokens). id-ood's quick changed (from d172ddcd4b1d9ac5,
 * now constantLrQuickConfig's) when the recipe grid, complete, became its default: its unit keys are the grid's,
 * computed under the same config as a non-default run.
 */
const RESOLVED: Record<string, Record<Profile, string>> = {
  'attribute-priority': { smoke: '6ccdac286f4f5323', quick: '9183dd2db9fa0a9c', paper: 'adba43f8c1f707a2' },
  'collision-holes': { smoke: '4c27900b64d9e12f', quick: '78a3c6f009bd4177', paper: '71c75b8339eb36cb' },
  'direction-flip': { smoke: 'e8120ac7cd5084fb', quick: 'a8a89f616e3ea1c1', paper: '26ec856b093fbad6' },
  'id-ood': { smoke: 'a5c30645098262a2', quick: 'bf67f35ef23a8774', paper: '9b74585e95fd5f69' },
  'template-coverage': { smoke: '08b47116ef691047', quick: '19364efdfc955c90', paper: '55c293b2dd90a152' },
  'velocity-gap': { smoke: '5fc0944544e5e18a', quick: '099ba90bc816b82d', paper: '380211455086b35a' },
};

/** Inline profile tests that are logic, not settings: a notebook always runs its smoke profile; the quick bench adds its block table. */
const LOGIC_ALLOWED = ['lib/experiments/core/notebook-run.ts', 'lib/bench/dit-bench.ts'];

describe('config: a profile is stated once', () => {
  it('every experiment resolves its profiles to the recorded configs', () => {
    assert.deepEqual(experimentNames(), Object.keys(RESOLVED));
    for (const name of experimentNames()) {
      for (const p of ['smoke', 'quick', 'paper'] as Profile[]) {
        assert.equal(configHash(getExperiment(name)!.defaultConfig(p)), RESOLVED[name][p], `${name} --profile ${p}`);
      }
    }
  });

  it('no setting in lib is chosen by an inline profile conditional', () => {
    const root = join(__dirname, '../..');
    const hits: string[] = [];
    for (const f of sourceFiles(join(root, 'lib'))) {
      const rel = relative(root, f);
      if (LOGIC_ALLOWED.includes(rel)) continue;
      readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
        if (/profile\s*[!=]==\s*'(smoke|quick|paper)'/.test(line)) hits.push(`${rel}:${i + 1}: ${line.trim()}`);
      });
    }
    assert.deepEqual(hits, [], 'state the value in a profile table (lib/config/profile-table.ts) instead');
  });

  it('`phylab train --profile paper` and the paper-profile id-ood build the paper token grid (512 tokens) through the one builder', () => {
    const train = resolveTrainConfig('paper', 'DiT-S', 'uniform', 0, {});
    const c = defaultIdOodConfig('paper');
    const unit = idOod.plan(c, [1]).find((u) => u.id === 'train/uniform/DiT-S/n30000/s1')!;
    // the id-ood unit's model: DiT-S on the paper VAE's latents (what its run builds with ditRunConfig)
    const latent = { factor: vaeFactor(c.vae.model), channels: c.vae.model.latentChannels };
    const m = describedModel({ preset: 'DiT-S', clip: c, train: c.train, model: { patch: resolvedPatch(c)! }, latent })!;
    assert.equal(tokenGeometry(train.model).tokens, 512);
    assert.deepEqual(train.model.patch, [4, 16, 16], 'pixels: the paper grid');
    assert.equal(m.tokens, 512);
    assert.ok(Math.abs(m.params / PAPER_PARAM_COUNTS['DiT-S'] - 1) < 0.01, `${m.params} params vs Tab 1`);
    assert.equal(unit.describe?.(), `512 tokens, ${formatParams(m.params)} params, ${train.train.steps} steps × batch ${train.train.batchSize}`);
    assert.equal(train.train.steps, c.train.steps);
    assert.equal(train.train.batchSize, c.train.batchSize);
  });

  it('every paper-profile train unit builds the paper token grid and Tab 1 parameters (within 1%)', () => {
    // 512 tokens at 128 px × 32 frames (template-coverage: 2048 at 256 px), each on an 8×-spatial VAE with 4×2×2 patches
    const expected: Record<string, number> = { 'id-ood': 512, 'direction-flip': 512, 'velocity-gap': 512, 'collision-holes': 512, 'attribute-priority': 512, 'template-coverage': 2048 };
    for (const name of experimentNames()) {
      const e = getExperiment(name)!;
      const c = e.defaultConfig('paper');
      const trains = e.plan(c, [1]).filter((u) => u.id.startsWith('train/'));
      assert.ok(trains.length > 0, name);
      for (const u of trains) {
        const d = u.describe?.() ?? '';
        const m = /^(\d+) tokens, ([\d.]+)M params/.exec(d);
        assert.ok(m, `${name} ${u.id}: ${d}`);
        assert.equal(Number(m[1]), expected[name], `${name} ${u.id} tokens`);
        const preset = /\/(DiT-(?:S|B|L|XL))\//.exec(u.id)?.[1] ?? (c as { preset?: string }).preset!;
        assert.ok(Math.abs((Number(m[2]) * 1e6) / PAPER_PARAM_COUNTS[preset] - 1) < 0.01, `${name} ${u.id}: ${m[2]}M vs Tab 1 ${preset}`);
      }
    }
  });
});
