/**
 * Experiment `id-ood` (paper §3, Fig 3; findings.md §1): in-distribution vs out-of-distribution
 * scaling. For each scenario, each model preset is trained on each training-set size drawn from
 * the ID ranges, then conditioned on the first frames of held-out ID videos and of each OOD level
 * (paper-spec §1.4) and scored by the velocity error of the pixel parser (paper-spec §3). The
 * parser run on the ground-truth videos gives the floor, reported beside every number.
 *
 * Units (cached, resumable): `floor/<scenario>`, `vae/<scenario>` (latent 'vae': the frame VAE
 * and its reconstruction floor, id-ood-vae.ts), `train/<scenario>/<preset>/n<size>/s<seed>` (needs
 * its scenario's VAE), `eval/…` (needs its train unit). The plan lists them in priority order (see
 * `cells`), so a sweep that is stopped early has the most informative cells.
 *
 * Deviations at `quick` scale (findings.md; settings in id-ood-config.ts): 16 px, 8-frame clips
 * 0.3 s apart (collisions 0.15 s); a small frame VAE trained on the simulator's frames instead of
 * the paper's pretrained (2+1)D VAE; 15,000 training steps, far below the paper's 100K of batch
 * 256; the pixel parser uses the coverage-weighted centroid ('alpha') by default because at 16 px
 * the paper's thresholded mask has a floor of ≈ 0.23 u/s; the paper's parser is reported alongside
 * (`velocityErrorMask`).
 */
import { DEFAULT_SEEDS, resolveProfile } from '../../config/profile-table';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../config/profile';
import { encodePng, filmstrip } from '../../render/png';
import type { Scenario } from '../../sim/scenes';
import { toB64, TRAIN_RESULTS, trainUnit, vaeTrainFields, withTrainedModel } from '../dit/dit-units';
import type { Experiment, Json, Row, Unit } from '../core/experiment';
import { dataConfig, defaultIdOodConfig, ID_OOD_OPTIONAL, IdOodConfig, presetLr, resolvedPatch, SEED_CELLS, trainDataSeed } from './config';
import { evalDataKey, evalSets, evalVideos, score, SET_SCORES } from './eval';
import { VAE_RESULT, vaeDir, vaeTrainingKey, vaeUnit } from './vae';
import { datasetKey } from '../dit/dataset-key';
import { trainConfigKey } from '../dit/train-key';
import { getPreset } from '../../model/presets';
import { resultOf, toJson } from '../core/unit-results';
import { ID_OOD_SETS } from '../core/unit-schemas';
import { validateIdOodConfig } from './validate';

export * from './config';
export * from './eval';
export { trainScenarioVae } from './vae';

/**
 * The grid's cells in priority order, so a sweep stopped early has the most informative ones.
 * seedCells 'headline' (default): for each scenario in turn, (a) the smallest model on every data
 * size and (b) the largest model at the smallest and largest size, first seed; then (c) the other
 * seeds of those headline cells, scenario by scenario; then (d) the rest of the grid with the first
 * seed. seedCells 'all': scenario by scenario, each seed in turn on the whole grid (smallest model
 * first), so a stopped sweep has whole scenarios and whole seeds.
 */
function cells(c: IdOodConfig, seeds: number[]): Array<{ scenario: Scenario; preset: string; n: number; seed: number }> {
  type Cell = { scenario: Scenario; preset: string; n: number; seed: number };
  if ((c.seedCells ?? ID_OOD_OPTIONAL.seedCells) === 'all') {
    return c.scenarios.flatMap((scenario) => seeds.flatMap((seed) => c.presets.flatMap((preset) => c.dataSizes.map((n): Cell => ({ scenario, preset, n, seed })))));
  }
  const largest = c.presets[c.presets.length - 1];
  const headSizes = [c.dataSizes[0], c.dataSizes[c.dataSizes.length - 1]];
  const tiers: Cell[][] = [[], [], []];
  const seen = new Set<string>();
  const add = (tier: number, cell: Cell) => {
    const k = `${cell.scenario}/${cell.preset}/${cell.n}/${cell.seed}`;
    if (seen.has(k)) return;
    seen.add(k);
    tiers[tier].push(cell);
  };
  for (const scenario of c.scenarios) {
    for (const n of c.dataSizes) add(0, { scenario, preset: c.presets[0], n, seed: seeds[0] });
    for (const n of headSizes) add(0, { scenario, preset: largest, n, seed: seeds[0] });
  }
  for (const scenario of c.scenarios) for (const seed of seeds.slice(1)) for (const n of headSizes) add(1, { scenario, preset: largest, n, seed });
  for (const scenario of c.scenarios) for (const p of c.presets) for (const n of c.dataSizes) add(2, { scenario, preset: p, n, seed: seeds[0] });
  return tiers.flat();
}

export const experiment: Experiment<IdOodConfig> = {
  name: 'id-ood',
  description: 'in-distribution vs out-of-distribution scaling (paper §3, Fig 3)',
  defaultConfig: defaultIdOodConfig,
  defaultSeeds: (profile) => resolveProfile(DEFAULT_SEEDS, profile),
  validate: validateIdOodConfig,
  choices: { parser: ['alpha', 'mask'], latent: ['pixel', 'vae'], seedCells: SEED_CELLS },
  optional: ID_OOD_OPTIONAL,
  plan(c, seeds) {
    if (!c.train.condFrames.includes(c.condFrames)) {
      throw new ConfigError(`train.condFrames ${JSON.stringify(c.train.condFrames)} must include condFrames (${c.condFrames}), the number of frames the evaluation conditions on`);
    }
    const units: Unit[] = [];
    for (const scenario of c.scenarios) {
      units.push({
        id: `floor/${scenario}`,
        key: { scenario, frames: c.frames, size: c.size, frameStride: c.frameStride[scenario], dataSeed: c.dataSeed, idCount: c.idCount, oodCount: c.oodCount, condFrames: c.condFrames, parser: c.parser, evalData: evalDataKey(c, scenario) },
        version: 'id-ood-floor-v3', // v3: adds errorPaper (the paper's evaluation-code parser) and nanCountDropLast
        cost: 1,
        schema: ID_OOD_SETS,
        run: async () => {
          const out: Record<string, Json> = {};
          for (const set of evalSets(scenario)) {
            const videos = evalVideos(c, scenario, set);
            out[set.name] = toJson(score(c, scenario, videos, videos.map((v) => v.frames)));
          }
          return out;
        },
      });
    }
    const vaeUnits = new Map<Scenario, Unit>();
    if (c.latent === 'vae') for (const scenario of c.scenarios) vaeUnits.set(scenario, vaeUnit(c, scenario));
    units.push(...vaeUnits.values());
    for (const cell of cells(c, seeds)) {
      const { scenario, preset, n, seed } = cell;
      const tag = `${scenario}/${preset}/n${n}/s${seed}`;
      // its condFrames: [condFrames] by default, or a mixed list that includes it; lr scaled by width with lrWidthRef
      const train = { ...c.train, lr: presetLr(c, getPreset(preset).hidden) };
      const vae = vaeUnits.get(scenario);
      const data = dataConfig(c, scenario, 'train', n);
      // the model is trained on the VAE's weights, not on its evaluation: its key names the VAE without the evaluation sets
      const trainKey = {
        scenario, preset, n, seed, dataSeed: trainDataSeed(c, seed), frames: c.frames, size: c.size, frameStride: c.frameStride[scenario], train: trainConfigKey(train),
        trainData: datasetKey(data), patch: resolvedPatch(c) ?? [...getPreset(preset).patch],
        ...(vae ? { vae: { key: vaeTrainingKey(vae.key), version: vae.version } } : {}),
      };
      units.push(trainUnit({
        id: `train/${tag}`, key: trainKey, version: 'id-ood-train-v1', preset, seed, data, dataSeed: trainDataSeed(c, seed), train,
        // with a VAE the patch is always resolved (1×2×2 on latents unless set)
        ...(vae ? vaeTrainFields(vae, c.vae.model, resolvedPatch(c)!, vaeDir) : { model: resolvedPatch(c) ? { patch: resolvedPatch(c)! } : undefined }),
      }));
      units.push({
        id: `eval/${tag}`,
        key: { train: trainKey, sampleSteps: c.sampleSteps, idCount: c.idCount, oodCount: c.oodCount, parser: c.parser, examples: c.examples, evalData: evalDataKey(c, scenario) },
        version: 'id-ood-eval-v2',
        deps: [`train/${tag}`],
        cost: c.sampleSteps * (c.idCount + c.oodCount * (evalSets(scenario).length - 1)) * 0.2,
        schema: ID_OOD_SETS,
        run: async (ctx) => {
          const out: Record<string, Json> = {};
          await withTrainedModel(ctx.depDirs[`train/${tag}`], { condFrames: c.condFrames, seed, steps: c.sampleSteps }, async (generate) => {
            for (const set of evalSets(scenario)) {
              ctx.progress.status(`sampling ${tag} ${set.name}`);
              const videos = evalVideos(c, scenario, set);
              const gen = await generate(videos);
              const s = score(c, scenario, videos, gen);
              out[set.name] = toJson({ ...s, examples: gen.slice(0, c.examples).map((g, i) => ({ index: i, generated: toB64(g), truth: toB64(videos[i].frames) })) });
            }
          });
          return out;
        },
      });
    }
    return units;
  },
  summarize(c, seeds, results) {
    const rows: Row[] = [];
    for (const scenario of c.scenarios) {
      const floor = resultOf(results, `floor/${scenario}`, SET_SCORES);
      if (floor) for (const [set, s] of Object.entries(floor)) rows.push({ scenario, model: 'gt', dataSize: null, seed: null, split: 'gt', set, velocityError: s.error, velocityErrorMask: s.errorMask, ...(s.errorPaper !== undefined ? { velocityErrorPaper: s.errorPaper } : {}), ...(s.nanCountDropLast !== undefined ? { nanCountDropLast: s.nanCountDropLast } : {}), velocityErrorAll: s.errorAll, n: s.n, nDropped: s.nDropped, nanCount: s.nanCount, trainSeconds: null });
      const vae = resultOf(results, `vae/${scenario}`, VAE_RESULT);
      if (vae) for (const [set, s] of Object.entries(vae.recon)) rows.push({ scenario, model: 'vae', dataSize: null, seed: null, split: 'vae', set, velocityError: s.error, velocityErrorMask: s.errorMask, ...(s.errorPaper !== undefined ? { velocityErrorPaper: s.errorPaper } : {}), ...(s.nanCountDropLast !== undefined ? { nanCountDropLast: s.nanCountDropLast } : {}), velocityErrorAll: s.errorAll, n: s.n, nDropped: s.nDropped, nanCount: s.nanCount, trainSeconds: null });
    }
    for (const cell of cells(c, seeds)) {
      const tag = `${cell.scenario}/${cell.preset}/n${cell.n}/s${cell.seed}`;
      const ev = resultOf(results, `eval/${tag}`, SET_SCORES);
      const tr = resultOf(results, `train/${tag}`, TRAIN_RESULTS);
      if (!ev) continue;
      for (const [set, s] of Object.entries(ev)) {
        rows.push({ scenario: cell.scenario, model: cell.preset, dataSize: cell.n, seed: cell.seed, split: set, set, velocityError: s.error, velocityErrorMask: s.errorMask, ...(s.errorPaper !== undefined ? { velocityErrorPaper: s.errorPaper } : {}), ...(s.nanCountDropLast !== undefined ? { nanCountDropLast: s.nanCountDropLast } : {}), velocityErrorAll: s.errorAll, n: s.n, nDropped: s.nDropped, nanCount: s.nanCount, trainSeconds: tr ? Math.round(tr.stepSeconds ?? tr.seconds) : null });
      }
    }
    return rows;
  },
  exportArtifacts(c, seeds, results, outDir) {
    // Filmstrips (truth above, generation below) of the first example of each set, per trained cell.
    const dir = join(outDir, 'examples');
    rmSync(dir, { recursive: true, force: true }); // rewritten from the results each time: no strip of an older run stays
    for (const cell of cells(c, seeds)) {
      if (cell.seed !== seeds[0]) continue;
      const tag = `${cell.scenario}/${cell.preset}/n${cell.n}/s${cell.seed}`;
      const ev = resultOf(results, `eval/${tag}`, SET_SCORES);
      if (!ev) continue;
      mkdirSync(dir, { recursive: true });
      for (const [set, s] of Object.entries(ev)) {
        const ex = s.examples?.[0];
        if (!ex) continue;
        const file = join(dir, `${cell.scenario}-${cell.preset}-n${cell.n}-${set}.png`);
        const truth = Buffer.from(ex.truth, 'base64');
        const gen = Buffer.from(ex.generated, 'base64');
        const a = filmstrip(truth, c.frames, c.size, c.size, { scale: 4 });
        const b = filmstrip(gen, c.frames, c.size, c.size, { scale: 4 });
        const rgb = new Uint8Array(a.rgb.length + b.rgb.length + a.width * 3 * 4).fill(160);
        rgb.set(a.rgb, 0);
        rgb.set(b.rgb, a.rgb.length + a.width * 3 * 4);
        writeFileSync(file, encodePng(rgb, a.height * 2 + 4, a.width));
      }
    }
  },
};
