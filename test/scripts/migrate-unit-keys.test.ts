import { strict as assert } from 'node:assert';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { configHash } from '../../lib/config/hash';
import { execFileSync } from 'node:child_process';
import '../../lib/experiments/all';
import { getExperiment } from '../../lib/experiments/core/registry';
import { unitHash } from '../../lib/experiments/core/unit-cache';
import type { Json, Unit } from '../../lib/experiments/core/experiment';
import { constantLrQuickConfig } from '../../lib/experiments/id-ood/config';
import { constantLrGridDir, RECIPE_GRID_SEEDS } from '../../lib/experiments/id-ood/recipe-grid';
import { LOG_NAME, linkCache, migrationMismatch, planMoves, readLog, resolveKey, runPlan } from '../../scripts/migrate-unit-keys';

const ROOT = join(__dirname, '..', '..');
const SHIPPED = ['id-ood', 'direction-flip', 'velocity-gap', 'template-coverage', 'attribute-priority'];

/** Keys of four id-ood quick units as shipped before the second migration (floor, VAE, train and eval of uniform q128 n16384 s1), with their hashes. */
const LEGACY: Array<{ id: string; version: string; hash: string; key: Json }> = JSON.parse(readFileSync(join(__dirname, 'id-ood-legacy-keys.json'), 'utf8')).units;
/** The plan the legacy keys migrated to: id-ood's quick default when the keys were migrated, the constant-lr grid (shipped in runs/). */
const idOodPlan = (): Map<string, Unit> => new Map(getExperiment('id-ood')!.plan(constantLrQuickConfig(), [...RECIPE_GRID_SEEDS]).map((u) => [u.id, u]));
const CONSTANT_LR_DIR = constantLrGridDir();
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const SCRIPT = join(ROOT, 'scripts', 'migrate-unit-keys.ts');

describe('scripts/migrate-unit-keys', () => {
  it('the shipped results are migrated: no folder needs a rename', function () {
    this.timeout(60_000);
    for (const exp of SHIPPED) assert.deepEqual(planMoves(exp, 'quick', join(ROOT, 'data', 'results', exp, 'quick')).moves, [], exp);
    assert.deepEqual(planMoves('id-ood', 'quick', CONSTANT_LR_DIR, runPlan('id-ood', 'quick', CONSTANT_LR_DIR)).moves, [], 'the constant-lr grid (runs/)');
  });

  it('renames a unit shipped under its pre-migration key (datasets unresolved) to its planned hash, and refuses one whose key changed otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-migrate-'));
    try {
      const src = join(ROOT, 'data', 'results', 'direction-flip', 'quick');
      const out = join(dir, 'quick');
      const units = join(out, 'units');
      mkdirSync(units, { recursive: true });
      cpSync(join(src, 'run.json'), join(out, 'run.json'));
      const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { units: Array<{ id: string; hash: string }> };
      const rec = run.units.find((u) => u.id === 'vae/uniform')!;
      const shipped = JSON.parse(gunzipSync(readFileSync(join(src, 'units', `${rec.hash}.json.gz`))).toString('utf8'));
      // the key as the code wrote it before: defaults null, frame stride absent
      const legacy = { ...shipped.key, data: { ...shipped.key.data, radius: null, sampling: null, gridSpacing: null, minVisibleFrames: null } };
      delete legacy.data.frameStride;
      assert.deepEqual(resolveKey(legacy), shipped.key);
      const oldHash = configHash({ key: legacy, version: shipped.version });
      writeFileSync(join(out, 'run.json'), readFileSync(join(out, 'run.json'), 'utf8').replace(`"hash": "${rec.hash}"`, `"hash": "${oldHash}"`));
      writeFileSync(join(units, `${oldHash}.json.gz`), gzipSync(JSON.stringify({ ...shipped, key: legacy }) + '\n'));
      assert.deepEqual(planMoves('direction-flip', 'quick', out).moves.map((m) => [m.id, m.from, m.to]), [['vae/uniform', oldHash, rec.hash]]);
      // a file whose stored key does not hash to its name: refused
      writeFileSync(join(units, `${oldHash}.json.gz`), gzipSync(JSON.stringify({ ...shipped, key: { ...legacy, evalCount: 7 } }) + '\n'));
      assert.throws(() => planMoves('direction-flip', 'quick', out), /does not hash to/);
      // a unit whose key differs by more than its resolved datasets (another evaluation count): refused, it must be recomputed
      const other = { ...legacy, evalCount: 7 };
      const otherHash = configHash({ key: other, version: shipped.version });
      rmSync(join(units, `${oldHash}.json.gz`));
      writeFileSync(join(units, `${otherHash}.json.gz`), gzipSync(JSON.stringify({ ...shipped, key: other }) + '\n'));
      writeFileSync(join(out, 'run.json'), readFileSync(join(out, 'run.json'), 'utf8').replace(`"hash": "${oldHash}"`, `"hash": "${otherHash}"`));
      assert.throws(() => planMoves('direction-flip', 'quick', out), /not the stored key migrated \(key.evalCount differs\)/);
      assert.deepEqual(readdirSync(units), [`${otherHash}.json.gz`], 'planning changes nothing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--cache links a unit folder computed under the legacy key to its new hash (a relative symlink; a second run links nothing)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'phylab-migrate-cache-'));
    try {
      const src = join(ROOT, 'data', 'results', 'direction-flip', 'quick');
      const run = JSON.parse(readFileSync(join(src, 'run.json'), 'utf8')) as { units: Array<{ id: string; hash: string }> };
      const rec = run.units.find((u) => u.id === 'vae/uniform')!;
      const shipped = JSON.parse(gunzipSync(readFileSync(join(src, 'units', `${rec.hash}.json.gz`))).toString('utf8'));
      const legacy = { ...shipped.key, data: { ...shipped.key.data, radius: null, sampling: null, gridSpacing: null, minVisibleFrames: null } };
      delete legacy.data.frameStride;
      const oldHash = configHash({ key: legacy, version: shipped.version });
      const old = join(cache, 'direction-flip', oldHash);
      mkdirSync(old, { recursive: true });
      writeFileSync(join(old, 'unit.json'), JSON.stringify({ id: 'vae/uniform', key: legacy, version: shipped.version, deps: [] }));
      writeFileSync(join(old, 'result.json'), JSON.stringify(shipped.result));
      const lines: string[] = [];
      assert.equal(linkCache(cache, false, (l) => lines.push(l)), 1, lines.join('\n'));
      const link = join(cache, 'direction-flip', rec.hash);
      assert.ok(lstatSync(link).isSymbolicLink() && readlinkSync(link) === oldHash && existsSync(join(link, 'result.json')));
      assert.equal(linkCache(cache, false, () => undefined), 0);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('id-ood: each legacy key (its hash as shipped) migrates to its planned key: resolved datasets and train config, plus the evaluation sets, training set and patch', () => {
    const plan = idOodPlan();
    const log = readLog(join(ROOT, 'data', 'results'));
    for (const l of LEGACY) {
      assert.equal(configHash({ key: l.key, version: l.version }), l.hash, `${l.id}: the fixture holds the shipped key`);
      const u = plan.get(l.id)!;
      assert.equal(migrationMismatch('id-ood', l.key, u.key), null, l.id);
      assert.ok(log.moves.some((m) => m.experiment === 'id-ood' && m.id === l.id && m.from === l.hash && m.to === unitHash(u)), `${l.id}: the rename is logged`);
    }
    // what the check refuses: a planned key whose added evaluation set disagrees with the unit's counts, a field no migration adds, another training value
    const ev = plan.get('eval/uniform/q128/n16384/s1')!.key as { [k: string]: Json };
    const legacy = LEGACY.find((l) => l.id.startsWith('eval/'))!.key;
    const sets = ev.evalData as Array<{ [k: string]: Json }>;
    assert.match(migrationMismatch('id-ood', legacy, { ...ev, evalData: [{ ...sets[0], count: 7 }, ...sets.slice(1)] })!, /evalData\[0\] is not/);
    assert.match(migrationMismatch('id-ood', legacy, { ...ev, extra: 1 })!, /key\.extra is new/);
    assert.match(migrationMismatch('id-ood', legacy, { ...ev, train: { ...(ev.train as object), train: { ...((ev.train as { train: object }).train), lr: 1 } } })!, /key\.train\.train\.lr differs/);
    assert.match(migrationMismatch('direction-flip', legacy, ev)!, /(evalData|trainData|patch) is new/, 'only id-ood gained fields');
  });

  it('id-ood: renames units shipped under the legacy keys in a results folder (run.json and files), then finds nothing to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phylab-migrate-idood-'));
    try {
      const src = CONSTANT_LR_DIR;
      const units = join(dir, 'units');
      mkdirSync(units, { recursive: true });
      let run = readFileSync(join(src, 'run.json'), 'utf8');
      const plan = idOodPlan();
      for (const l of LEGACY) {
        const to = unitHash(plan.get(l.id)!);
        const shipped = JSON.parse(gunzipSync(readFileSync(join(src, 'units', `${to}.json.gz`))).toString('utf8'));
        writeFileSync(join(units, `${l.hash}.json.gz`), gzipSync(JSON.stringify({ ...shipped, key: l.key }) + '\n'));
        run = run.replace(`"hash": "${to}"`, `"hash": "${l.hash}"`);
      }
      writeFileSync(join(dir, 'run.json'), run);
      const { moves } = planMoves('id-ood', 'quick', dir, [...plan.values()]);
      assert.deepEqual(moves.map((m) => [m.id, m.from, m.to]).sort(), LEGACY.map((l) => [l.id, l.hash, unitHash(plan.get(l.id)!)]).sort());
      assert.deepEqual(readdirSync(units).sort(), LEGACY.map((l) => `${l.hash}.json.gz`).sort(), 'planning changes nothing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a model card exported under a legacy id-ood key after the results were migrated gets the planned hash on a later run (and a second run changes nothing)', function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'phylab-migrate-card-'));
    try {
      // the results as merged (migrated: nothing to rename, the log of renames) and a models folder with a card naming the legacy hash
      const results = join(dir, 'results');
      mkdirSync(results);
      cpSync(join(ROOT, 'data', 'results', LOG_NAME), join(results, LOG_NAME));
      const l = LEGACY.find((x) => x.id.startsWith('train/'))!;
      const cardDir = join(dir, 'models', 'id-ood', 'quick', 'uniform-q128-n16384-s1');
      mkdirSync(cardDir, { recursive: true });
      const card = { format: 'phylab-model-card', version: 1, name: 'id-ood/quick/uniform-q128-n16384-s1', experiment: 'id-ood', profile: 'quick', results: relative(ROOT, CONSTANT_LR_DIR), unit: { id: l.id, hash: l.hash, commit: 'abc', seconds: 1 } };
      writeFileSync(join(cardDir, 'card.json'), JSON.stringify(card, null, 1) + '\n');
      // a card with a hash no rename leads from: left as it is
      const other = join(dir, 'models', 'id-ood', 'quick', 'other');
      mkdirSync(other);
      writeFileSync(join(other, 'card.json'), JSON.stringify({ ...card, unit: { ...card.unit, hash: '0123456789abcdef' } }, null, 1) + '\n');
      const run = () => execFileSync(process.execPath, [TSX, SCRIPT, '--results', results, '--models', join(dir, 'models')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PHYLAB_QUIET: '1' } });
      const out = run();
      const to = unitHash(idOodPlan().get(l.id)!);
      assert.equal(JSON.parse(readFileSync(join(cardDir, 'card.json'), 'utf8')).unit.hash, to, out);
      assert.match(out, /model card left as it is: .*other/);
      assert.equal(JSON.parse(readFileSync(join(other, 'card.json'), 'utf8')).unit.hash, '0123456789abcdef');
      const again = run();
      assert.doesNotMatch(again, /model card .*uniform-q128-n16384-s1.* -> /, 'idempotent');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--cache links id-ood folders computed under the legacy keys: a finished one, and a training still under way (a checkpoint, no result yet)', function () {
    this.timeout(60_000);
    const cache = mkdtempSync(join(tmpdir(), 'phylab-migrate-cache-idood-'));
    try {
      const plan = idOodPlan();
      for (const l of LEGACY) {
        const old = join(cache, 'id-ood', l.hash);
        mkdirSync(old, { recursive: true });
        writeFileSync(join(old, 'unit.json'), JSON.stringify({ id: l.id, key: l.key, version: l.version, deps: [] }));
        if (l.id.startsWith('train/')) mkdirSync(join(old, 'checkpoint'));
        else writeFileSync(join(old, 'result.json'), '{}');
      }
      // a folder with neither result nor checkpoint (a unit that never got going): not linked
      const lines: string[] = [];
      assert.equal(linkCache(cache, true, (s) => lines.push(s)), LEGACY.length, lines.join('\n'));
      assert.ok(lines.some((s) => /train\/uniform\/q128\/n16384\/s1: no result yet, resumes from its checkpoint/.test(s)), lines.join('\n'));
      assert.equal(linkCache(cache, false, () => undefined), LEGACY.length);
      for (const l of LEGACY) {
        const link = join(cache, 'id-ood', unitHash(plan.get(l.id)!));
        assert.ok(lstatSync(link).isSymbolicLink() && readlinkSync(link) === l.hash, l.id);
      }
      assert.equal(linkCache(cache, false, () => undefined), 0);
      rmSync(join(cache, 'id-ood'), { recursive: true });
      const bare = join(cache, 'id-ood', LEGACY[0].hash);
      mkdirSync(bare, { recursive: true });
      writeFileSync(join(bare, 'unit.json'), JSON.stringify({ id: LEGACY[0].id, key: LEGACY[0].key, version: LEGACY[0].version, deps: [] }));
      assert.equal(linkCache(cache, false, () => undefined), 0, 'no result and no checkpoint: nothing to link');
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
