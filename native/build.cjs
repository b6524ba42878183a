#!/usr/bin/env node
// Builds the optional native addon (native/phylab_blas.cc: OpenBLAS matmul; native/phylab_kernels.cc:
// reductions, transpose, slice, tile, exp/tanh/sigmoid, softmax) with node-gyp, for
// `npm install`. It never fails the install: when a C++ compiler, OpenBLAS's cblas.h / libopenblas,
// node-gyp or the Node headers are missing, or the build fails, it prints ONE line saying so and
// exits 0; TF.js then keeps the stock wasm kernels (lib/engine/native-matmul.ts, native-kernels.ts).
//
//   node native/build.cjs            build unless an up-to-date addon that loads is already there
//   node native/build.cjs --force    always rebuild
//   PHYLAB_NATIVE_MATMUL=0           skip the build
//   OPENBLAS_INCLUDE / OPENBLAS_LIBDIR   where cblas.h / libopenblas live, if not found automatically
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const HERE = __dirname;
const BUILD_DIR = path.join(HERE, 'build');
const ADDON = path.join(BUILD_DIR, 'Release', 'phylab_blas.node');
const LOG = path.join(HERE, 'build.log');
const SOURCES = ['phylab_blas.cc', 'phylab_kernels.cc', 'phylab_kernels.h', 'binding.gyp'].map((f) => path.join(HERE, f));

function say(line) {
  process.stdout.write(`phylab: ${line}\n`);
}

function skip(why) {
  say(`native OpenBLAS matmul and kernels not built (${why}); using the stock wasm kernels`);
  process.exit(0);
}

function sh(cmd) {
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function firstExisting(paths) {
  return paths.find((p) => p && fs.existsSync(p)) || null;
}

function multiarch() {
  return sh('gcc -print-multiarch 2>/dev/null') || `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`;
}

/** Directory holding OpenBLAS's cblas.h (one that declares openblas_set_num_threads). */
function findInclude() {
  const fromPkg = (sh('pkg-config --cflags-only-I openblas 2>/dev/null') || '')
    .split(/\s+/)
    .filter((s) => s.startsWith('-I'))
    .map((s) => s.slice(2));
  const ma = multiarch();
  const dirs = [
    process.env.OPENBLAS_INCLUDE,
    ...fromPkg,
    '/usr/include',
    `/usr/include/${ma}`,
    `/usr/include/${ma}/openblas-pthread`,
    '/usr/include/openblas',
    '/usr/local/include',
    '/usr/local/opt/openblas/include',
    '/opt/homebrew/opt/openblas/include',
  ];
  for (const d of dirs) {
    if (!d) continue;
    const h = path.join(d, 'cblas.h');
    try {
      if (/openblas_set_num_threads/.test(fs.readFileSync(h, 'utf8'))) return d;
    } catch {
      /* not there */
    }
  }
  return null;
}

/** Directory holding libopenblas (.so/.dylib). */
function findLibDir() {
  const fromPkg = (sh('pkg-config --libs-only-L openblas 2>/dev/null') || '')
    .split(/\s+/)
    .filter((s) => s.startsWith('-L'))
    .map((s) => s.slice(2));
  const ma = multiarch();
  const dirs = [process.env.OPENBLAS_LIBDIR, ...fromPkg, `/usr/lib/${ma}`, '/usr/lib64', '/usr/lib', '/usr/local/lib',
    '/usr/local/opt/openblas/lib', '/opt/homebrew/opt/openblas/lib'];
  for (const d of dirs) {
    if (d && (fs.existsSync(path.join(d, 'libopenblas.so')) || fs.existsSync(path.join(d, 'libopenblas.dylib')))) return d;
  }
  return null;
}

function findNodeGyp() {
  const npmDir = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  const candidates = [process.env.npm_config_node_gyp, path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    /* not a local dependency */
  }
  const npmCli = sh('command -v npm');
  if (npmCli) {
    const real = fs.realpathSync(npmCli); // .../npm/bin/npm-cli.js
    candidates.push(path.join(path.dirname(real), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  return firstExisting(candidates);
}

/** A --nodedir with headers for this exact Node version, so node-gyp needs no download. */
function findNodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const versionH = path.join(prefix, 'include', 'node', 'node_version.h');
  try {
    const h = fs.readFileSync(versionH, 'utf8');
    const v = ['MAJOR', 'MINOR', 'PATCH'].map((k) => (h.match(new RegExp(`#define NODE_${k}_VERSION (\\d+)`)) || [])[1]).join('.');
    if (v === process.versions.node && fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  } catch {
    /* no local headers: node-gyp uses its cache (or tries to download) */
  }
  return null;
}

/** Loads the addon in a child process and checks a 2x3 · 3x2 product (and a transposed one). */
function smokeTest() {
  const code = `
    const m = require(${JSON.stringify(ADDON)});
    const heap = new ArrayBuffer(256); const f = new Float32Array(heap);
    f.set([1,2,3,4,5,6], 0); f.set([7,8,9,10,11,12], 8);
    const p = new Float64Array(m.GEMM_NPARAMS);
    p.set([0, 32, 64, 2, 2, 3, 0, 0, 1, 1, 1, 1, 1, -1, 0, 0, 0]);
    m.gemm(heap, p, null, null);
    const want = [58, 64, 139, 154];
    for (let i = 0; i < 4; i++) if (f[16 + i] !== want[i]) { console.error('bad result', Array.from(f.slice(16, 20))); process.exit(1); }
    p[6] = 1; p[7] = 1; p[3] = 3; p[4] = 3; p[5] = 2; m.gemm(heap, p, null, null); // A^T B^T: (3x2)(2x3)
    const want2 = [39, 49, 59, 54, 68, 82, 69, 87, 105];
    for (let i = 0; i < 9; i++) if (f[16 + i] !== want2[i]) { console.error('bad transposed result', Array.from(f.slice(16, 25))); process.exit(1); }
    m.transpose(heap, new Float64Array([4, 0, 128, 2, 2, 3, 1, 0])); // (2,3) -> (3,2)
    m.reduce(heap, new Float64Array([0, 0, 192, 1, 2, 2, 3])); // column sums
    m.unary(heap, new Float64Array([0, 192, 224, 1])); // exp(5)
    const got = [...f.slice(32, 38), ...f.slice(48, 51)], want3 = [1, 4, 2, 5, 3, 6, 5, 7, 9];
    if (got.some((v, i) => v !== want3[i])) { console.error('bad kernel result', got.join(' ')); process.exit(1); }
    if (Math.abs(f[56] / Math.exp(5) - 1) > 1e-6) { console.error('bad exp', f[56]); process.exit(1); }
    process.stdout.write(m.config());`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 60000 });
  return r.status === 0 ? { ok: true, config: r.stdout.trim() } : { ok: false, error: (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').pop() };
}

function upToDate() {
  if (!fs.existsSync(ADDON)) return false;
  const built = fs.statSync(ADDON).mtimeMs;
  return SOURCES.every((s) => fs.statSync(s).mtimeMs <= built);
}

function main() {
  if (process.env.PHYLAB_NATIVE_MATMUL === '0') skip('PHYLAB_NATIVE_MATMUL=0');
  const force = process.argv.includes('--force');
  if (!force && upToDate()) {
    const t = smokeTest();
    if (t.ok) {
      say(`native OpenBLAS matmul and kernels up to date (native/build/Release/phylab_blas.node; ${t.config})`);
      return;
    }
  }
  if (!sh('command -v "${CXX:-g++}" || command -v c++')) skip('no C++ compiler (g++)');
  if (!sh('command -v make')) skip('no make');
  const include = findInclude();
  if (!include) skip('no OpenBLAS cblas.h: apt-get install libopenblas-dev');
  const libdir = findLibDir();
  if (!libdir) skip('no libopenblas: apt-get install libopenblas-dev');
  const gyp = findNodeGyp();
  if (!gyp) skip('node-gyp not found');
  const nodedir = findNodeDir();

  const args = [gyp, 'rebuild', '--release', '--jobs=2'];
  if (nodedir) args.push(`--nodedir=${nodedir}`);
  args.push('--', `-Dopenblas_include=${include}`, `-Dopenblas_libdir=${libdir}`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: HERE, encoding: 'utf8', timeout: 300000, env: { ...process.env, npm_config_loglevel: 'warn' } });
  const log = `$ ${process.execPath} ${args.join(' ')}\n${r.stdout || ''}\n${r.stderr || ''}\n${r.error ? String(r.error) : ''}\n`;
  fs.writeFileSync(LOG, log);
  if (r.status !== 0 || !fs.existsSync(ADDON)) {
    const lines = `${r.stderr || ''}\n${r.stdout || ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
    const err = lines.find((l) => /\berror\b/i.test(l) && !/^gyp /.test(l)) // compiler / linker / make
      || lines.find((l) => /^gyp: /.test(l)) // gyp itself (e.g. missing headers)
      || lines.find((l) => /^gyp ERR! /.test(l) && !/^gyp ERR! (stack|cwd|node -v|node-gyp -v|command|System)/.test(l))
      || (r.error ? String(r.error) : `exit ${r.status}`);
    skip(`node-gyp failed: ${err.slice(0, 160)}; see native/build.log`);
  }
  const t = smokeTest();
  if (!t.ok) {
    fs.rmSync(ADDON, { force: true });
    skip(`the built addon failed its self-test: ${t.error.slice(0, 160)}`);
  }
  say(`native OpenBLAS matmul and kernels built in ${((Date.now() - t0) / 1000).toFixed(0)} s (native/build/Release/phylab_blas.node; ${t.config})`);
}

try {
  main();
} catch (e) {
  skip(`build script error: ${e && e.message ? e.message.split('\n')[0] : e}`);
}
