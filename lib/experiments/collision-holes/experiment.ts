/**
 * Experiment `collision-holes` (paper §5.2, Fig 6; paper-spec §5.2; issue #21 item 4):
 * combinatorial generalisation inside the convex hull of the training data. Collision models are
 * trained with regions of (v1, v2) left out (sets.ts: the square hole [2, 3]² and the "half" set,
 * training only where v1 ≤ 1.25 or v2 ≤ 1.25) and evaluated on a (v1, v2) × radii grid (eval.ts)
 * with the post-collision velocity error. verdict.ts judges whether hole cells inside the hull
 * keep in-training errors while cells outside the hull do not.
 *
 * Units (cached, resumable): `train/<set>/<preset>/s<seed>` and `eval/<set>/<preset>/s<seed>`,
 * all sets for the first seed, then the next. The seed draws the model's initialisation and its
 * training videos (random draws outside the holes, dataset seed = the model seed); the evaluation
 * grid videos are the same for every model (placed with `dataSeed`).
 * Rows (one per evaluated grid video): trainingSet, seed, v1, v2, r1, r2, region ('train' | 'hole'
 * | 'outside'), error (null: no post-collision step in view), truthError, placementOk.
 *
 * Training recipe at quick scale: the best measured one (README "Training recipe of the e2e
 * cell"), id-ood's collision clip (16 px, 8 frames, stride 15). Deviations at quick scale: 4096
 * training videos per set (paper: a subset of 1.6M), grid 10 v1 × 7 v2 × 2 × 2 radii (paper
 * 21 × 13 × 5 × 5).
 */
import { DEFAULT_SEEDS, resolveProfile } from '../../config/profile-table';
import { PRESET_NAMES } from '../../model/presets';
import type { Experiment, Json, Row, Unit } from '../core/experiment';
import { trainUnit, vaeTrainFields, withTrainedModel } from '../dit/dit-units';
import { datasetKey } from '../dit/dataset-key';
import { trainConfigKey } from '../dit/train-key';
import type { Schema } from '../core/unit-schemas';
import { resultKind, resultOf, toJson } from '../core/unit-results';
import { checkChoice, checkClipSettings, checkInt, checkLatentPatch, checkSeeds } from '../dit/settings-checks';
import { ConfigError } from '../../config/profile';
import type { DatasetConfig } from '../../data/dataset-config';
import { CollisionHolesConfig, defaultCollisionHolesConfig } from './config';
import { collisionData, evalGrid, gridRecords, gridVideo, GridRecord } from './eval';
import { checkSets, datasetHoles, regionOf, trainingHull } from './sets';
import type { HoleRow } from './verdict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gridCaption, holeRows, holesFigure, holesReportMarkdown } from './report';
import { caseVaeUnit, vaeWeightsDir, VelocityFloor } from '../case-matching/vae';

const num = (nullable = false): Schema => ({ kind: 'number', nullable });
/** What an eval unit returns. */
export const HOLES_EVAL: Schema = {
  kind: 'object',
  fields: {
    videos: {
      kind: 'array', minItems: 1,
      items: { kind: 'object', fields: { index: { kind: 'integer', min: 0 }, v1: num(), v2: num(), r1: num(), r2: num(), error: num(true), truthError: num(true), placementOk: { kind: 'boolean' } } },
    },
  },
};
/** An eval unit's result, typed: one record per grid video (eval.ts GridRecord). */
export interface HolesEvalResult {
  videos: GridRecord[];
}
export const HOLES_EVAL_RESULT = resultKind<HolesEvalResult>(HOLES_EVAL);

/** The training videos of a set for a model seed. */
export function trainingData(c: CollisionHolesConfig, set: string): DatasetConfig {
  return { ...collisionData(c, c.dataSize), sampling: 'random', holes: datasetHoles(set) };
}

/**
 * The frame VAE of the 'vae' route (unit `vae/collision`; undefined on pixels): trained on collision
 * frames outside the holes of every configured set (no frame of a held-out speed pair), scored by the
 * post-collision velocity error of its reconstructions of the evaluation grid videos (the floor
 * beside the ground truth's).
 */
export function collisionVae(c: CollisionHolesConfig, points = evalGrid(c)): Unit | undefined {
  if (c.latent !== 'vae') return undefined;
  const data: DatasetConfig = { ...collisionData(c, c.dataSize), sampling: 'random', holes: c.trainingSets.flatMap((s) => datasetHoles(String(s))) };
  const mean = (xs: Array<number | null>): VelocityFloor => {
    const ok = xs.filter((x): x is number => x !== null);
    return { error: ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : null, n: ok.length };
  };
  return caseVaeUnit({
    id: 'vae/collision',
    key: { data: datasetKey(data), dataSeed: c.dataSeed, vae: toJson(c.vae), evalV1: c.evalV1, evalV2: c.evalV2, evalRadius: c.evalRadius, parser: c.parser },
    version: 'collision-holes-vae-v1',
    data,
    dataSeed: c.dataSeed,
    vae: c.vae,
    evalVideos: () => points.map((p, k) => gridVideo(c, p, k)),
    floor: (videos, clips) => mean(gridRecords(c, points, videos, clips).map((r) => r.error)),
  });
}

function cells(c: CollisionHolesConfig, seeds: number[]): Array<{ set: string; seed: number; tag: string }> {
  return seeds.flatMap((seed) => c.trainingSets.map((s) => ({ set: String(s), seed, tag: `${s}/${c.preset}/s${seed}` })));
}

function checkAxis(key: string, v: unknown, min: number): void {
  if (!Array.isArray(v) || v.length !== 3 || typeof v[0] !== 'number' || typeof v[1] !== 'number' || !(v[0] >= min) || !(v[1] >= v[0])) {
    throw new ConfigError(`${key} must be [lo, hi, points] with ${min} ≤ lo ≤ hi, got ${JSON.stringify(v)}`);
  }
  checkInt(`${key}[2]`, v[2], 1, 1000);
  if (v[2] === 1 && v[0] !== v[1]) throw new ConfigError(`${key}: one point needs lo = hi, got ${JSON.stringify(v)}`);
}

export const experiment: Experiment<CollisionHolesConfig> = {
  name: 'collision-holes',
  description: 'combinatorial generalisation: collisions trained with holes in (v1, v2), judged inside vs outside the convex hull (paper §5.2, Fig 6)',
  defaultConfig: defaultCollisionHolesConfig,
  defaultSeeds: (profile) => resolveProfile(DEFAULT_SEEDS, profile),
  choices: { parser: ['alpha', 'mask'], latent: ['pixel', 'vae'] },
  validate(c, seeds) {
    checkSeeds(seeds);
    checkChoice('preset', c.preset, PRESET_NAMES);
    checkSets(c.trainingSets);
    checkInt('dataSize', c.dataSize, 1);
    checkInt('frameStride', c.frameStride, 1, 1000);
    checkAxis('evalV1', c.evalV1, 0);
    checkAxis('evalV2', c.evalV2, 0);
    checkAxis('evalRadius', c.evalRadius, 0.1);
    checkClipSettings(c);
    checkChoice('latent', c.latent, ['pixel', 'vae']);
    checkLatentPatch(c);
  },
  plan(c, seeds) {
    checkSets(c.trainingSets);
    const units: Unit[] = [];
    const points = evalGrid(c);
    const vae = collisionVae(c, points);
    if (vae) units.push(vae);
    for (const { set, seed, tag } of cells(c, seeds)) {
      const data = trainingData(c, set);
      const train = { ...c.train, condFrames: [c.condFrames] };
      const pixelKey: { [k: string]: Json } = { preset: c.preset, seed, dataSeed: seed, data: datasetKey(data), train: trainConfigKey(train) };
      // the pixel route's key is the shipped results' key; the VAE route adds the patch and the VAE unit's identity
      const key: Json = vae ? { ...pixelKey, patch: c.patch, vae: { key: vae.key, version: vae.version } } : pixelKey;
      const tu = trainUnit({
        id: `train/${tag}`, key, version: 'collision-holes-train-v1', preset: c.preset, seed, data, dataSeed: seed, train,
        ...(vae ? vaeTrainFields(vae, c.vae.model, c.patch, vaeWeightsDir) : {}),
      });
      units.push(tu, {
        id: `eval/${tag}`,
        key: { train: key, dataSeed: c.dataSeed, sampleSteps: c.sampleSteps, condFrames: c.condFrames, parser: c.parser, evalV1: c.evalV1, evalV2: c.evalV2, evalRadius: c.evalRadius, frameStride: c.frameStride },
        version: 'collision-holes-eval-v1',
        deps: [tu.id],
        cost: c.sampleSteps * points.length * 0.2,
        schema: HOLES_EVAL,
        run: async (ctx) => {
          ctx.progress.status(`sampling ${tag} (${points.length} grid videos)`);
          const videos = points.map((p, k) => gridVideo(c, p, k));
          const gen = await withTrainedModel(ctx.depDirs[tu.id], { condFrames: c.condFrames, seed, steps: c.sampleSteps }, (g) => g(videos));
          return toJson<HolesEvalResult>({ videos: gridRecords(c, points, videos, gen) });
        },
      });
    }
    return units;
  },
  summarize(c, seeds, results) {
    const rows: Row[] = [];
    for (const { set, seed, tag } of cells(c, seeds)) {
      const ev = resultOf(results, `eval/${tag}`, HOLES_EVAL_RESULT);
      if (!ev) continue;
      const hull = trainingHull(set);
      for (const r of ev.videos) {
        const row: HoleRow & { placementOk: boolean } = {
          trainingSet: set, seed, v1: r.v1, v2: r.v2, r1: r.r1, r2: r.r2, region: regionOf(set, hull, r.v1, r.v2), error: r.error, truthError: r.truthError, placementOk: r.placementOk,
        };
        rows.push({ ...row });
      }
    }
    return rows;
  },
  /** Writes `report.md` (verdict, hull, error maps) and `fig6.plotly.json` (heat maps with the hull) next to the summary. */
  exportArtifacts(c, seeds, results, outDir) {
    const rows = holeRows(experiment.summarize(c, seeds, results));
    if (rows.length === 0) return;
    writeFileSync(join(outDir, 'report.md'), `# collision-holes\n\nGrid: ${gridCaption(c)}; preset ${c.preset}, ${c.dataSize} training videos per set.\n\n${holesReportMarkdown(rows)}\n`);
    writeFileSync(join(outDir, 'fig6.plotly.json'), JSON.stringify(holesFigure(rows)));
  },
};
