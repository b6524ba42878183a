import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { allowedFor, groupOf, LAYERS } from './layers';
import { sourceFiles } from './source-files';

const LIB = resolve(__dirname, '..', '..', 'lib');

/** lib's TypeScript sources (declaration files left out). */
const libSources = () => sourceFiles(LIB, (f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'));

/** Relative specifiers of a source file's imports, re-exports, dynamic imports and requires. */
export function importSpecifiers(src: string): string[] {
  const re = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*(['"])(\.{1,2}\/[^'"]*)\1/g;
  const out: string[] = [];
  for (let m = re.exec(src); m; m = re.exec(src)) out.push(m[2]);
  return out;
}

/** Every import from one group of lib/ into another that the layer table does not allow. */
export function layerViolations(files: string[]): string[] {
  const bad: string[] = [];
  for (const f of files) {
    const from = groupOf(relative(LIB, f).split('\\').join('/'));
    const allowed = allowedFor(from);
    for (const spec of importSpecifiers(readFileSync(f, 'utf8'))) {
      const abs = resolve(dirname(f), spec);
      const target = relative(LIB, abs).split('\\').join('/');
      if (target.startsWith('..')) continue; // outside lib/ (e.g. package.json)
      const isDir = existsSync(abs) && statSync(abs).isDirectory();
      const to = groupOf(isDir ? `${target}/index.ts` : target.endsWith('.ts') ? target : `${target}.ts`);
      if (to === from) continue;
      if (allowed === undefined) bad.push(`lib/${relative(LIB, f)}: folder '${from}' has no entry in test/lint/layers.ts`);
      else if (!allowed.includes(to)) bad.push(`lib/${relative(LIB, f)} imports ${spec} ('${from}' may not import '${to}'; allowed: ${allowed.join(', ') || 'nothing'})`);
    }
  }
  return bad;
}

describe('lint: layers of lib/ (test/lint/layers.ts, lib/README.md)', () => {
  it('no import points back up a layer', () => {
    const files = libSources();
    assert.ok(files.length > 100, 'found the library sources');
    assert.deepEqual(layerViolations(files), []);
  });

  it('the layer table has no cycle and names only known folders', () => {
    const state = new Map<string, 1 | 2>();
    const visit = (g: string, path: string[]): void => {
      assert.ok(LAYERS[g] !== undefined, `unknown folder '${g}' in ${path.join(' → ')}`);
      if (state.get(g) === 2) return;
      assert.notEqual(state.get(g), 1, `cycle: ${[...path, g].join(' → ')}`);
      state.set(g, 1);
      for (const d of LAYERS[g]) visit(d, [...path, g]);
      state.set(g, 2);
    };
    for (const g of Object.keys(LAYERS)) visit(g, []);
  });

  it('every folder of lib/ with sources has a rule', () => {
    const groups = new Set(libSources().map((f) => groupOf(relative(LIB, f).split('\\').join('/'))));
    const missing = [...groups].filter((g) => allowedFor(g) === undefined);
    assert.deepEqual(missing, []);
  });

  it('catches an import that points up (a file in data/ importing train/)', () => {
    const src = "import { x } from '../train/trainer';\nimport type { y } from '../sim/types';\n";
    assert.deepEqual(importSpecifiers(src), ['../train/trainer', '../sim/types']);
    const fake = join(LIB, 'data', 'fake.ts');
    const to = groupOf(relative(LIB, resolve(dirname(fake), '../train/trainer.ts')));
    assert.equal(to, 'train');
    assert.ok(!allowedFor('data')!.includes('train'));
    assert.equal(groupOf('sim/phyre/video.ts'), 'sim/phyre');
    assert.equal(groupOf('experiments/template-coverage/units.ts'), 'experiments/template-coverage');
    assert.ok(allowedFor('experiments/template-coverage')!.includes('experiments/core'));
  });
});
