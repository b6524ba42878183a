/**
 * Experiment `direction-flip` (paper §5.2, Fig 7; paper-spec §5.3; findings.md §3): memorisation
 * shown by flips. Uniform motion trained on speeds v ∈ [2.5, 4.0]; Set-1 moves left to right only,
 * Set-2 moves both ways (each training video mirrored with probability ½). Both are conditioned
 * on unseen low speeds v ∈ [1.0, 2.5], moving right, and the signed velocity of the generated ball
 * is parsed from pixels (case-matching-units.ts). The paper's reading: Set-1 never flips and pulls
 * low speeds up toward the training range; Set-2 sometimes reverses the ball (v ≈ −2 to −3) at
 * the lowest speeds, because a mirrored fast training video is "closer" to a slow rightward one.
 *
 * Units (cached, resumable): `vae/uniform` (latent 'vae': the frame VAE, ./vae.ts),
 * `train/<set>/<preset>/s<seed>`, `eval/<set>/<preset>/s<seed>` (the test speeds) and
 * `base/<set>/<preset>/s<seed>` (the baseline: held-out videos at the training speeds 2.5–4 u/s,
 * moving right; both depend on the train unit). Order: every set for the first seed, then the next.
 * Rows (one per evaluated video): set, evalSet ('test' | 'baseline'), direction, seed, index, conditionVelocity,
 * generatedVelocity (signed; null = ball not found), truthVelocity (parser on the true video),
 * radius, steps, flipped (generatedVelocity < −flipThreshold).
 *
 * Deviations at `quick` scale: 16 px, 8-frame clips (4 velocity steps after 3 conditioning
 * frames), 4096 training videos (the paper's set size is not stated; its code builds 300K),
 * 6000 steps with the best measured recipe on frame-VAE latents (since 2026-12-05; before: pixels,
 * constant lr 1e-3); the coverage-weighted parser (floor ≈ 0.04 u/s at 16 px).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, Profile } from '../../config/profile';
import type { Band } from '../../data/bands';
import { ID_RANGES } from '../../data/ranges';
import { DEFAULT_SEEDS, ProfileTable, resolveProfile } from '../../config/profile-table';
import { CLIP_PROFILES } from '../dit/clip-settings';
import { CASE_MATCHING_PROFILES, CaseMatchingBase, caseMatchingBase, CASE_EVAL_RESULT, caseUnits, caseVae, EvalRecord, truthOverGenerated, uniformData } from './units';
import { toB64 } from '../dit/dit-units';
import type { Experiment, Json, Row, Unit } from '../core/experiment';
import { validateCaseMatchingBase } from './validate';
import { writeVaeFloor } from './vae';
import { resultKind, resultOf } from '../core/unit-results';
import { CASE_EVAL } from '../core/unit-schemas';
import { checkBands, checkInt } from '../dit/settings-checks';

/**
 * The training sets and their directions: the two of paper-spec §5.3, and `control` (issue #21): both
 * directions over `controlVelocity` (1–4 u/s), which includes the test speeds, so it should neither
 * flip nor pull low speeds up.
 */
export const FLIP_SETS: Readonly<Record<string, 'right' | 'both'>> = { 'Set-1': 'right', 'Set-2': 'both', control: 'both' };

export interface DirectionFlipConfig extends CaseMatchingBase {
  /** Training sets to run, from FLIP_SETS. Default ['Set-1', 'Set-2']. */
  sets: string[];
  /** Training speed bands of Set-1 and Set-2 (u/s). Default [[2.5, 4.0]]. */
  trainVelocity: Band[];
  /** Training speed bands of the control set (u/s, both directions). Default [[1.0, 4.0]]. */
  controlVelocity: Band[];
  /** Conditioning speed bands of the test (u/s, moving right). Default [[1.0, 2.5]]. */
  testVelocity: Band[];
  /** A generation counts as flipped when its signed velocity is below −flipThreshold (u/s). Default 0.5 (≫ the parser floor). */
  flipThreshold: number;
  /** Flipped and non-flipped generations kept per evaluation for filmstrips. Default 3 (smoke 1). */
  examples: number;
}

/** direction-flip's settings per profile, stated once over the case-matching ones (CASE_MATCHING_PROFILES). */
export const DIRECTION_FLIP_PROFILES: ProfileTable<DirectionFlipConfig> = {
  default: {
    ...CASE_MATCHING_PROFILES.default,
    sets: ['Set-1', 'Set-2', 'control'],
    trainVelocity: [[2.5, 4.0]],
    controlVelocity: ID_RANGES.uniform.velocity.map((b) => [b[0], b[1]] as Band),
    testVelocity: [[1.0, 2.5]],
    flipThreshold: 0.5,
    examples: 3,
  },
  smoke: { examples: 1 },
};

export function defaultDirectionFlipConfig(profile: Profile): DirectionFlipConfig {
  return resolveProfile(DIRECTION_FLIP_PROFILES, profile, CLIP_PROFILES, CASE_MATCHING_PROFILES);
}

function checkSets(c: DirectionFlipConfig): void {
  if (!Array.isArray(c.sets) || c.sets.length === 0) throw new ConfigError(`sets must list at least one of ${Object.keys(FLIP_SETS).join(', ')}`);
  for (const s of c.sets) if (!(s in FLIP_SETS)) throw new ConfigError(`sets: unknown set '${s}'; allowed: ${Object.keys(FLIP_SETS).join(', ')}`);
  if (!(c.flipThreshold >= 0)) throw new ConfigError(`flipThreshold must be ≥ 0 (u/s), got ${c.flipThreshold}`);
}

/** The training speed bands of a set. */
export function trainBands(c: DirectionFlipConfig, set: string): Band[] {
  return set === 'control' ? c.controlVelocity : c.trainVelocity;
}

/** (set, seed) cells in run order: every set for the first seed, then the next seed. */
function cells(c: DirectionFlipConfig, seeds: number[]): Array<{ set: string; seed: number; tag: string }> {
  return seeds.flatMap((seed) => c.sets.map((set) => ({ set, seed, tag: `${set}/${c.preset}/s${seed}` })));
}

interface FlipExample {
  kind: 'flipped' | 'kept' | 'broken';
  index: number;
  conditionVelocity: number;
  generatedVelocity: number | null;
  generated: string;
  truth: string;
}

interface FlipEval {
  videos: EvalRecord[];
  examples: FlipExample[];
}

/** direction-flip's `eval/<tag>` result, typed (the schema checks the records). */
const FLIP_EVAL = resultKind<FlipEval>(CASE_EVAL);

export const experiment: Experiment<DirectionFlipConfig> = {
  name: 'direction-flip',
  description: 'case matching: direction flips at unseen low speeds (paper §5.2, Fig 7)',
  defaultConfig: defaultDirectionFlipConfig,
  defaultSeeds: (profile) => resolveProfile(DEFAULT_SEEDS, profile),
  validate(c, seeds) {
    validateCaseMatchingBase(c, seeds);
    checkSets(c);
    checkBands('trainVelocity', c.trainVelocity);
    checkBands('controlVelocity', c.controlVelocity);
    checkBands('testVelocity', c.testVelocity);
    checkInt('examples', c.examples, 0, c.evalCount);
  },
  choices: { parser: ['alpha', 'mask'] },
  plan(c, seeds) {
    checkSets(c);
    const vae = caseVae(c, 'case-vae-v1');
    const units: Unit[] = vae ? [vae] : [];
    for (const { set, seed, tag } of cells(c, seeds)) {
      const data = uniformData(c, 'train', c.dataSize, trainBands(c, set), FLIP_SETS[set]);
      units.push(...caseUnits(c, {
        tag,
        versions: { train: 'direction-flip-train-v2', eval: 'direction-flip-eval-v4' },
        data,
        seed,
        vae,
        // the baseline: held-out videos at the Set-1/Set-2 training speeds (moving right), for every set
        baseline: { velocity: c.trainVelocity, version: 'direction-flip-base-v1' },
        evalKey: { sampleSteps: c.sampleSteps, evalCount: c.evalCount, testVelocity: c.testVelocity, condFrames: c.condFrames, parser: c.parser, flipThreshold: c.flipThreshold, examples: c.examples },
        evalVelocity: c.testVelocity,
        evaluate: (videos, gen, recs): FlipEval => {
          const pos = new Map(videos.map((v, i) => [v.index, i]));
          const example = (kind: FlipExample['kind'], r: EvalRecord): FlipExample => {
            const i = pos.get(r.index)!;
            return { kind, index: r.index, conditionVelocity: r.conditionVelocity, generatedVelocity: r.generatedVelocity, generated: toB64(gen[i]), truth: toB64(videos[i].frames) };
          };
          const isFlip = (r: EvalRecord) => r.intact && r.generatedVelocity !== null && r.generatedVelocity < -c.flipThreshold;
          // the most reversed intact flips, the slowest intact conditions that kept their direction
          // (clearly moving right first), and the broken generations with the most shrunken or grown ball
          const flipped = recs.filter(isFlip).sort((a, b) => a.generatedVelocity! - b.generatedVelocity!).slice(0, c.examples);
          const slowest = (rs: EvalRecord[]) => rs.sort((a, b) => a.conditionVelocity - b.conditionVelocity);
          const right = slowest(recs.filter((r) => r.intact && r.generatedVelocity !== null && r.generatedVelocity > c.flipThreshold));
          const rest = slowest(recs.filter((r) => r.intact && r.generatedVelocity !== null && !isFlip(r) && r.generatedVelocity <= c.flipThreshold));
          const kept = [...right, ...rest].slice(0, c.examples);
          const off = (r: EvalRecord) => Math.max(1 - (r.minRadiusRatio ?? 0), (r.maxRadiusRatio ?? 1) - 1);
          const broken = recs.filter((r) => !r.intact).sort((a, b) => off(b) - off(a)).slice(0, c.examples);
          return { videos: recs, examples: [...flipped.map((r) => example('flipped', r)), ...kept.map((r) => example('kept', r)), ...broken.map((r) => example('broken', r))] };
        },
      }));
    }
    return units;
  },
  summarize(c, seeds, results) {
    const rows: Row[] = [];
    for (const { set, seed, tag } of cells(c, seeds)) {
      const ev = resultOf(results, `eval/${tag}`, FLIP_EVAL);
      const base = resultOf(results, `base/${tag}`, CASE_EVAL_RESULT);
      const evaluated: Array<[string, EvalRecord[]]> = [];
      if (ev) evaluated.push(['test', ev.videos]);
      if (base) evaluated.push(['baseline', base.videos]);
      for (const [evalSet, videos] of evaluated) for (const r of videos) {
        rows.push({
          set,
          evalSet,
          direction: FLIP_SETS[set],
          seed,
          index: r.index,
          conditionVelocity: r.conditionVelocity,
          generatedVelocity: r.generatedVelocity,
          truthVelocity: r.truthVelocity,
          radius: r.radius,
          steps: r.steps,
          minRadiusRatio: r.minRadiusRatio,
          maxRadiusRatio: r.maxRadiusRatio,
          intact: r.intact,
          flipped: r.intact && r.generatedVelocity !== null && r.generatedVelocity < -c.flipThreshold,
        });
      }
    }
    return rows;
  },
  exportArtifacts(c, seeds, results, outDir) {
    writeVaeFloor(results, outDir);
    // Filmstrips (truth above, generation below) of the kept examples, with examples/index.json.
    const dir = join(outDir, 'examples');
    rmSync(dir, { recursive: true, force: true });
    const index: Array<Record<string, string | number | null>> = [];
    for (const { set, seed, tag } of cells(c, seeds)) {
      const ev = resultOf(results, `eval/${tag}`, FLIP_EVAL);
      if (!ev) continue;
      mkdirSync(dir, { recursive: true });
      const count: Record<string, number> = { flipped: 0, kept: 0, broken: 0 };
      for (const ex of ev.examples) {
        const file = `${set}-s${seed}-${ex.kind}-${count[ex.kind]++}.png`;
        writeFileSync(join(dir, file), truthOverGenerated(Buffer.from(ex.truth, 'base64'), Buffer.from(ex.generated, 'base64'), c.frames, c.size));
        index.push({ file, set, seed, kind: ex.kind, index: ex.index, conditionVelocity: ex.conditionVelocity, generatedVelocity: ex.generatedVelocity });
      }
    }
    if (index.length) writeFileSync(join(dir, 'index.json'), JSON.stringify(index, null, 1) + '\n');
  },
};
