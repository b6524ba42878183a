/**
 * The collision probe (issue #17 item 2): can a model learn the collision law here at a clip whose
 * ground-truth floor is within 2x of the paper's? The clip is the cheapest candidate of scale.ts
 * that meets that target (`cheapestWithin(COLLISION_CANDIDATES, 2)`: 24 px, 12 frames, 0.15 s per
 * frame, 108 tokens with the quick VAE); the run is id-ood's collision cell `q64` on 4096 videos,
 * trained with the best measured recipe (lib/experiments/dit/recipe.ts) for 6000 steps, seeds 1–3:
 * a non-default id-ood run, so its results live in data/results/id-ood/runs/quick-<config hash>.
 *
 * Criterion (issue #17 item 2, stated with this file before any probe result existed): the probe
 * passes when the models' mean ID velocity error is within PROBE_WITHIN = 3x the ground-truth floor
 * of the same clips, over 3 seeds; fewer seeds: `incomplete`.
 */
import type { Row } from '../core/experiment';
import { meanCi, pmText } from '../core/intervals';
import { hashedResultsDir } from '../core/results-folder';
import { loadSummary } from '../core/summary-files';
import { BEST_RECIPE } from '../dit/recipe';
import { constantLrQuickConfig, IdOodConfig } from './config';

/** The models' ID error must be within this factor of the floor of the same clips (issue #17 item 2). */
export const PROBE_WITHIN = 3;
/** Seeds of the probe; each draws its model's initialisation (the data is id-ood's, seed `dataSeed`). */
export const PROBE_SEEDS: ReadonlyArray<number> = [1, 2, 3];
/** Training steps of each probe model (as collision-holes' quick models). */
export const PROBE_STEPS = 6000;
/** The probe's clip: 24 px, 12 frames, 15 physics steps (0.15 s) per frame. */
export const PROBE_CLIP = { size: 24, frames: 12, frameStride: 15 } as const;

/**
 * id-ood's quick config as it was when the probe ran (constantLrQuickConfig: one data seed, headline
 * seeds, no width-scaled rate), narrowed to the probe: collision only, q64 on 4096 videos, the probe
 * clip, the best recipe.
 */
export function collisionProbeConfig(): IdOodConfig {
  const c = constantLrQuickConfig();
  return {
    ...c,
    scenarios: ['collision'],
    presets: ['q64'],
    dataSizes: [4096],
    size: PROBE_CLIP.size,
    frames: PROBE_CLIP.frames,
    frameStride: { ...c.frameStride, collision: PROBE_CLIP.frameStride },
    train: { ...c.train, ...(BEST_RECIPE as Partial<IdOodConfig['train']>), steps: PROBE_STEPS },
  };
}

/** The command that computes (or resumes) the probe. */
export const PROBE_COMMAND =
  `npx phylab exp id-ood --scenarios=collision --presets=q64 --dataSizes=4096 --size=${PROBE_CLIP.size} --frames=${PROBE_CLIP.frames} ` +
  `--seeds=${PROBE_SEEDS.join(',')} --dataPerSeed=false --seedCells=headline --lrWidthRef=null --train.steps=${PROBE_STEPS} --train.lr=4e-3 --train.warmupSteps=500 --train.lrSchedule=cosine --train.minLrRatio=0.05`;

/** The probe's results folder (data/results/id-ood/runs/quick-<hash of its config and seeds>). */
export function collisionProbeDir(root?: string): string {
  return hashedResultsDir('id-ood', 'quick', collisionProbeConfig(), PROBE_SEEDS, root);
}

export interface ProbeReading {
  /** Per seed: ID velocity error of the model (u/s). */
  perSeed: Array<{ seed: number; error: number }>;
  /** Ground-truth parse floor of the same ID clips, and the frame VAE's reconstruction floor (u/s). */
  floor: number | null;
  vaeFloor: number | null;
  /** Mean ID error over seeds, its 95% half-width (n/a for one seed) and mean / floor. */
  mean: number | null;
  ci: number;
  ratio: number | null;
  verdict: 'pass' | 'fail' | 'incomplete';
}

/** The probe's reading from id-ood summary rows (rows of other cells are ignored). */
export function readCollisionProbe(rows: ReadonlyArray<Row>): ProbeReading {
  const of = (split: string) => rows.filter((r) => r.scenario === 'collision' && r.split === split && r.set === 'id');
  const perSeed = of('id')
    .filter((r) => r.model === 'q64' && r.dataSize === 4096 && typeof r.velocityError === 'number')
    .map((r) => ({ seed: r.seed as number, error: r.velocityError as number }))
    .sort((a, b) => a.seed - b.seed);
  const floor = (of('gt')[0]?.velocityError as number | undefined) ?? null;
  const vaeFloor = (of('vae')[0]?.velocityError as number | undefined) ?? null;
  if (perSeed.length === 0) return { perSeed, floor, vaeFloor, mean: null, ci: NaN, ratio: null, verdict: 'incomplete' };
  const m = meanCi(perSeed.map((p) => p.error));
  const ratio = floor ? m.mean / floor : null;
  const verdict = perSeed.length < PROBE_SEEDS.length || ratio === null ? 'incomplete' : ratio <= PROBE_WITHIN ? 'pass' : 'fail';
  return { perSeed, floor, vaeFloor, mean: m.mean, ci: m.ci, ratio, verdict };
}

/** The probe's reading from its shipped summary; null when it has not been run. */
export function loadCollisionProbe(root?: string): ProbeReading | null {
  const s = loadSummary('id-ood', 'quick', collisionProbeDir(root));
  return s ? readCollisionProbe(s.rows) : null;
}

/** A short markdown verdict: per-seed errors, mean ± CI, the floor and the ratio against the criterion. */
export function collisionProbeMarkdown(r: ProbeReading | null): string {
  if (!r || r.perSeed.length === 0) return `**Collision probe**: not run yet (\`${PROBE_COMMAND}\`).`;
  const f = (x: number | null, d = 4) => (x === null ? 'n/a' : x.toFixed(d));
  const seeds = r.perSeed.map((p) => `s${p.seed} ${p.error.toFixed(4)}`).join(', ');
  const why = r.verdict === 'incomplete'
    ? `${r.perSeed.length} of ${PROBE_SEEDS.length} seeds`
    : `mean ID error ${f(r.mean)} u/s is ${r.ratio!.toFixed(1)}x the floor; the criterion asks for ≤ ${PROBE_WITHIN}x`;
  return `**Collision probe** (${PROBE_CLIP.size} px, ${PROBE_CLIP.frames} frames, 0.15 s per frame; q64, 4096 videos, ${PROBE_STEPS} steps, best recipe): ` +
    `**${r.verdict}** (${why}). ID error per seed: ${seeds} u/s; mean ${f(r.mean)} ${pmText(r.ci, r.perSeed.length, 4)} u/s; ` +
    `ground-truth floor ${f(r.floor)} u/s, VAE-reconstruction floor ${f(r.vaeFloor)} u/s; mean over floor ${r.ratio === null ? 'n/a' : `${r.ratio.toFixed(1)}x`}.`;
}
