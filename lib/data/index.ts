/**
 * Datasets of the basic scenarios, for the video model and the experiments (re-exports only).
 *
 *   const cfg = { ...defaultDatasetConfig('quick', 'uniform', 'train'), count: 4096 };
 *   const v = makeVideo(cfg, seed, i);                 // VideoSample, pure
 *   const ds = await loadOrGenerateDataset(cfg, seed);  // cached, resumable
 *   ds.frames(i); ds.batch([3, 1, 4]); ds.range(0, 256); ds.meta; ds.states(i); ds.video(i);
 */
export type { DatasetConfig, ObjectClass, Hole, Split } from './dataset-config';
export { SPLITS, defaultDatasetConfig, validateDatasetConfig, resolvedIdRanges, resolvedOodBands, resolvedSampling } from './dataset-config';
export type { VideoSample, VideoMaker } from './make-video';
export { createVideoMaker, makeVideo, sampleStates } from './make-video';
export type { VideoParams, SamplerPlan } from './sampler';
export { samplerPlan, sampleParams, resolvedTiming } from './sampler';
export type { DatasetOptions } from './dataset';
export { Dataset, DATA_VERSION, DEFAULT_CACHE_DIR, datasetPath, loadOrGenerateDataset, openDataset, generateDatasetFile, metaColumns } from './dataset';
export type { DatasetHeader } from './format';
export { DatasetFileError } from './format';
export type { Band } from './bands';
export { bandQuantile, bandLinspace, bandsContain } from './bands';
export type { ParamName, OodLevel } from './ranges';
export { ID_RANGES, OOD_BANDS, OOD_LEVELS, PAPER_GRIDS, paramNames, trainSizes, evalSize } from './ranges';
