import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import '../../../lib/experiments/all';
import { experimentNames, getExperiment } from '../../../lib/experiments/core/registry';
import { unitHash } from '../../../lib/experiments/core/runner';
import { CASE_EVAL, checkSchema, ID_OOD_SETS, NON_EMPTY, TRAIN_RESULT } from '../../../lib/experiments/core/unit-schemas';
import { invalidResult } from '../../../lib/experiments/core/unit-validation';
import { PROFILES } from '../../../lib/config/profile';
import { REPO_ROOT } from '../../../lib/runtime/provenance';

describe('experiments/unit-schemas', () => {
  it('rejects null, {} and results missing or mistyping a field, naming the path', () => {
    assert.equal(checkSchema(null, TRAIN_RESULT), 'result: expected an object, got null');
    assert.equal(checkSchema({}, TRAIN_RESULT), 'result.steps: missing');
    assert.equal(checkSchema({ steps: 10, finalLoss: null, seconds: 1, params: 0 }, TRAIN_RESULT), 'result.params: expected an integer ≥ 1, got 0');
    assert.equal(checkSchema({ steps: 10, finalLoss: 0.1, seconds: 1, params: 5 }, TRAIN_RESULT), null);
    assert.equal(checkSchema({}, ID_OOD_SETS), 'result: expected at least 1 entry, got 0');
    assert.match(checkSchema({ id: { error: 'x' } }, ID_OOD_SETS)!, /^result\.id\.error: expected a number or null/);
    assert.equal(checkSchema({ videos: [] }, CASE_EVAL), 'result.videos: expected at least 1 item(s), got 0');
    for (const bad of [null, {}, []]) assert.ok(checkSchema(bad, NON_EMPTY));
    assert.equal(checkSchema(0, NON_EMPTY), null);
    assert.equal(invalidResult({}, null), 'result: expected a value, got null');
  });

  it('every shipped unit result validates against its unit\'s schema (a clean clone recomputes none of them)', () => {
    let checked = 0;
    for (const name of experimentNames()) {
      const exp = getExperiment(name)!;
      for (const profile of PROFILES) {
        const dir = join(REPO_ROOT, 'data', 'results', name, profile, 'units');
        if (!existsSync(dir)) continue;
        const units = new Map(exp.plan(exp.defaultConfig(profile), exp.defaultSeeds(profile)).map((u) => [unitHash(u), u]));
        for (const f of readdirSync(dir).filter((x) => x.endsWith('.json.gz'))) {
          const u = units.get(f.replace('.json.gz', ''));
          if (!u) continue; // a unit of an older plan
          const shipped = JSON.parse(gunzipSync(readFileSync(join(dir, f))).toString('utf8'));
          assert.equal(invalidResult(u, shipped.result), null, `${name}/${profile}/${f} (${u.id})`);
          assert.ok(u.schema, `${u.id} has a schema of its own`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 78, `checked ${checked} shipped units`);
  });

  it('the default settings of every experiment and profile pass its validate', () => {
    for (const name of experimentNames()) {
      const exp = getExperiment(name)!;
      for (const profile of PROFILES) exp.validate?.(exp.defaultConfig(profile), exp.defaultSeeds(profile));
      assert.ok(exp.validate, `${name} validates its settings`);
    }
  });
});
