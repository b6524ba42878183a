/** A toy experiment and lock record for the runner and cluster tests. */
import type { Experiment, Json, Unit } from '../../../lib/experiments/core/experiment';
import { bootId, hostName, processStartTime } from '../../../lib/runtime/process-identity';

/** train/s<k> squares the seed, eval/s<k> adds 10 to its train's result; `calls` records real runs. */
export function toy(calls: string[]): Experiment<{ offset: number }> {
  return {
    name: 'toy',
    description: 'toy',
    defaultConfig: () => ({ offset: 10 }),
    defaultSeeds: () => [1, 2],
    plan: (config, seeds) =>
      seeds.flatMap((s): Unit[] => [
        { id: `train/s${s}`, key: { seed: s }, version: 'toy-train-v1', cost: 3, run: async () => (calls.push(`train/s${s}`), { sq: s * s }) },
        { id: `eval/s${s}`, key: { offset: config.offset, seed: s }, version: 'toy-eval-v1', deps: [`train/s${s}`], cost: 1, run: async (ctx) => (calls.push(`eval/s${s}`), ((ctx.deps[`train/s${s}`] as { sq: number }).sq + config.offset) as Json) },
      ]),
    summarize: (config, seeds, results) => seeds.filter((s) => results[`eval/s${s}`] !== undefined).map((s) => ({ seed: s, value: results[`eval/s${s}`] as number })),
  };
}

/** A lock record of another live process (the parent of this one). */
export const foreignLock = () => JSON.stringify({ pid: process.ppid, host: hostName(), start: processStartTime(process.ppid), boot: bootId(), since: new Date().toISOString(), slurmJob: '7_1' });

