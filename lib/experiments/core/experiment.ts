/**
 * What an experiment is: a module with `defaultConfig(profile)` and a plan of cacheable *units*
 * (one trained model, one evaluation…). The runner (runner.ts) executes the plan, skipping units
 * whose result is cached, and the experiment turns unit results into summary rows.
 *
 * The notebook and `phylab exp <name>` call the same `runExperiment`, so headless runs and
 * notebooks show the same numbers (the flax `train.py` + `main.py` + notebook pattern).
 */
import type { Profile } from '../../config/profile';
import type { Choices } from '../../config/overrides';
import type { Progress } from '../../runtime/progress';
import type { Schema } from './unit-schemas';

/** A JSON-serialisable value. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** One row of an experiment's summary table. */
export type Row = Record<string, string | number | boolean | null>;

export interface UnitContext {
  /** Folder private to this unit (checkpoints, samples); persists across runs. */
  dir: string;
  /** Results of the units this one depends on, by their `id`. */
  deps: Record<string, Json>;
  /** The cache folders of the dependencies (e.g. to load a checkpoint), by `id`. */
  depDirs: Record<string, string>;
  /** Progress of the whole experiment: a unit may set a status text. */
  progress: Progress;
  /** Recompute even when cached (passed down so a unit can ignore partial state). */
  force: boolean;
}

export interface Unit {
  /** Unique within the plan, human readable, e.g. 'train/uniform/q64/n1024/s1'. */
  id: string;
  /** What the result depends on: resolved config slice + seed. Hashed (with `version`) into the cache key. */
  key: Json;
  /** Code version of this unit kind, bumped when a change alters its results, e.g. 'dit-train-v1'. */
  version: string;
  /** Units whose results this one needs. */
  deps?: string[];
  /** Relative cost, for the overall ETA (e.g. training steps × tokens). */
  cost: number;
  /** Shape of a valid result (unit-schemas.ts); checked before a result counts, is shipped or summarised. Default: any non-empty value. Not part of the cache key. */
  schema?: Schema;
  /** One line on what the unit does (e.g. tokens, parameters and steps of a train unit), printed by `--dry-run` after the id. Description only: not part of the key or the cache hash. */
  describe?: () => string;
  run(ctx: UnitContext): Promise<Json>;
}

export interface Experiment<C> {
  name: string;
  /** One line for `phylab exp --help`. */
  description: string;
  defaultConfig(profile: Profile): C;
  /** Allowed string values of dotted config keys. */
  choices?: Choices;
  /**
   * Optional top-level settings that the default config leaves out, with the value their absence
   * means. `--key=value` sets one (typed by the value here); at that value it is dropped again
   * (`withOptionalSettings`), so a setting added this way changed no default config, config hash or
   * results folder.
   */
  optional?: Readonly<Record<string, Json>>;
  /** Expand a resolved config and seeds into units. */
  plan(config: C, seeds: number[]): Unit[];
  /** Turn unit results into summary rows. */
  summarize(config: C, seeds: number[], results: Record<string, Json>): Row[];
  /** Optional: write files derived from the results (e.g. example filmstrips) into the summary folder. */
  exportArtifacts?(config: C, seeds: number[], results: Record<string, Json>, outDir: string): void;
  /** Default seeds for a profile. */
  defaultSeeds(profile: Profile): number[];
  /** Optional: check every setting (ranges, choices, consistency) before any unit runs; throws a ConfigError naming the key and what is allowed. */
  validate?(config: C, seeds: number[]): void;
}
