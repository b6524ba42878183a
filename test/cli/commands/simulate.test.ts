/** `phylab simulate` end to end, as a user runs it (a child process), into a temp folder. */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phylab } from './run-phylab';

describe('cli: phylab simulate', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'phylab-sim-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--scenario attributes writes a pair\'s test combinations (ring variant: red rings and blue discs)', () => {
    const out = join(dir, 'attributes');
    const r = phylab(['simulate', '--scenario', 'attributes', '--pair', 'ring', '--set', 'test', '--count', '2', '--size', '32', '--frames', '4', '--out', out, '--no-png']);
    assert.equal(r.status, 0, r.stderr);
    const objs = ['video-000', 'video-001'].map((v) => JSON.parse(readFileSync(join(out, v, 'states.json'), 'utf8')).frames[0][0]);
    assert.deepEqual(objs.map((o: { color: string; shape: string }) => `${o.color} ${o.shape}`), ['red ring', 'blue circle']);
    const bad = phylab(['simulate', '--scenario', 'attributes', '--pair', 'colour-shape', '--out', out]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /pair/);
  });

  it('writes PNG frames, states.json, a GIF and a filmstrip per video', () => {
    const out = join(dir, 'collision');
    const r = phylab(['simulate', '--scenario', 'collision', '--split', 'id', '--count', '2', '--seed', '1', '--size', '32', '--frames', '12', '--out', out, '--gif', '--filmstrip']);
    assert.equal(r.status, 0, r.stderr);
    const videos = readdirSync(out).filter((f) => f.startsWith('video-')).sort();
    assert.equal(videos.length, 2);
    const v0 = join(out, videos[0]);
    const frames = readdirSync(v0).filter((f) => /^frame-\d{3}\.png$/.test(f));
    assert.equal(frames.length, 12);
    assert.ok(existsSync(join(v0, 'video.gif')) && existsSync(join(v0, 'filmstrip.png')));
    assert.deepEqual([...readFileSync(join(v0, 'frame-000.png')).subarray(1, 4)], [0x50, 0x4e, 0x47]); // 'PNG'
    const states = JSON.parse(readFileSync(join(v0, 'states.json'), 'utf8'));
    const flat = JSON.stringify(states);
    for (const k of ['"x"', '"y"', '"vx"', '"vy"', '"radius"', '"color"', '"shape"']) assert.ok(flat.includes(k), `states.json has ${k}`);
    assert.ok(flat.includes('"red"') && flat.includes('"blue"'));
  });

  it('is deterministic: the same seed gives identical bytes', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    for (const o of [a, b]) assert.equal(phylab(['simulate', '--scenario', 'parabola', '--count', '1', '--seed', '5', '--size', '16', '--frames', '4', '--out', o]).status, 0);
    const v = readdirSync(a).find((f) => f.startsWith('video-'))!;
    assert.ok(readFileSync(join(a, v, 'frame-003.png')).equals(readFileSync(join(b, v, 'frame-003.png'))));
    assert.equal(readFileSync(join(a, v, 'states.json'), 'utf8'), readFileSync(join(b, v, 'states.json'), 'utf8'));
  });

  it('rejects bad input with one line naming the parameter, exit code 2', () => {
    const r1 = phylab(['simulate', '--scenario', 'pendulum', '--out', join(dir, 'x')]);
    assert.equal(r1.status, 2);
    assert.match(r1.stderr, /scenario/);
    assert.ok(!/\n\s+at /.test(r1.stderr), 'no stack trace');
    const r2 = phylab(['simulate', '--frames', '0', '--out', join(dir, 'x')]);
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /--frames/);
  });
});
