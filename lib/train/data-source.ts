/**
 * Where `phylab train` / `phylab sample` get clips: the simulator datasets of lib/data (default)
 * or the synthetic moving square (video-source.ts). Both end up as a VideoSource.
 */
import { ConfigError, Profile } from '../config/profile';
import { DatasetConfig, Split, defaultDatasetConfig, loadOrGenerateDataset } from '../data';
import { SyntheticSquareConfig, SyntheticSquareSource, VideoSource, defaultSyntheticSquareConfig } from './video-source';

export type DataKind = 'dataset' | 'synthetic';
export type Scenario = DatasetConfig['scenario'];
export const SCENARIOS: ReadonlyArray<Scenario> = ['uniform', 'collision', 'parabola'];

export interface DataSourceConfig {
  /** 'dataset' (lib/data simulator videos) or 'synthetic' (moving square, no simulator). Default 'dataset'. */
  kind: DataKind;
  /** Seed of the data (independent of the training seed). Default 0. */
  seed: number;
  /** Simulator dataset settings (kind 'dataset'); the split is set by the command. */
  dataset: DatasetConfig;
  /** Synthetic settings (kind 'synthetic'). */
  synthetic: SyntheticSquareConfig;
}

export function defaultDataSourceConfig(profile: Profile, scenario: Scenario = 'uniform'): DataSourceConfig {
  const dataset = defaultDatasetConfig(profile, scenario, 'train');
  return {
    kind: 'dataset',
    seed: 0,
    dataset,
    synthetic: { ...defaultSyntheticSquareConfig(), frames: dataset.frames, size: dataset.size, count: dataset.count },
  };
}

/** [T, H, W, 3] of the clips this config produces. */
export function dataFrameShape(cfg: DataSourceConfig): [number, number, number, number] {
  if (cfg.kind === 'dataset') return [cfg.dataset.frames, cfg.dataset.size, cfg.dataset.size, 3];
  if (cfg.kind === 'synthetic') return [cfg.synthetic.frames, cfg.synthetic.size, cfg.synthetic.size, 3];
  throw new ConfigError(`data.kind: unknown '${String(cfg.kind)}'; allowed: dataset, synthetic`);
}

export interface OpenedSource {
  source: VideoSource;
  close(): void;
}

/**
 * Opens the clips: the 'train' split as configured, or an evaluation split ('id' / 'ood') of the
 * same settings with `count` clips. Datasets are generated on first use and cached by lib/data.
 */
export async function openVideoSource(cfg: DataSourceConfig, opts: { split?: Split; count?: number; progress?: boolean } = {}): Promise<OpenedSource> {
  const split = opts.split ?? 'train';
  if (cfg.kind === 'synthetic') {
    const seed = split === 'train' ? cfg.seed : cfg.seed + (split === 'id' ? 1_000_003 : 2_000_003);
    const syn = { ...cfg.synthetic, count: opts.count ?? cfg.synthetic.count };
    return { source: new SyntheticSquareSource(syn, seed), close: () => undefined };
  }
  if (cfg.kind !== 'dataset') throw new ConfigError(`data.kind: unknown '${String(cfg.kind)}'; allowed: dataset, synthetic`);
  const dcfg: DatasetConfig = { ...cfg.dataset, split, count: opts.count ?? cfg.dataset.count };
  const ds = await loadOrGenerateDataset(dcfg, cfg.seed, { progress: opts.progress ?? true });
  const source: VideoSource = {
    count: ds.count,
    frameShape: ds.frameShape,
    frames: (i: number) => ds.frames(i),
    description: `lib/data ${dcfg.scenario} ${split} (${ds.count} clips of ${ds.frameShape.join('×')}, data seed ${cfg.seed})`,
  };
  return { source, close: () => ds.close() };
}
