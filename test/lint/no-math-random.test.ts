import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|js|cjs|mjs)$/.test(f)) out.push(p);
  }
  return out;
}

describe('lint: seeded randomness only', () => {
  it('lib/ never calls Math.random (every random choice takes a seeded Rng)', () => {
    const root = join(__dirname, '..', '..', 'lib');
    const files = walk(root);
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
