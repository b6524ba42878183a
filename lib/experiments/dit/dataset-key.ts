/**
 * A dataset config as it enters a unit key: resolved (lib/data/dataset-config.ts
 * resolvedDatasetConfig), so a unit's cache key holds the ranges, frame stride and timing its
 * videos are actually made with. Editing a range or a default in lib/data/ranges.ts then changes
 * exactly the keys of the units whose data uses it, and nothing else.
 */
import { DatasetConfig, resolvedDatasetConfig } from '../../data/dataset-config';
import type { Json } from '../core/experiment';
import { toJson } from '../core/unit-results';

export function datasetKey(cfg: DatasetConfig): Json {
  return toJson(resolvedDatasetConfig(cfg));
}
