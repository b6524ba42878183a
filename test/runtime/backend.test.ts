import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { currentBackend, initBackend, parseBackendChoice } from '../../lib/runtime/backend';

describe('runtime/backend', () => {
  it('parses backend names and names the allowed ones on error', () => {
    assert.equal(parseBackendChoice(undefined), 'auto');
    assert.equal(parseBackendChoice('wasm'), 'wasm');
    assert.throws(() => parseBackendChoice('gpu'), /allowed: auto, tensorflow-gpu, webgpu, tensorflow, wasm, cpu/);
  });

  it('auto never picks the plain cpu backend silently', async () => {
    const info = await initBackend({ backend: 'auto', quiet: true });
    assert.notEqual(info.name, 'cpu');
    assert.equal(tf.getBackend(), info.name);
    assert.equal(currentBackend()?.name, info.name);
    assert.ok(info.reason.length > 0);
  });

  it('an explicit cpu request is honoured, and wasm can be selected back', async () => {
    const cpu = await initBackend({ backend: 'cpu', quiet: true });
    assert.equal(cpu.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    const w = await initBackend({ backend: 'wasm', quiet: true });
    assert.equal(w.name, 'wasm');
    assert.match(w.label, /wasm/);
  });
});
