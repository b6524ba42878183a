import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceFiles } from './source-files';

describe('lint: seeded randomness only', () => {
  it('lib/ never calls Math.random (every random choice takes a seeded Rng)', () => {
    const root = join(__dirname, '..', '..', 'lib');
    const files = sourceFiles(root, (f) => /\.(ts|js|cjs|mjs)$/.test(f));
    assert.ok(files.length > 5, 'found the library sources');
    const offenders = files.filter((f) => /Math\s*\.\s*random\s*\(/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('notebooks never call Math.random', () => {
    const dir = join(__dirname, '..', '..', 'notebooks');
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ipynb'))
      .filter((f) => /Math\s*\.\s*random\s*\(/.test(readFileSync(join(dir, f), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
