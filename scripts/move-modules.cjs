#!/usr/bin/env node
/**
 * Move TypeScript modules and rewrite every relative import that points at them (or out of them).
 *
 *   node scripts/move-modules.cjs --map scripts/moved-modules.json [--git] [--only FILE...]
 *
 * The map is a JSON object { "old/path.ts": "new/path.ts", … } relative to the repository root.
 * With --git the files are moved with `git mv` (so git sees renames); without it only imports are
 * rewritten (e.g. after a merge: `--only lib/experiments/template-coverage/*.ts` fixes the imports
 * of files written against the old paths). Imports are rewritten in lib/, test/, scripts/, bench/
 * (.ts/.cjs/.mjs) and in notebooks (`./lib/…` specifiers, resolved from the repository root).
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const mapFile = args[args.indexOf('--map') + 1];
if (!args.includes('--map') || !mapFile) {
  process.stderr.write('usage: node scripts/move-modules.cjs --map <map.json> [--git] [--only FILE...]\n');
  process.exit(2);
}
const useGit = args.includes('--git');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args.slice(onlyIdx + 1).map((f) => path.resolve(ROOT, f)) : null;

const map = JSON.parse(fs.readFileSync(path.resolve(ROOT, mapFile), 'utf8'));
const moved = new Map(Object.entries(map).map(([a, b]) => [path.resolve(ROOT, a), path.resolve(ROOT, b)]));
const back = new Map([...moved].map(([a, b]) => [b, a]));

function walk(dir, out) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ts|cjs|mjs|ipynb)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** The file a specifier names, as it was before the move (old paths), or null when unknown. */
function resolveOld(fromOldDir, spec) {
  const base = path.resolve(fromOldDir, spec);
  for (const c of [base, base + '.ts', path.join(base, 'index.ts')]) {
    if (moved.has(c)) return c;
    if (back.has(c)) continue; // a new path: it did not exist before
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  return null;
}

function rel(fromDir, target, spec) {
  let t = target;
  if (!/\.(ts)$/.test(spec) && t.endsWith('.ts')) t = t.slice(0, -3);
  if (t.endsWith('/index') && !spec.endsWith('index')) t = t.slice(0, -'/index'.length);
  let r = path.relative(fromDir, t).split(path.sep).join('/');
  if (!r.startsWith('.')) r = './' + r;
  return r;
}

function rewrite(file, oldFile) {
  const src = fs.readFileSync(file, 'utf8');
  const isNb = file.endsWith('.ipynb');
  const fromOldDir = isNb ? ROOT : path.dirname(oldFile);
  const fromNewDir = isNb ? ROOT : path.dirname(file);
  const re = /((?:from|import|require)\s*\(?\s*)(['"])(\.{1,2}\/[^'"\\]*)\2/g;
  const out = src.replace(re, (m, pre, q, spec) => {
    const target = resolveOld(fromOldDir, spec);
    if (target === null) return m;
    const newTarget = moved.get(target) ?? target;
    if (newTarget === target && fromOldDir === fromNewDir) return m;
    return `${pre}${q}${rel(fromNewDir, newTarget, spec)}${q}`;
  });
  if (out !== src) fs.writeFileSync(file, out);
}

const files = only ?? [...['lib', 'test', 'scripts', 'bench'].flatMap((d) => walk(path.join(ROOT, d), [])), ...walk(path.join(ROOT, 'notebooks'), [])];
if (useGit) {
  for (const [a, b] of moved) {
    if (!fs.existsSync(a)) continue;
    fs.mkdirSync(path.dirname(b), { recursive: true });
    execFileSync('git', ['mv', a, b], { cwd: ROOT });
  }
}
for (const f of files) {
  const nowFile = useGit ? (moved.get(f) ?? f) : f;
  const oldFile = useGit ? f : (back.get(f) ?? f);
  if (!fs.existsSync(nowFile)) continue;
  rewrite(nowFile, oldFile);
}
