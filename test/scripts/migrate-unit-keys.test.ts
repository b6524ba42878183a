import { strict as assert } from 'node:assert';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { configHash } from '../../lib/config/hash';
import { linkCache, planMoves, resolveDatasets } from '../../scripts/migrate-unit-keys';

const ROOT = join(__dirname, '..', '..');
const SHIPPED = ['id-ood', 'direction-flip', 'velocity-gap', 'template-coverage', 'attribute-priority'];

describe('scripts/migrate-unit-keys', () => {
  it('the shipped results are migrated: no folder needs a rename', () => {
    for (const exp of SHIPPED) assert.deepEqual(planMoves(exp, 'quick', join(ROOT, 'data', 'results', exp, 'quick')).moves, [], exp);
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
      assert.deepEqual(resolveDatasets(legacy), shipped.key);
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
      assert.throws(() => planMoves('direction-flip', 'quick', out), /not the stored key with its datasets resolved/);
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
});
