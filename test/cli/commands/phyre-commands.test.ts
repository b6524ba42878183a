/** `phylab simulate --scenario phyre`, `phylab abnormal` and `phylab video-metrics` as a user runs them. */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phylab } from './run-phylab';

describe('cli: phyre commands', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'phylab-phyre-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('simulate --scenario phyre writes frames, states.json, GIF and filmstrip per trial, deterministically', () => {
    const runs = ['a', 'b'].map((name) => {
      const out = join(dir, name);
      const r = phylab(['simulate', '--scenario', 'phyre', '--template', '5', '--seed', '7', '--trials', '2', '--size', '32', '--frames', '6', '--out', out, '--gif', '--filmstrip']);
      assert.equal(r.status, 0, r.stderr);
      return out;
    });
    const videos = readdirSync(runs[0]).filter((f) => f.startsWith('10005-007-trial-')).sort();
    assert.deepEqual(videos, ['10005-007-trial-000', '10005-007-trial-001']);
    const v0 = join(runs[0], videos[0]);
    assert.equal(readdirSync(v0).filter((f) => /^frame-\d{3}\.png$/.test(f)).length, 6);
    assert.ok(existsSync(join(v0, 'video.gif')) && existsSync(join(v0, 'filmstrip.png')));
    const states = JSON.parse(readFileSync(join(v0, 'states.json'), 'utf8'));
    assert.equal(states.task, '10005:007');
    assert.equal(states.frames.length, 6);
    assert.equal(states.bodies[states.bodies.length - 1].color, 'red');
    assert.ok(readFileSync(join(v0, 'frame-005.png')).equals(readFileSync(join(runs[1], videos[0], 'frame-005.png'))));
  });

  it('abnormal flags a planted violation and rejects a bad kind', () => {
    const r = phylab(['abnormal', '--template', '7', '--seed', '11', '--plant', 'vanished', '--size', '128', '--frames', '24']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /ABNORMAL/);
    assert.match(r.stdout, /vanished/);
    const bad = phylab(['abnormal', '--plant', 'melted']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--plant: unknown value 'melted'; allowed: none, vanished/);
  });

  it('video-metrics needs something to do; help lists the options', () => {
    const r = phylab(['video-metrics']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /pass --train and\/or --monotonic/);
    assert.match(phylab(['video-metrics', '--help']).stdout, /--frame-weights/);
  });
});
