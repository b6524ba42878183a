import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../lib/runtime/backend';
import { loadFeatureNet, simNetPath, spreadFrames, trainSimFeatureNet, defaultSimNetConfig } from '../../lib/metrics/feature-nets';
import { lpipsSimFrames, lpipsSimVideo } from '../../lib/metrics/lpips-sim';
import { fvdSim } from '../../lib/metrics/fvd-sim';
import { makePhyreVideo } from '../../lib/sim/phyre/video';

/** Saves a TF.js Layers model as model.json + weights.bin (what tensorflowjs_converter writes). */
async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<string> {
  await model.save(tf.io.withSaveHandler(async (art) => {
    writeFileSync(join(dir, 'weights.bin'), Buffer.from(art.weightData as ArrayBuffer));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: art.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }] }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return join(dir, 'model.json');
}

describe('metrics/feature-nets, lpips-sim, fvd-sim', function () {
  this.timeout(300000);
  let dir: string;
  before(async () => {
    await initBackend({ quiet: true });
    dir = mkdtempSync(join(tmpdir(), 'phylab-fn-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const a = makePhyreVideo({ template: 23, seed: 1, trial: 0, size: 32, frames: 16 });
  const b = makePhyreVideo({ template: 23, seed: 1, trial: 3, size: 32, frames: 16 });
  const c = makePhyreVideo({ template: 40, seed: 2, trial: 1, size: 32, frames: 16 });

  it('trains a tiny seeded simulator net, caches it, and reloads it from the cache', async () => {
    const cfg = { kind: 'frame' as const, steps: 3, trainVideos: 14, size: 16 };
    const first = await trainSimFeatureNet(cfg, { cacheDir: dir });
    assert.equal(first.report.cached, false);
    assert.equal(first.net.name, 'LPIPS-sim');
    const again = await trainSimFeatureNet(cfg, { cacheDir: dir });
    assert.equal(again.report.cached, true);
    assert.equal(again.report.path, simNetPath({ ...defaultSimNetConfig('frame'), ...cfg }, dir));
    const d1 = lpipsSimFrames(first.net, a.frames, b.frames, 16, 32, 32);
    const d2 = lpipsSimFrames(again.net, a.frames, b.frames, 16, 32, 32);
    assert.deepEqual(d1, d2, 'the cached net gives the same distances');
    assert.equal(lpipsSimVideo(first.net, a.frames, a.frames, 16, 32, 32), 0);
    assert.ok(d1[15] > 0);
    const loaded = await loadFeatureNet(first.report.path);
    assert.deepEqual(lpipsSimFrames(loaded, a.frames, b.frames, 16, 32, 32), d1);
  });

  it('FVD-sim: 0 for a set against itself, positive against another set', async () => {
    const { net } = await trainSimFeatureNet({ kind: 'video', steps: 2, trainVideos: 14, size: 16 }, { cacheDir: dir });
    assert.equal(net.name, 'FVD-sim');
    assert.ok(fvdSim(net, [a.frames, b.frames, c.frames], [a.frames, b.frames, c.frames], 16, 32, 32) < 1e-6);
    assert.ok(fvdSim(net, [a.frames, b.frames, c.frames], [c.frames, c.frames, a.frames], 16, 32, 32) > 0);
    assert.throws(() => lpipsSimFrames(net, a.frames, b.frames, 16, 32, 32), /needs a frame net/);
  });

  it('accepts user-supplied converted weights (a tiny locally-made TF.js Layers model) through the same interface', async () => {
    // frame net, AlexNet-like layout [B, S, S, 3]
    const fm = tf.sequential();
    fm.add(tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 4, kernelSize: 3, strides: 2, activation: 'relu', name: 'relu1', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
    fm.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, activation: 'relu', name: 'relu2', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    fm.add(tf.layers.flatten({ name: 'flat' }));
    const framePath = await saveLayersModel(fm, mkdtempSync(join(dir, 'alex-')));
    const frameNet = await loadFeatureNet(framePath, { kind: 'frame', size: 16, frames: 1, tapLayers: ['relu1', 'relu2'], name: 'tiny-alexnet' });
    const d = lpipsSimFrames(frameNet, a.frames, c.frames, 16, 32, 32);
    assert.equal(d.length, 16);
    assert.ok(d.every((x) => Number.isFinite(x) && x >= 0) && d.some((x) => x > 0));
    assert.equal(lpipsSimVideo(frameNet, a.frames, a.frames, 16, 32, 32), 0);
    // video net, I3D-like layout [B, T, S, S, 3]
    const vm = tf.sequential();
    vm.add(tf.layers.conv3d({ inputShape: [4, 16, 16, 3], filters: 4, kernelSize: 3, strides: 2, activation: 'relu', name: 'c3d', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
    vm.add(tf.layers.flatten());
    vm.add(tf.layers.dense({ units: 5, name: 'logits', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
    const videoPath = await saveLayersModel(vm, mkdtempSync(join(dir, 'i3d-')));
    const videoNet = await loadFeatureNet(videoPath, { kind: 'video', size: 16, frames: 4, embeddingLayer: 'logits' });
    assert.ok(fvdSim(videoNet, [a.frames, b.frames, c.frames], [a.frames, b.frames, c.frames], 16, 32, 32) < 1e-6);
    assert.ok(fvdSim(videoNet, [a.frames, b.frames, c.frames], [c.frames, c.frames, b.frames], 16, 32, 32) > 0);
    await assert.rejects(loadFeatureNet(videoPath, { kind: 'video', size: 16, frames: 4, embeddingLayer: 'nope' }), /layer 'nope' is not in/);
    await assert.rejects(loadFeatureNet(join(dir, 'missing.json')), /not found/);
  });

  it('spreads clip frames over the video', () => {
    assert.deepEqual(spreadFrames(32, 8), [0, 4, 9, 13, 18, 22, 27, 31]);
    assert.deepEqual(spreadFrames(10, 1), [0]);
  });
});
