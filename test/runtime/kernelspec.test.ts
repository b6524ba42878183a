/** Kernelspecs bound to their checkout (issue 15, item 10). Uses a private JUPYTER_DATA_DIR: the machine's registration is untouched. */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findJupyter } from '../../lib/notebook/jupyter';
import { boundKernelName, kernelJson, registerKernels } from '../../lib/runtime/kernelspec';
import { REPO_ROOT } from '../../lib/runtime/provenance';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { checkoutOf, kernelRoot } = require(join(REPO_ROOT, 'bin', 'kernel-root.cjs')) as { checkoutOf(d: string): string | null; kernelRoot(own: string, cwd: string, env: Record<string, string | undefined>): string };

describe('runtime/kernelspec', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'phylab-kspec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A second phylab checkout (just what the launcher looks for). */
  const fakeCheckout = (name: string): string => {
    const root = join(dir, name);
    mkdirSync(join(root, 'bin'), { recursive: true });
    mkdirSync(join(root, 'notebooks'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'phylab' }));
    writeFileSync(join(root, 'bin', 'tslab-kernel.cjs'), '');
    return root;
  };

  it('names the bound kernel by the checkout path, so two checkouts do not collide', () => {
    const a = fakeCheckout('a');
    const b = fakeCheckout('b');
    assert.match(boundKernelName(a), /^phylab-[0-9a-f]{8}$/);
    assert.notEqual(boundKernelName(a), boundKernelName(b));
    assert.equal(boundKernelName(REPO_ROOT), boundKernelName(REPO_ROOT));
    const k = kernelJson(a, true) as { argv: string[]; env: Record<string, string> };
    assert.equal(k.argv[1], join(a, 'bin', 'tslab-kernel.cjs'));
    assert.equal(k.env.PHYLAB_KERNEL_BOUND, '1');
  });

  it('the shared kernel runs the checkout the notebook is in; a bound one always its own', () => {
    const other = fakeCheckout('other');
    assert.equal(checkoutOf(join(other, 'notebooks')), other);
    assert.equal(checkoutOf(tmpdir()), null);
    assert.equal(kernelRoot(REPO_ROOT, join(other, 'notebooks'), {}), other, 'a notebook in another checkout runs that checkout');
    assert.equal(kernelRoot(REPO_ROOT, join(other, 'notebooks'), { PHYLAB_KERNEL_BOUND: '1' }), REPO_ROOT);
    assert.equal(kernelRoot(REPO_ROOT, tmpdir(), {}), REPO_ROOT, 'outside any checkout: the registering one');
    assert.equal(JSON.parse(readFileSync(join(REPO_ROOT, 'jupyter', 'kernels', 'phylab', 'kernel.json'), 'utf8')).env.PHYLAB_KERNEL_BOUND, '1', 'the repo-local kernelspec is bound');
  });

  it('registers both kernels and warns when an older registration pointed at another checkout', function () {
    const jupyter = findJupyter();
    if (!jupyter) this.skip();
    const data = join(dir, 'jupyter-data');
    const env = { ...process.env, JUPYTER_DATA_DIR: data, JUPYTER_PATH: '', PYDEVD_DISABLE_FILE_VALIDATION: '1' };
    const old = fakeCheckout('old');
    mkdirSync(join(data, 'kernels', 'phylab'), { recursive: true });
    writeFileSync(join(data, 'kernels', 'phylab', 'kernel.json'), JSON.stringify(kernelJson(old, false)));
    const r = registerKernels(jupyter!, env, REPO_ROOT);
    assert.ok(r.ok, r.detail);
    assert.deepEqual(r.names, ['phylab', boundKernelName(REPO_ROOT)]);
    assert.equal(r.warnings.length, 1);
    assert.match(r.detail, new RegExp(`WARNING: the kernel 'phylab' was registered from ${old}`));
    const bound = JSON.parse(readFileSync(join(data, 'kernels', boundKernelName(REPO_ROOT), 'kernel.json'), 'utf8'));
    assert.equal(bound.argv[1], join(REPO_ROOT, 'bin', 'tslab-kernel.cjs'));
    assert.equal(bound.env.PHYLAB_KERNEL_BOUND, '1');
    assert.equal(registerKernels(jupyter!, env, REPO_ROOT).warnings.length, 0, 'registering again: nothing to warn about');
  });
});
