/** `phylab export-figure` (lib/cli/commands/export-figure.ts): argument checks, and one real export. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from '../../lib/cli/commands/export-figure';
import { parseArgs, UsageError } from '../../lib/cli/args';
import { findChromium } from '../../lib/plot/chromium';
import { figure, line } from '../../lib/plot/figure';

const run = (argv: string[]) => command.run(parseArgs(command, argv));

describe('cli export-figure', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'phylab-cli-fig-'));
    writeFileSync(join(dir, 'fig.plotly.json'), JSON.stringify(figure([line({ x: [1, 2, 3], y: [1, 4, 9], name: 'sq' })], { width: 300, height: 200 })));
    writeFileSync(join(dir, 'fig.json'), JSON.stringify({ config: { run: 'original' }, seed: 9, commit: 'abc', date: '2026-01-01T00:00:00.000Z' }));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify([1, 2]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('rejects bad arguments with messages naming the parameter', async () => {
    await assert.rejects(run([]), (e: unknown) => e instanceof UsageError && /--in: give at least one/.test((e as Error).message));
    await assert.rejects(run(['--in', join(dir, 'nope.json')]), /--in: no such file/);
    await assert.rejects(run(['--in', join(dir, 'bad.json')]), (e: unknown) => e instanceof UsageError && /expected an object/.test((e as Error).message));
    await assert.rejects(run(['--in', join(dir, 'fig.plotly.json'), '--formats', 'svg,gif']), /--formats: unknown format gif; allowed: svg, png, pdf, json/);
    await assert.rejects(run(['--in', `${join(dir, 'fig.plotly.json')},${join(dir, 'fig.plotly.json')}`, '--name', 'x']), /--name: only with a single/);
    assert.throws(() => parseArgs(command, ['--scale', '0']), /--scale must be in \[0.1, 10\]/);
  });

  it('exports SVG and PNG at the requested scale, carrying config and seed from the input sidecar', async function () {
    if (!findChromium()) {
      // eslint-disable-next-line no-console
      console.log('    (skipped: no Chromium found; apt-get install chromium, or set PHYLAB_CHROMIUM)');
      this.skip();
    }
    const out = join(dir, 'out');
    await run(['--in', join(dir, 'fig.plotly.json'), '--out', out, '--formats', 'svg,png', '--scale', '3']);
    assert.ok(readFileSync(join(out, 'fig.svg'), 'utf8').startsWith('<svg'));
    const png = readFileSync(join(out, 'fig.png'));
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [900, 600]);
    assert.ok(!existsSync(join(out, 'fig.pdf')));
    const side = JSON.parse(readFileSync(join(out, 'fig.json'), 'utf8'));
    assert.deepEqual(side.config, { run: 'original' });
    assert.equal(side.seed, 9);
    assert.equal(side.sourceCommit, 'abc');
    assert.equal(side.source, join(dir, 'fig.plotly.json'));
    assert.equal(side.scale, 3);
  });
});
