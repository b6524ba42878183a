import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { sourceFiles } from './source-files';
import { ID_RANGES, OOD_BANDS } from '../../lib/data/ranges';
import type { Band } from '../../lib/data/bands';

const ROOT = join(__dirname, '..', '..');

/**
 * Files allowed to type a range for now, each with the reason. Empty this list as they move to
 * data/ranges.ts; an entry whose file no longer types a range fails the test (so it cannot go stale).
 */
const PENDING: Readonly<Record<string, string>> = {};

/** Paths (prefixes) whose number pairs are not physical ranges, with what they are. */
const NOT_PHYSICAL: Readonly<Record<string, string>> = {
  'lib/model/': 'DiT patch sizes such as [1, 4, 4]',
  'lib/train/video-source.ts': 'the synthetic square source: pixel speeds per frame [0.5, 1.5]',
};

/** The source with comments and the contents of strings and template literals blanked, line breaks kept so line numbers hold. */
export function codeOnly(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const d = src[i + 1];
    if (c === '/' && d === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && d === '*') {
      i += 2;
      while (i < src.length && !(src[i] === '*' && src[i + 1] === '/')) out += src[i++] === '\n' ? '\n' : '';
      i += 2;
    } else if (c === '"' || c === "'" || c === '`') {
      out += src[i++];
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') i++;
        out += src[i++] === '\n' ? '\n' : ' ';
      }
      out += src[i++] ?? '';
    } else out += src[i++];
  }
  return out;
}

/** Every band of ID_RANGES and OOD_BANDS, as "lo,hi". */
function rangeBands(): Set<string> {
  const bands: Band[] = [];
  for (const r of Object.values(ID_RANGES)) bands.push(...r.radius, ...r.velocity);
  for (const o of Object.values(OOD_BANDS)) bands.push(o.radius.low, o.radius.high, o.velocity.low, o.velocity.high);
  return new Set(bands.map((b) => `${b[0]},${b[1]}`));
}

/** Numeric literals [lo, hi] or [lo, hi, n] in code whose (lo, hi) is one of `bands`, as "file:line [lo, hi…]". */
export function typedRanges(file: string, src: string, bands: Set<string>): string[] {
  const code = codeOnly(src);
  const hits: string[] = [];
  const num = String.raw`-?\d+(?:\.\d+)?(?:e-?\d+)?`;
  const re = new RegExp(String.raw`\[\s*(${num})\s*,\s*(${num})\s*(?:,\s*${num}\s*)?\]`, 'g');
  for (const m of code.matchAll(re)) {
    if (!bands.has(`${Number(m[1])},${Number(m[2])}`)) continue;
    const line = code.slice(0, m.index).split('\n').length;
    hits.push(`${relative(ROOT, file)}:${line} ${m[0]}`);
  }
  return hits;
}

describe('lint: physical ranges have one source (lib/data/ranges.ts)', () => {
  const bands = rangeBands();

  it('the scan finds a typed range and ignores comments and strings', () => {
    assert.deepEqual(typedRanges(join(ROOT, 'x.ts'), 'const a = 1;\nconst r: Band = [0.7, 1.4];\n', bands), ['x.ts:2 [0.7, 1.4]']);
    assert.deepEqual(typedRanges(join(ROOT, 'x.ts'), 'const v = [1, 4, 7];', bands), ['x.ts:1 [1, 4, 7]']);
    assert.deepEqual(typedRanges(join(ROOT, 'x.ts'), '// r in [0.7, 1.4]\n/* v in [1, 4] */\nconst s = "[4.5, 6]";', bands), []);
    assert.deepEqual(typedRanges(join(ROOT, 'x.ts'), 'const p = [1, 2, 2];', bands), []);
  });

  it('no file under lib/, bin/ or scripts/ except data/ranges.ts types an ID range or OOD band as a literal', () => {
    const skip = (f: string) => f === 'lib/data/ranges.ts' || Object.keys(NOT_PHYSICAL).some((p) => f.startsWith(p));
    const files = ['lib', 'bin', 'scripts'].flatMap((d) => sourceFiles(join(ROOT, d))).filter((f) => !skip(relative(ROOT, f).split(sep).join('/')));
    assert.ok(files.length > 50, 'found the sources');
    const hits = files.flatMap((f) => typedRanges(f, readFileSync(f, 'utf8'), bands));
    const pending = new Set(Object.keys(PENDING));
    const offenders = hits.filter((h) => !pending.has(h.split(':')[0]));
    assert.deepEqual(offenders, [], `type these from lib/data/ranges.ts (ID_RANGES, OOD_BANDS, idBand) instead:\n${offenders.join('\n')}`);
    const stale = [...pending].filter((f) => !hits.some((h) => h.startsWith(`${f}:`)));
    assert.deepEqual(stale, [], 'PENDING lists files that no longer type a range: remove them');
  });
});
