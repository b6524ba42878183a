/** VAE weights carry a checksum verified on load; a bad vae.json names the file (issue 15, item 3). */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disposeParams } from '../../lib/model/params';
import { defaultVaeConfig, initVaeParams, loadVae, readVaeMeta, saveVae } from '../../lib/model/vae';
import { useWasm } from './helpers';

describe('model/vae integrity', function () {
  this.timeout(30_000);
  let dir: string;
  before(useWasm);
  beforeEach(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'phylab-vaeint-')), 'vae');
    const config = defaultVaeConfig();
    const params = initVaeParams(config, 1);
    await saveVae(dir, params, { config, scale: 1, frameShape: [16, 16, 3], seed: 1, steps: 0, data: 'none', reconMse: null });
    disposeParams(params);
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('records and verifies weights.bin; altered, truncated and bad-JSON files are errors naming the file', () => {
    const meta = readVaeMeta(dir);
    assert.match(meta.files?.['weights.bin'].sha256 ?? '', /^[0-9a-f]{64}$/);
    disposeParams(loadVae(dir).params);
    const w = join(dir, 'weights.bin');
    const orig = readFileSync(w);
    const b = Buffer.from(orig);
    b.writeFloatLE(b.readFloatLE(0) + 1, 0);
    writeFileSync(w, b);
    assert.throws(() => loadVae(dir), (e: Error) => e.message.includes(w) && /fails its checksum/.test(e.message));
    truncateSync(w, 8);
    assert.throws(() => loadVae(dir), (e: Error) => e.message.includes(w) && /has 8 bytes/.test(e.message));
    writeFileSync(w, orig);
    writeFileSync(join(dir, 'vae.json'), '{');
    assert.throws(() => readVaeMeta(dir), (e: Error) => e.message.includes(join(dir, 'vae.json')) && /not valid JSON/.test(e.message));
  });
});
