import { strict as assert } from 'node:assert';
import { runProvenanceMarkdown, unitOrigins, RunInfo } from '../../../lib/experiments/core/run-provenance';
import { configDrift, configDriftMarkdown } from '../../../lib/experiments/core/run-provenance';

const run: RunInfo = {
  date: '2026-11-25T18:00:00.000Z',
  commit: 'aaaaaaaaaaaaaaaa',
  backend: 'wasm (SIMD)',
  complete: false,
  units: [
    { id: 'train/a', done: true, seconds: 1800, commit: 'bbbbbbbbbbbbbbbb', backend: 'wasm (SIMD; 17 native kernels) — details' },
    { id: 'eval/a', done: true, seconds: 60, commit: 'bbbbbbbbbbbbbbbb', backend: 'wasm (SIMD; 17 native kernels) — details' },
    { id: 'train/b', done: true, seconds: 1200, commit: 'cccccccccccccccc', backend: null },
    { id: 'eval/b', done: false, seconds: null },
    { id: 'train/c', done: false, seconds: null },
  ],
};

describe('experiments/run-provenance', () => {
  it('counts finished units per commit and backend, most first', () => {
    assert.deepEqual(unitOrigins(run), [
      { commit: 'bbbbbbbbbbbbbbbb', backend: 'wasm (SIMD; 17 native kernels) — details', units: 2 },
      { commit: 'cccccccccccccccc', backend: null, units: 1 },
    ]);
  });
  it('says models trained of planned, compute time and origins', () => {
    const md = runProvenanceMarkdown('x', 'quick', run);
    assert.match(md, /2 trained of 3 planned \(incomplete/);
    assert.match(md, /training 0\.83 h \(25\.0 min per model/);
    assert.match(md, /2 at `bbbbbbbbbbbb` on wasm \(SIMD; 17 native kernels\); 1 at `cccccccccccc`/);
    assert.doesNotMatch(md, /— details/, 'the backend line without its long tail');
    assert.match(md.split('\n')[0], /^\*\*`x`\*\* \(quick\): 2 of 3 models trained \(incomplete\); summary of 2026-11-25 at commit `aaaaaaaaaaaa`\.$/, 'one readable line first');
    assert.match(md, /<details><summary>where these numbers come from<\/summary>/);
    assert.match(md, /`a`, `b`/);
  });
  it('says how to compute a missing summary', () => {
    assert.match(runProvenanceMarkdown('id-ood', 'quick', null), /npx phylab exp id-ood --profile quick/);
  });
});

describe('run provenance: config drift', () => {
  it('names the top-level fields a shown summary differs in from the current config, and says nothing when they agree', () => {
    const cur = { preset: 'q64', latent: 'vae', train: { lr: 4e-3 } };
    assert.deepEqual(configDrift({ config: { preset: 'q64', train: { lr: 1e-3 } } }, cur), ['latent', 'train']);
    assert.deepEqual(configDrift({ config: { ...cur } }, cur), []);
    assert.deepEqual(configDrift(null, cur), []);
    assert.equal(configDriftMarkdown('velocity-gap', { config: cur }, cur), '');
    assert.match(configDriftMarkdown('velocity-gap', { config: { preset: 'q64' } }, cur), /fields that differ: `latent`, `train`/);
  });
});
