/**
 * The best measured DiT training recipe (README, "Training recipe of the e2e cell", trial `t5`,
 * issue #17): peak lr 4e-3 after 500 warm-up steps, cosine decay to 0.05·lr at the last step,
 * batch 32, EMA 0.999, uniform timesteps, unweighted loss. On the e2e cell it reached the default
 * recipe's error in about half the steps.
 */
import type { Patch } from '../../config/profile-table';
import type { TrainConfig } from '../../train/train-config';

/** The best measured recipe as a patch of a train config (its cosine ends at the config's `steps`). */
export const BEST_RECIPE: Patch<TrainConfig> = { batchSize: 32, lr: 4e-3, warmupSteps: 500, lrSchedule: 'cosine', minLrRatio: 0.05, emaDecay: 0.999 };
