import { strict as assert } from 'node:assert';
import { initBackend } from '../../lib/runtime/backend';
import { backendParity, formatParity } from '../../lib/train/backend-parity';
import * as tf from '@tensorflow/tfjs';
import { adapterLabel, applyTfjsFlags, isCpuEmulation, probeWebGPU } from '../../lib/runtime/webgpu';

describe('runtime/webgpu', () => {
  it('recognises CPU emulations and the null backend as not a GPU', () => {
    assert.ok(isCpuEmulation({ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' }));
    assert.ok(isCpuEmulation({ vendor: 'Google', device: 'SwiftShader Device (Subzero)' }));
    assert.ok(isCpuEmulation({ device: 'null-backend' }));
    assert.ok(isCpuEmulation({ vendor: 'nvidia', device: 'NVIDIA H200' }, true), 'a fallback adapter');
    assert.ok(!isCpuEmulation({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200' }));
  });

  it('PHYLAB_TFJS_FLAGS sets TF.js flags (numbers and booleans parsed) and rejects malformed items', () => {
    const k = 'TOPK_LAST_DIM_CPU_HANDOFF_SIZE_THRESHOLD';
    const before = tf.env().getNumber(k);
    try {
      assert.deepEqual(applyTfjsFlags(`DEBUG=false, ${k}=1234`), { DEBUG: false, [k]: 1234 });
      assert.equal(tf.env().getNumber(k), 1234);
      assert.throws(() => applyTfjsFlags('NOVALUE'), /PHYLAB_TFJS_FLAGS: 'NOVALUE' is not NAME=VALUE/);
    } finally {
      tf.env().set(k, before);
    }
  });

  it('probing never throws and says why webgpu is (not) usable', async () => {
    const p = await probeWebGPU();
    assert.equal(typeof p.usable, 'boolean');
    assert.ok(p.reason.length > 0);
    if (p.adapter) assert.match(adapterLabel(p.adapter), /maxBuffer/);
  });

  it('PHYLAB_BACKEND=webgpu refuses to fall back when no adapter serves', async function () {
    const p = await probeWebGPU();
    if (p.usable) this.skip();
    await assert.rejects(initBackend({ backend: 'webgpu', quiet: true }), /webgpu \(asked for explicitly\): .*No fall-back/);
  });

  it('webgpu computes a tiny DiT like wasm: forward, loss, gradients, one AdamW step (relative 2e-3)', async function () {
    const p = await probeWebGPU();
    if (!p.usable) {
      // eslint-disable-next-line no-console
      console.log(`      skipped: no usable WebGPU adapter: ${p.reason}`);
      this.skip();
    }
    this.timeout(600_000);
    const reports = await backendParity('webgpu', 'wasm');
    for (const r of reports) assert.ok(r.ok, formatParity([r]));
  });
});
