import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Experiment, Json, Unit } from '../../../lib/experiments/core/experiment';
import { loadSummary, runExperiment, toCsv, unitHash } from '../../../lib/experiments/core/runner';
import { gitCommit } from '../../../lib/runtime/provenance';

/** A toy experiment: 'train' squares the seed, 'eval' adds a config offset; counts real runs. */
function toy(calls: string[], failOn?: string): Experiment<{ offset: number }> {
  return {
    name: 'toy',
    description: 'toy',
    defaultConfig: () => ({ offset: 10 }),
    defaultSeeds: () => [1, 2],
    plan: (config, seeds) =>
      seeds.flatMap((s): Unit[] => [
        {
          id: `eval/s${s}`,
          key: { offset: config.offset, seed: s },
          version: 'toy-eval-v1',
          deps: [`train/s${s}`],
          cost: 1,
          run: async (ctx) => {
            calls.push(`eval/s${s}`);
            return ((ctx.deps[`train/s${s}`] as { sq: number }).sq + config.offset) as Json;
          },
        },
        {
          id: `train/s${s}`,
          key: { seed: s },
          version: 'toy-train-v1',
          cost: 3,
          run: async () => {
            calls.push(`train/s${s}`);
            if (failOn === `train/s${s}`) throw new Error('killed');
            return { sq: s * s };
          },
        },
      ]),
    summarize: (config, seeds, results) => seeds.filter((s) => results[`eval/s${s}`] !== undefined).map((s) => ({ seed: s, value: results[`eval/s${s}`] as number })),
  };
}

describe('experiments/runner', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'phylab-runner-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs dependencies first, writes summary.json/csv/run.json, and hits the cache on rerun', async () => {
    const calls: string[] = [];
    const opts = { profile: 'smoke' as const, cacheDir: join(dir, 'cache'), outDir: join(dir, 'out'), silent: true };
    const r1 = await runExperiment(toy(calls), { offset: 10 }, opts);
    assert.deepEqual(calls, ['train/s1', 'eval/s1', 'train/s2', 'eval/s2']);
    assert.deepEqual(r1.rows, [{ seed: 1, value: 11 }, { seed: 2, value: 14 }]);
    assert.ok(r1.complete);
    const summary = loadSummary('toy', 'smoke', join(dir, 'out'));
    assert.deepEqual(summary?.rows, r1.rows);
    assert.equal(readFileSync(join(dir, 'out', 'summary.csv'), 'utf8'), 'seed,value\n1,11\n2,14\n');
    assert.ok(existsSync(join(dir, 'out', 'run.json')));

    const r2 = await runExperiment(toy(calls), { offset: 10 }, opts);
    assert.equal(calls.length, 4, 'nothing recomputed');
    assert.deepEqual(r2.rows, r1.rows);
    assert.ok(r2.units.every((u) => u.cached));
    // cached units carry the commit that computed them (read back from their meta.json)
    assert.deepEqual(r2.units.map((u) => u.commit), r1.units.map((u) => u.commit));
    assert.ok(r1.units.every((u) => u.commit === gitCommit()));

    // A config change re-runs only the units whose key changed.
    await runExperiment(toy(calls), { offset: 20 }, opts);
    assert.deepEqual(calls.slice(4), ['eval/s1', 'eval/s2']);

    // --force recomputes everything.
    await runExperiment(toy(calls), { offset: 20 }, { ...opts, force: true });
    assert.equal(calls.length, 10);
  });

  it('a clean clone reuses the shipped unit results of the summary folder and computes only what is missing', async () => {
    const calls: string[] = [];
    const out = join(dir, 'out');
    const r1 = await runExperiment(toy(calls), { offset: 10 }, { profile: 'smoke', cacheDir: join(dir, 'cache1'), outDir: out, silent: true });
    const shippedFiles = readdirSync(join(out, 'units')).sort();
    assert.equal(shippedFiles.length, 4, 'one file per finished unit');
    // a new machine: empty cache, the summary folder as committed
    calls.length = 0;
    const r2 = await runExperiment(toy(calls), { offset: 10 }, { profile: 'smoke', cacheDir: join(dir, 'cache2'), outDir: out, silent: true });
    assert.deepEqual(calls, [], 'nothing recomputed');
    assert.deepEqual(r2.rows, r1.rows);
    assert.ok(r2.units.every((u) => u.cached && u.shipped && u.commit === r1.units.find((v) => v.id === u.id)!.commit));
    assert.deepEqual(readdirSync(join(out, 'units')).sort(), shippedFiles);
    assert.ok(shippedFiles.every((f) => f.endsWith('.json.gz')), 'shipped results are gzip-compressed');
    const again = readFileSync(join(out, 'units', shippedFiles[0]));
    await runExperiment(toy(calls), { offset: 10 }, { profile: 'smoke', cacheDir: join(dir, 'cache1'), outDir: out, silent: true });
    assert.ok(readFileSync(join(out, 'units', shippedFiles[0])).equals(again), 'rewritten with the same bytes');
    // an evaluation missing from the shipped results needs its model: the model is trained again, not taken
    const evalS2 = r1.units.find((u) => u.id === 'eval/s2')!;
    rmSync(join(out, 'units', `${evalS2.hash}.json.gz`));
    calls.length = 0;
    const r3 = await runExperiment(toy(calls), { offset: 10 }, { profile: 'smoke', cacheDir: join(dir, 'cache3'), outDir: out, silent: true });
    assert.deepEqual(calls, ['train/s2', 'eval/s2']);
    assert.deepEqual(r3.rows, r1.rows);
    // --force ignores them
    calls.length = 0;
    await runExperiment(toy(calls), { offset: 10 }, { profile: 'smoke', cacheDir: join(dir, 'cache4'), outDir: out, silent: true, force: true });
    assert.equal(calls.length, 4);
  });

  it('resumes after an interrupted sweep: finished units are kept', async () => {
    const calls: string[] = [];
    const opts = { profile: 'smoke' as const, cacheDir: join(dir, 'cache'), outDir: join(dir, 'out'), silent: true };
    await assert.rejects(runExperiment(toy(calls, 'train/s2'), { offset: 10 }, opts), /killed/);
    assert.deepEqual(calls, ['train/s1', 'eval/s1', 'train/s2']);
    const r = await runExperiment(toy(calls), { offset: 10 }, opts);
    assert.deepEqual(calls.slice(3), ['train/s2', 'eval/s2']);
    assert.ok(r.complete);
  });

  it('waits for a unit another process is computing, then runs what needs it (no second pass over finished work)', async () => {
    const calls: string[] = [];
    const cacheDir = join(dir, 'cache-wait');
    const exp = toy(calls);
    const train1 = exp.plan({ offset: 10 }, [1, 2]).find((u) => u.id === 'train/s1')!;
    const d = join(cacheDir, 'toy', unitHash(train1));
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'lock'), String(process.ppid)); // another live process holds train/s1
    setTimeout(() => {
      writeFileSync(join(d, 'result.json'), JSON.stringify({ sq: 100 })); // … and finishes it
      rmSync(join(d, 'lock'));
    }, 300);
    const t0 = Date.now();
    const r = await runExperiment(exp, { offset: 10 }, { profile: 'smoke', cacheDir, outDir: join(dir, 'out-wait'), silent: true, pollMs: 20 });
    assert.deepEqual(calls, ['train/s2', 'eval/s2', 'eval/s1'], 'train/s1 is never computed here; eval/s1 runs once it is there');
    assert.ok(Date.now() - t0 >= 290);
    assert.ok(r.complete);
    assert.deepEqual(r.rows, [{ seed: 1, value: 110 }, { seed: 2, value: 14 }]);
    assert.equal(r.units.find((u) => u.id === 'train/s1')!.cached, true);
  });

  it('after each unit it finishes, looks again from the top: a unit left for later runs as soon as it is free, in plan order', async () => {
    const calls: string[] = [];
    const cacheDir = join(dir, 'cache-rescan');
    const exp = toy(calls);
    const train1 = exp.plan({ offset: 10 }, [1, 2, 3]).find((u) => u.id === 'train/s1')!;
    const d = join(cacheDir, 'toy', unitHash(train1));
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'lock'), String(process.ppid)); // another live process holds train/s1 …
    const slow: Experiment<{ offset: number }> = {
      ...exp,
      plan: (c, seeds) => exp.plan(c, seeds).map((u) => (u.id !== 'train/s2' ? u : {
        ...u,
        run: async (ctx) => {
          writeFileSync(join(d, 'result.json'), JSON.stringify({ sq: 100 })); // … and finishes it while train/s2 runs here
          rmSync(join(d, 'lock'));
          return u.run(ctx);
        },
      })),
    };
    const r = await runExperiment(slow, { offset: 10 }, { profile: 'smoke', seeds: [1, 2, 3], cacheDir, outDir: join(dir, 'out-rescan'), silent: true, pollMs: 20 });
    assert.deepEqual(calls, ['train/s2', 'eval/s1', 'eval/s2', 'train/s3', 'eval/s3'], 'eval/s1 runs right after train/s2, before seed 3');
    assert.ok(r.complete);
    assert.deepEqual(r.rows.map((x) => x.value), [110, 14, 19]);
  });

  it('the look from the top never recomputes a shipped unit (a fresh cache, units left for later above them)', async () => {
    const calls: string[] = [];
    const out = join(dir, 'out-rescan-shipped');
    const exp = toy(calls);
    await runExperiment(exp, { offset: 10 }, { profile: 'smoke', seeds: [3, 4], cacheDir: join(dir, 'cache-ship-a'), outDir: out, silent: true });
    calls.length = 0;
    const cacheDir = join(dir, 'cache-ship-b'); // a clean clone's empty cache: seeds 3 and 4 come from out/units
    const train1 = exp.plan({ offset: 10 }, [1]).find((u) => u.id === 'train/s1')!;
    const d = join(cacheDir, 'toy', unitHash(train1));
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'lock'), String(process.ppid));
    const slow: Experiment<{ offset: number }> = {
      ...exp,
      plan: (c, seeds) => exp.plan(c, seeds).map((u) => (u.id !== 'train/s2' ? u : {
        ...u,
        run: async (ctx) => {
          writeFileSync(join(d, 'result.json'), JSON.stringify({ sq: 1 }));
          rmSync(join(d, 'lock'));
          return u.run(ctx);
        },
      })),
    };
    const r = await runExperiment(slow, { offset: 10 }, { profile: 'smoke', seeds: [1, 2, 3, 4], cacheDir, outDir: out, silent: true, pollMs: 20 });
    assert.deepEqual(calls, ['train/s2', 'eval/s1', 'eval/s2'], 'seeds 3 and 4 are shipped: taken, not trained again');
    assert.ok(r.complete);
    assert.deepEqual(r.units.filter((u) => u.shipped).map((u) => u.id).sort(), ['eval/s3', 'eval/s4', 'train/s3', 'train/s4']);
  });

  it('a time budget of 0 runs nothing and writes the summary of what is cached', async () => {
    const calls: string[] = [];
    const out = join(dir, 'out-budget0');
    const r = await runExperiment(toy(calls), { offset: 30 }, { profile: 'smoke', cacheDir: join(dir, 'cache-budget0'), outDir: out, silent: true, budgetS: 0 });
    assert.deepEqual(calls, []);
    assert.equal(r.complete, false);
    assert.ok(existsSync(join(out, 'summary.json')));
  });

  it('keeps a summary that covers more finished units than an incomplete run (nothing shipped is lost)', async () => {
    const calls: string[] = [];
    const out = join(dir, 'out-keep');
    await runExperiment(toy(calls), { offset: 10 }, { profile: 'smoke', cacheDir: join(dir, 'cache-a'), outDir: out, silent: true });
    const before = readFileSync(join(out, 'summary.json'), 'utf8');
    // a summary whose unit results are not in units/ (shipped before units/ existed) meets an empty cache
    rmSync(join(out, 'units'), { recursive: true });
    calls.length = 0;
    const partial = await runExperiment(toy(calls), { offset: 10 }, { profile: 'smoke', cacheDir: join(dir, 'cache-b'), outDir: out, silent: true, budgetS: 0 });
    assert.equal(partial.complete, false);
    assert.equal(partial.summaryWritten, false);
    assert.equal(readFileSync(join(out, 'summary.json'), 'utf8'), before, 'the 4-unit summary is not replaced by a 0-unit one');
    // once the run is complete its summary replaces the old one
    const full = await runExperiment(toy(calls), { offset: 10 }, { profile: 'smoke', cacheDir: join(dir, 'cache-b'), outDir: out, silent: true });
    assert.ok(full.complete);
    assert.equal(full.summaryWritten, true);
    assert.equal(calls.length, 4);
    assert.deepEqual(loadSummary('toy', 'smoke', out)?.rows, full.rows);
    // with no summary there yet, even a run with nothing finished writes one
    const out2 = join(dir, 'out-grow');
    await runExperiment(toy(calls), { offset: 10 }, { profile: 'smoke', cacheDir: join(dir, 'cache-c'), outDir: out2, silent: true, budgetS: 0 });
    assert.deepEqual(loadSummary('toy', 'smoke', out2)?.rows, []);
  });

  it('noTrain runs the evaluations of trained models and trains nothing', async () => {
    const calls: string[] = [];
    const opts = { profile: 'smoke' as const, cacheDir: join(dir, 'cache-notrain'), outDir: join(dir, 'out-notrain'), silent: true };
    await runExperiment(toy(calls), { offset: 40 }, { ...opts, seeds: [1] });
    assert.deepEqual(calls, ['train/s1', 'eval/s1']);
    // a changed evaluation (offset) re-runs eval/s1 on the cached model; seed 2 is not trained
    const r = await runExperiment(toy(calls), { offset: 41 }, { ...opts, seeds: [1, 2], noTrain: true });
    assert.deepEqual(calls.slice(2), ['eval/s1']);
    assert.equal(r.complete, false);
  });

  it('a unit finished by another process after the scan is taken from the cache, not recomputed', async () => {
    const calls: string[] = [];
    const cacheDir = join(dir, 'cache-late');
    const exp = toy(calls);
    // while train/s1 runs, "another process" finishes train/s2 (its result.json appears)
    const plan = exp.plan({ offset: 50 }, [1, 2]);
    const t2 = plan.find((u) => u.id === 'train/s2')!;
    const t1 = plan.find((u) => u.id === 'train/s1')!;
    const run1 = t1.run;
    t1.run = async (ctx) => {
      const d2 = join(cacheDir, 'toy', unitHash(t2));
      mkdirSync(d2, { recursive: true });
      writeFileSync(join(d2, 'result.json'), JSON.stringify({ sq: 4 }));
      return run1(ctx);
    };
    const r = await runExperiment({ ...exp, plan: () => plan }, { offset: 50 }, { profile: 'smoke', cacheDir, outDir: join(dir, 'out-late'), silent: true, seeds: [1, 2] });
    assert.deepEqual(calls, ['train/s1', 'eval/s1', 'eval/s2']);
    assert.ok(r.units.find((u) => u.id === 'train/s2')!.cached);
  });

  it('dry runs report what is cached without running', async () => {
    const calls: string[] = [];
    const r = await runExperiment(toy(calls), { offset: 10 }, { profile: 'smoke', cacheDir: join(dir, 'cache'), outDir: join(dir, 'out'), silent: true, dryRun: true });
    assert.deepEqual(calls, []);
    assert.equal(r.complete, false);
    assert.ok(!existsSync(join(dir, 'out', 'summary.json')));
  });

  it('writes CSV with quoting', () => {
    assert.equal(toCsv([{ a: 'x,y', b: null }, { a: 'q"', c: 1 }]), 'a,b,c\n"x,y",,\n"q""",,1\n');
  });
});

describe('experiments/runner unit locks', () => {
  it('skips a unit claimed by another live process and takes over a stale lock', async () => {
    const { claimUnit, releaseUnit } = await import('../../../lib/experiments/core/runner');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const d = mkdtempSync(join(tmpdir(), 'phylab-lock-'));
    try {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'lock'), String(process.ppid)); // a live process that is not us
      assert.equal(claimUnit(d), false);
      writeFileSync(join(d, 'lock'), '999999999'); // no such process
      assert.equal(claimUnit(d), true);
      releaseUnit(d);
      assert.ok(!existsSync(join(d, 'lock')));
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
