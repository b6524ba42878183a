/**
 * Results integrity (issue 15): no run, flag or corrupt file silently replaces, shrinks or fakes a
 * results folder. A toy experiment with a results root in a temp folder stands in for
 * data/results.
 */
import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Experiment, Json, Unit } from '../../../lib/experiments/core/experiment';
import { runExperiment, unitHash } from '../../../lib/experiments/core/runner';
import { hashedResultsDir } from '../../../lib/experiments/core/results-folder';

interface ToyConfig {
  offset: number;
  seedsToTrain: number;
}

/** 'train/sN' writes a "checkpoint" it resumes from and returns {steps}; 'eval/sN' adds the offset. */
function toy(calls: string[], opts: { evalResult?: (s: number) => Json } = {}): Experiment<ToyConfig> {
  return {
    name: 'toy',
    description: 'toy',
    defaultConfig: () => ({ offset: 10, seedsToTrain: 2 }),
    defaultSeeds: () => [1, 2],
    validate: (c) => {
      if (!Number.isInteger(c.offset)) throw new Error(`offset must be an integer, got ${c.offset}`);
    },
    plan: (config, seeds) =>
      seeds.flatMap((s): Unit[] => [
        {
          id: `train/s${s}`,
          key: { seed: s },
          version: 'toy-train-v1',
          cost: 3,
          schema: { kind: 'object', fields: { steps: { kind: 'integer', min: 1 }, resumed: { kind: 'boolean' } } },
          run: async (ctx) => {
            calls.push(`train/s${s}`);
            const ck = join(ctx.dir, 'checkpoint');
            const resumed = existsSync(ck);
            writeFileSync(ck, 'weights');
            return { steps: s * 100, resumed };
          },
        },
        {
          id: `eval/s${s}`,
          key: { offset: config.offset, seed: s },
          version: 'toy-eval-v1',
          deps: [`train/s${s}`],
          cost: 1,
          schema: { kind: 'object', fields: { value: { kind: 'number' } } },
          run: async (ctx) => {
            calls.push(`eval/s${s}`);
            if (opts.evalResult) return opts.evalResult(s);
            return { value: (ctx.deps[`train/s${s}`] as { steps: number }).steps + config.offset };
          },
        },
      ]),
    summarize: (config, seeds, results) => seeds.filter((s) => results[`eval/s${s}`] !== undefined).map((s) => ({ seed: s, value: (results[`eval/s${s}`] as { value: number }).value })),
    exportArtifacts: (config, seeds, results, outDir) => {
      mkdirSync(join(outDir, 'examples'), { recursive: true });
      for (const s of seeds) if (results[`eval/s${s}`]) writeFileSync(join(outDir, 'examples', `s${s}.txt`), String(s));
    },
  };
}

const snapshot = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      if (f.isDirectory()) walk(join(d, f.name), `${rel}${f.name}/`);
      else out[`${rel}${f.name}`] = readFileSync(join(d, f.name)).toString('base64');
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
};

describe('experiments/runner integrity', () => {
  let dir: string;
  let root: string;
  let calls: string[];
  const def = () => join(root, 'toy', 'smoke');
  const base = () => ({ profile: 'smoke' as const, cacheDir: join(dir, 'cache'), resultsRoot: root, silent: true });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phylab-integrity-'));
    root = join(dir, 'results');
    calls = [];
  });
  afterEach(() => {
    try {
      chmodSync(join(dir, 'ro'), 0o755);
    } catch {
      // not made by this test
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('item 1: only the default config and seeds write the default folder; a subset or override goes to its config-hash folder and reuses the shipped units', async () => {
    const full = await runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, base());
    assert.equal(full.outDir, def());
    assert.equal(full.defaultFolder, true);
    const before = snapshot(def());
    assert.ok(Object.keys(before).some((f) => f.startsWith('examples/')));
    // a subset (seeds) and an override (offset): both leave the default folder byte-identical
    calls.length = 0;
    const subset = await runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, { ...base(), cacheDir: join(dir, 'fresh-cache'), seeds: [1] });
    assert.deepEqual(calls, [], 'the subset takes its units from the default folder\'s shipped results');
    assert.equal(subset.outDir, hashedResultsDir('toy', 'smoke', { offset: 10, seedsToTrain: 2 }, [1], root));
    assert.equal(subset.defaultFolder, false);
    assert.deepEqual(subset.rows, [{ seed: 1, value: 110 }]);
    const override = await runExperiment(toy(calls), { offset: 11, seedsToTrain: 2 }, base());
    assert.notEqual(override.outDir, def());
    assert.deepEqual(snapshot(def()), before, 'default folder untouched');
    assert.equal(readdirSync(join(override.outDir, 'units')).length, 4, 'the override run ships its units in its own folder');
    // naming the default folder explicitly for a non-default run is refused before anything runs
    calls.length = 0;
    await assert.rejects(runExperiment(toy(calls), { offset: 12, seedsToTrain: 2 }, { ...base(), outDir: def() }), /default results folder of toy \(smoke\).*differs in offset/);
    assert.deepEqual(calls, []);
  });

  it('item 1: a summary never loses rows or finished units it had without replaceSummary', async () => {
    const out = join(dir, 'out');
    await runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, { ...base(), outDir: out });
    const before = snapshot(out);
    // a complete run of fewer seeds into the same folder: kept
    const fewer = await runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, { ...base(), outDir: out, seeds: [1] });
    assert.ok(fewer.complete);
    assert.equal(fewer.summaryWritten, false);
    assert.match(fewer.summaryNote ?? '', /eval\/s2.*--replace-summary/);
    assert.equal(snapshot(out)['summary.json'], before['summary.json']);
    assert.equal(snapshot(out)['run.json'], before['run.json']);
    // … unless asked
    const replaced = await runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, { ...base(), outDir: out, seeds: [1], replaceSummary: true });
    assert.equal(replaced.summaryWritten, true);
    assert.equal(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).length, 1);
  });

  it('item 2: a cached or shipped result of null or {} does not count; a unit returning one fails without a record', async () => {
    const r1 = await runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, base());
    const eval1 = r1.units.find((u) => u.id === 'eval/s1')!;
    const train2 = r1.units.find((u) => u.id === 'train/s2')!;
    writeFileSync(join(dir, 'cache', 'toy', eval1.hash, 'result.json'), 'null');
    writeFileSync(join(dir, 'cache', 'toy', train2.hash, 'result.json'), '{}');
    calls.length = 0;
    const r2 = await runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, { ...base(), outDir: join(dir, 'no-shipped') });
    assert.deepEqual(calls.sort(), ['eval/s1', 'train/s2'], 'the bad results are recomputed');
    assert.equal(r2.rows.length, 2);
    // a bad shipped unit (empty cache): not used, recomputed, and the summary keeps all its rows
    const shippedFile = join(def(), 'units', `${eval1.hash}.json.gz`);
    const shipped = JSON.parse(gunzipSync(readFileSync(shippedFile)).toString('utf8'));
    writeFileSync(shippedFile, gzipSync(JSON.stringify({ ...shipped, result: {} })));
    calls.length = 0;
    const r3 = await runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, { ...base(), cacheDir: join(dir, 'clean-cache') });
    assert.deepEqual(calls, ['train/s1', 'eval/s1']);
    assert.equal(r3.rows.length, 2);
    assert.deepEqual(JSON.parse(gunzipSync(readFileSync(shippedFile)).toString('utf8')).result, { value: 110 }, 'the shipped copy is repaired');
    // a unit that returns null: error naming the unit, no result.json, nothing shipped
    calls.length = 0;
    await assert.rejects(runExperiment(toy(calls, { evalResult: () => null }), { offset: 99, seedsToTrain: 2 }, { ...base(), outDir: join(dir, 'o') }), /unit eval\/s1 returned an invalid result \(result: expected an object, got null\)/);
    assert.ok(!existsSync(join(dir, 'o', 'units')), 'nothing shipped');
    const evalBad = toy(calls).plan({ offset: 99, seedsToTrain: 2 }, [1]).find((u) => u.id === 'eval/s1')!;
    assert.ok(!existsSync(join(dir, 'cache', 'toy', unitHash(evalBad), 'result.json')), 'no result recorded');
  });

  it('item 4: --force=<pattern> recomputes the matching units and their dependents from scratch (train does not resume)', async () => {
    const r1 = await runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, base());
    calls.length = 0;
    const r2 = await runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, { ...base(), force: 'train/s2' });
    assert.deepEqual(calls, ['train/s2', 'eval/s2'], 'only the pattern and what depends on it');
    const train2 = r2.units.find((u) => u.id === 'train/s2')!;
    const res = JSON.parse(readFileSync(join(dir, 'cache', 'toy', train2.hash, 'result.json'), 'utf8'));
    assert.equal(res.resumed, false, 'the checkpoint was removed before the unit ran');
    assert.equal(r1.units.length, r2.units.length);
    await assert.rejects(runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, { ...base(), force: 'train/nope*' }), /--force='train\/nope\*' matches no unit/);
    await assert.rejects(runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, { ...base(), force: '' }), /--force needs a unit id pattern/);
  });

  it('item 6: settings are validated before the first unit, also on a dry run', async () => {
    await assert.rejects(runExperiment(toy(calls), { offset: 0.5, seedsToTrain: 2 }, { ...base(), dryRun: true }), /offset must be an integer/);
    await assert.rejects(runExperiment(toy(calls), { offset: 0.5, seedsToTrain: 2 }, base()), /offset must be an integer/);
    assert.deepEqual(calls, []);
  });

  it('item 9: a corrupt run.json or a folder that cannot be written stops the run before any unit', async () => {
    const out = join(dir, 'corrupt');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'run.json'), '{"units": [');
    await assert.rejects(runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, { ...base(), outDir: out }), (e: Error) => e.message.includes(join(out, 'run.json')) && /not valid JSON.*nothing was run/.test(e.message));
    assert.deepEqual(calls, []);
    // a folder that cannot be made (a file where a parent folder should be)
    writeFileSync(join(dir, 'afile'), '');
    await assert.rejects(runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, { ...base(), outDir: join(dir, 'afile', 'out') }), /results folder .*afile\/out cannot be written \(ENOTDIR.*nothing was run/);
    assert.deepEqual(calls, []);
    if (process.getuid?.() === 0) return; // root writes anywhere: the permission half cannot be shown
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    await assert.rejects(runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, { ...base(), outDir: join(ro, 'out') }), /cannot be written.*nothing was run/);
    assert.deepEqual(calls, []);
  });

  it('item 11: a run that computes nothing over an up-to-date summary leaves every file byte-identical', async () => {
    await runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, base());
    const before = snapshot(def());
    await new Promise((r) => setTimeout(r, 20)); // a later date in run.json would show
    const again = await runExperiment(toy(calls), { offset: 10, seedsToTrain: 2 }, { ...base(), cacheDir: join(dir, 'clone-cache'), budgetS: 0 });
    assert.equal(again.summaryWritten, false);
    assert.match(again.summaryNote ?? '', /up to date/);
    assert.deepEqual(snapshot(def()), before);
  });
});
