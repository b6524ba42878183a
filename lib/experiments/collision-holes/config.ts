/**
 * Settings of experiment `collision-holes` (paper §5.2, Fig 6; paper-spec §5.2): collision models
 * trained with regions of (v1, v2) left out, evaluated on a (v1, v2) grid. One default per field
 * and profile; override with `--set key=value`.
 */
import type { Profile } from '../../config/profile';
import { STRIDE } from '../../sim/constants';
import { idBand } from '../../data/ranges';
import { PROFILE_PRESETS } from '../../model/presets';
import { clipSettings, ClipSettings } from '../dit/clip-settings';
import { QUICK_FRAME_STRIDE } from '../id-ood/config';

export interface CollisionHolesConfig extends ClipSettings {
  /** Model preset (lib/model/presets.ts). quick 'q64', smoke the smoke preset, paper 'DiT-B'. */
  preset: string;
  /** Training sets to run, by name (TRAINING_SETS in sets.ts): 'square' and 'half'. Default both. */
  trainingSets: string[];
  /** Training videos per set (random draws outside the set's holes). smoke 32, quick 4096, paper 200000 (the paper: a subset of 1.6M). */
  dataSize: number;
  /** Physics steps per frame: id-ood's collision stride at quick (15, QUICK_FRAME_STRIDE), else 10 (the paper's 0.1 s). */
  frameStride: number;
  /** Evaluation v1 axis: [lo, hi, points]. paper [0, 4.5, 21]; quick [0, 4.5, 10] (step 0.5, so v1 = 1 is a training column of the half set); smoke [0, 4.5, 3]. */
  evalV1: [number, number, number];
  /** Evaluation v2 axis: [lo, hi, points]: the collision ID speed range (data/ranges.ts, [1, 4]) with paper 13 points, quick 7 (step 0.5), smoke 2. */
  evalV2: [number, number, number];
  /** Evaluation radii per ball: [lo, hi, points], r1 and r2 both on it: the collision ID radius range (data/ranges.ts, [0.5, 1.5]) with paper 5 points, quick 2; smoke [1, 1, 1]. */
  evalRadius: [number, number, number];
}

export function defaultCollisionHolesConfig(profile: Profile): CollisionHolesConfig {
  const quick = profile === 'quick';
  const base = clipSettings(profile, 3);
  const v2 = idBand('collision', 'velocity'); // the collision ID ranges (data/ranges.ts)
  const r = idBand('collision', 'radius');
  return {
    ...base,
    // the best measured recipe (README "Training recipe of the e2e cell"): lr 4e-3, 500 warm-up, cosine to 0.05·lr, batch 32, EMA 0.999
    train: quick ? { ...base.train, lr: 4e-3, warmupSteps: 500, lrSchedule: 'cosine', minLrRatio: 0.05, batchSize: 32, emaDecay: 0.999 } : base.train,
    preset: quick ? 'q64' : profile === 'paper' ? 'DiT-B' : PROFILE_PRESETS.smoke[0],
    trainingSets: ['square', 'half'],
    dataSize: profile === 'smoke' ? 32 : quick ? 4096 : 200_000,
    frameStride: quick ? QUICK_FRAME_STRIDE.collision : STRIDE,
    evalV1: profile === 'paper' ? [0, 4.5, 21] : quick ? [0, 4.5, 10] : [0, 4.5, 3],
    evalV2: [v2[0], v2[1], profile === 'paper' ? 13 : quick ? 7 : 2],
    evalRadius: profile === 'paper' ? [r[0], r[1], 5] : quick ? [r[0], r[1], 2] : [1, 1, 1],
  };
}
