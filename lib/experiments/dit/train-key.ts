/**
 * A train config as it enters a unit key: resolved (lib/train/train-config.ts resolvedTrainConfig),
 * so an optional recipe option left absent and the same option written out at its default share a
 * key, and changing a default changes exactly the keys of the runs that use it.
 */
import { resolvedTrainConfig, TrainConfig } from '../../train/train-config';
import type { Json } from '../core/experiment';
import { toJson } from '../core/unit-results';

export function trainConfigKey(cfg: TrainConfig): Json {
  return toJson(resolvedTrainConfig(cfg));
}
