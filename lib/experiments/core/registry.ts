/** The experiments `phylab exp` and the notebooks know, by name. */
import type { Experiment } from './experiment';

type Loader = () => Experiment<unknown>;

/** Lazily loaded so `phylab --help` stays fast. */
const LOADERS: Record<string, Loader> = {};

export function registerExperiment(name: string, load: Loader): void {
  LOADERS[name] = load;
}

export function experimentNames(): string[] {
  return Object.keys(LOADERS).sort();
}

export function getExperiment(name: string): Experiment<unknown> | undefined {
  const l = LOADERS[name];
  return l ? l() : undefined;
}
