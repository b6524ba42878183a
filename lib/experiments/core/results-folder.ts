/**
 * Which folder a run's summary goes to. The default folder data/results/<experiment>/<profile>
 * holds the shipped results the notebooks show: only a run of the experiment's default config for
 * that profile, with the default seeds, writes there. Any other run (a subset such as
 * `--scenarios=uniform`, an override such as `--train.steps=100`, other seeds) goes to
 * data/results/<experiment>/runs/<profile>-<config hash>, and the runner says where.
 */
import { join, resolve } from 'node:path';
import { configHash, stableStringify } from '../../config/hash';
import { ConfigError, Profile } from '../../config/profile';
import { REPO_ROOT } from '../../runtime/provenance';
import type { Experiment } from './experiment';

/** data/results/<experiment>/<profile>: the shipped results of the default config. */
export function defaultResultsDir(name: string, profile: Profile, root = resultsRoot()): string {
  return join(root, name, profile);
}

/** data/results of the repository (where the shipped results live). */
export function resultsRoot(): string {
  return join(REPO_ROOT, 'data', 'results');
}

/** 12 hex digits naming a run's config and seeds (the folder of a non-default run). */
export function runConfigHash(config: unknown, seeds: ReadonlyArray<number>): string {
  return configHash({ config, seeds: [...seeds] }, 12);
}

/** Dotted keys whose values differ between two plain configs (arrays compare whole), e.g. ['scenarios', 'train.steps']. */
export function configDiff(a: unknown, b: unknown, path = ''): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => configDiff(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return stableStringify(a) === stableStringify(b) ? [] : [path || '(config)'];
}

export interface ResultsFolder {
  /** Where summary.json, summary.csv, run.json, units/ and examples/ of this run go. */
  dir: string;
  /** True when `dir` is the experiment's default folder for the profile. */
  isDefault: boolean;
  /** Folders whose shipped `units/` this run may take finished units from (its own first). */
  shippedDirs: string[];
  /** What differs from the default run (dotted keys, `seeds`), empty for the default run. */
  differs: string[];
}

/** What of (config, seeds) differs from the experiment's default run for `profile`. */
export function differsFromDefault<C>(exp: Experiment<C>, config: C, seeds: ReadonlyArray<number>, profile: Profile): string[] {
  const d = configDiff(exp.defaultConfig(profile), config);
  if (stableStringify([...seeds]) !== stableStringify(exp.defaultSeeds(profile))) d.push('seeds');
  return d;
}

/**
 * The results folder of a run: `outDir` when given (refused when it is the default folder and the
 * run is not the default one), else the default folder for the default run, else
 * data/results/<experiment>/runs/<profile>-<hash>. A non-default run also reads the shipped unit
 * results of the default folder (a subset shares their unit hashes), but never writes there.
 */
export function chooseResultsFolder<C>(exp: Experiment<C>, config: C, seeds: ReadonlyArray<number>, profile: Profile, outDir?: string, root = resultsRoot()): ResultsFolder {
  const def = defaultResultsDir(exp.name, profile, root);
  const hashed = hashedResultsDir(exp.name, profile, config, seeds, root);
  const differs = differsFromDefault(exp, config, seeds, profile);
  if (outDir !== undefined) {
    const dir = resolve(outDir);
    if (dir === def && differs.length > 0) {
      throw new ConfigError(
        `--out ${outDir} is the default results folder of ${exp.name} (${profile}), which only the default config and seeds write; ` +
          `this run differs in ${differs.join(', ')}. Omit --out (it then goes to ${hashed}) or choose another folder.`,
      );
    }
    return { dir, isDefault: dir === def, shippedDirs: [dir], differs };
  }
  if (differs.length === 0) return { dir: def, isDefault: true, shippedDirs: [def], differs };
  return { dir: hashed, isDefault: false, shippedDirs: [hashed, def], differs };
}

/** data/results/<experiment>/runs/<profile>-<config hash>. */
export function hashedResultsDir(name: string, profile: Profile, config: unknown, seeds: ReadonlyArray<number>, root = resultsRoot()): string {
  return join(root, name, 'runs', `${profile}-${runConfigHash(config, seeds)}`);
}
