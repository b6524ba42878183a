/**
 * Experiment `velocity-gap` (paper §5.1, Fig 5; paper-spec §5.1; findings.md §3): interpolation
 * across a gap in the training speeds. Five uniform-motion training sets: two bands with a gap of
 * shrinking width (sets 1–3), then three and four bands (sets 4–5). Each trained model is
 * conditioned on rightward videos with speeds across and beyond the training range
 * (default v ∈ [0.5, 4.5]: the paper's [1, 4] grid plus a little extrapolation on both sides,
 * sized down) and the signed generated velocity is parsed from pixels (case-matching-units.ts).
 * The paper's reading: with wide gaps, mid-range conditions snap to the bands; with narrow gaps
 * (or more bands) the model interpolates close to the diagonal.
 *
 * Units (cached, resumable): `train/set<k>/<preset>/s<seed>` and `eval/set<k>/<preset>/s<seed>`.
 * Order: all sets for the first seed, then the next seed.
 * Rows (one per evaluated video): trainingSet (1–5, the paper's panel), bands, seed, index,
 * conditionVelocity, generatedVelocity (signed; null = ball not found), truthVelocity, radius,
 * inTraining (condition inside the set's bands), steps.
 *
 * Deviations at `quick` scale: 4096 training videos per set (paper ≈ 200K), 16 px, 8 frames,
 * 128 random conditioning videos per model (paper: a grid of 121 v × 36 r).
 */
import { ConfigError, Profile } from '../../config/profile';
import type { Band } from '../../data/bands';
import { DEFAULT_SEEDS, ProfileTable, resolveProfile } from '../../config/profile-table';
import { CLIP_PROFILES } from '../dit/clip-settings';
import { CASE_MATCHING_PROFILES, CaseMatchingBase, caseMatchingBase, CASE_EVAL_RESULT, caseUnits, caseVae, inBands, uniformData } from './units';
import { resultOf } from '../core/unit-results';
import type { Experiment, Json, Row, Unit } from '../core/experiment';
import { validateCaseMatchingBase } from './validate';
import { writeVaeFloor } from './vae';
import { checkBands } from '../dit/settings-checks';

/** Training speed bands of the five sets of paper Fig 5 (paper-spec §5.1), by panel number. */
export const VELOCITY_GAP_SETS: Readonly<Record<string, ReadonlyArray<Band>>> = {
  '1': [[1.0, 1.25], [3.75, 4.0]],
  '2': [[1.0, 1.5], [3.5, 4.0]],
  '3': [[1.0, 1.75], [3.25, 4.0]],
  '4': [[1.0, 1.25], [2.375, 2.625], [3.75, 4.0]],
  '5': [[1.0, 1.25], [1.875, 2.125], [2.875, 3.125], [3.75, 4.0]],
};

/** The training bands of set `set` ('1'–'5', as in VELOCITY_GAP_SETS); an unknown set is a ConfigError naming the allowed ones. */
export function velocityGapBands(set: string): Band[] {
  const bands = VELOCITY_GAP_SETS[set];
  if (!bands) throw new ConfigError(`velocity-gap: unknown training set '${set}'; allowed: ${Object.keys(VELOCITY_GAP_SETS).join(', ')}`);
  return bands.map((b) => [b[0], b[1]]);
}

/** '[1, 1.25] ∪ [3.75, 4]' */
export function bandsLabel(bands: ReadonlyArray<Band>): string {
  return bands.map(([lo, hi]) => `[${lo}, ${hi}]`).join(' ∪ ');
}

export interface VelocityGapConfig extends CaseMatchingBase {
  /** Training sets to run, by panel number '1'–'5' (VELOCITY_GAP_SETS). Default all five. */
  trainingSets: string[];
  /** Conditioning speed bands of the evaluation (u/s, moving right). Default [[0.5, 4.5]]. */
  evalVelocity: Band[];
}

/** velocity-gap's settings per profile, stated once over the case-matching ones (CASE_MATCHING_PROFILES). */
export const VELOCITY_GAP_PROFILES: ProfileTable<VelocityGapConfig> = {
  default: { ...CASE_MATCHING_PROFILES.default, trainingSets: ['1', '2', '3', '4', '5'], evalVelocity: [[0.5, 4.5]] },
  // the paper: about 200K videos per set
  paper: { dataSize: 200_000, evalCount: 1210 },
};

export function defaultVelocityGapConfig(profile: Profile): VelocityGapConfig {
  return resolveProfile(VELOCITY_GAP_PROFILES, profile, CLIP_PROFILES, CASE_MATCHING_PROFILES);
}

function checkSets(c: VelocityGapConfig): void {
  const allowed = Object.keys(VELOCITY_GAP_SETS);
  if (!Array.isArray(c.trainingSets) || c.trainingSets.length === 0) throw new ConfigError(`trainingSets must list at least one of ${allowed.join(', ')}`);
  for (const s of c.trainingSets) if (!allowed.includes(String(s))) throw new ConfigError(`trainingSets: unknown set '${s}'; allowed: ${allowed.join(', ')}`);
}

function cells(c: VelocityGapConfig, seeds: number[]): Array<{ set: string; seed: number; tag: string }> {
  return seeds.flatMap((seed) => c.trainingSets.map((s) => ({ set: String(s), seed, tag: `set${s}/${c.preset}/s${seed}` })));
}

export const experiment: Experiment<VelocityGapConfig> = {
  name: 'velocity-gap',
  description: 'case matching: interpolation across gaps in the training speeds (paper §5.1, Fig 5)',
  defaultConfig: defaultVelocityGapConfig,
  defaultSeeds: (profile) => resolveProfile(DEFAULT_SEEDS, profile),
  validate(c, seeds) {
    validateCaseMatchingBase(c, seeds);
    checkSets(c);
    checkBands('evalVelocity', c.evalVelocity);
  },
  choices: { parser: ['alpha', 'mask'] },
  plan(c, seeds) {
    checkSets(c);
    const vae = caseVae(c, 'case-vae-v1');
    const units: Unit[] = vae ? [vae] : [];
    for (const { set, seed, tag } of cells(c, seeds)) {
      const data = uniformData(c, 'train', c.dataSize, velocityGapBands(set), 'right');
      units.push(...caseUnits(c, {
        tag,
        versions: { train: 'velocity-gap-train-v2', eval: 'velocity-gap-eval-v3' },
        data,
        seed,
        vae,
        evalKey: { sampleSteps: c.sampleSteps, evalCount: c.evalCount, evalVelocity: c.evalVelocity, condFrames: c.condFrames, parser: c.parser },
        evalVelocity: c.evalVelocity,
        evaluate: (_videos, _gen, recs) => ({ videos: recs }),
      }));
    }
    return units;
  },
  summarize(c, seeds, results) {
    const rows: Row[] = [];
    for (const { set, seed, tag } of cells(c, seeds)) {
      const ev = resultOf(results, `eval/${tag}`, CASE_EVAL_RESULT);
      if (!ev) continue;
      const bands = VELOCITY_GAP_SETS[set];
      for (const r of ev.videos) {
        rows.push({
          trainingSet: Number(set),
          bands: bandsLabel(bands),
          seed,
          index: r.index,
          conditionVelocity: r.conditionVelocity,
          generatedVelocity: r.generatedVelocity,
          truthVelocity: r.truthVelocity,
          radius: r.radius,
          inTraining: inBands(r.conditionVelocity, bands),
          steps: r.steps,
          minRadiusRatio: r.minRadiusRatio,
          maxRadiusRatio: r.maxRadiusRatio,
          intact: r.intact,
        });
      }
    }
    return rows;
  },
  exportArtifacts(_c, _seeds, results, outDir) {
    writeVaeFloor(results, outDir);
  },
};
