import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { sourceFiles } from './source-files';

/**
 * The only `as unknown as` casts lib/experiments may hold, per file, and why. A unit result or key
 * is typed with lib/experiments/core/unit-results.ts instead: the kind declares
 * `resultKind<T>(schema)` next to its schema, the unit returns `toJson(value)` and readers call
 * `resultOf(results, id, KIND)`; a model card's config is read with models/card-config.ts `configOf`.
 */
const ALLOWED: Record<string, number> = {
  // toJson (the compile-time JSON check's one cast) and resultOf (after checking the schema)
  'core/unit-results.ts': 2,
  // configOf, after checking the card's experiment
  'models/card-config.ts': 1,
  // a summary Row value: `abnormalKinds` is a list, which the Row type (scalars) does not name
  'template-coverage/index.ts': 1,
};

describe('lint: unit results are typed, not cast', () => {
  it('lib/experiments has no `as unknown as` beyond the typed accessors', () => {
    const root = join(__dirname, '..', '..', 'lib', 'experiments');
    const files = sourceFiles(root);
    assert.ok(files.length > 20, 'found the experiment sources');
    const found: Record<string, number> = {};
    for (const f of files) {
      const n = (readFileSync(f, 'utf8').match(/\bas\s+unknown\s+as\b/g) ?? []).length;
      if (n > 0) found[relative(root, f).split(sep).join('/')] = n;
    }
    assert.deepEqual(found, ALLOWED, 'type a unit result with resultKind / toJson / resultOf (lib/experiments/core/unit-results.ts) instead of casting');
  });
});
