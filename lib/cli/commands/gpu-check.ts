/**
 * `phylab gpu-check`: which WebGPU adapter Dawn finds here (vendor, architecture, limits,
 * features), and whether the `webgpu` backend computes a tiny DiT's forward pass, loss,
 * gradients and one AdamW step like the wasm reference (lib/train/backend-parity.ts).
 * Exit codes: 0 parity ok, 1 parity failed, 3 no usable adapter.
 */
import { writeFileSync } from 'node:fs';
import { CommandSpec } from '../args';
import { backendParity, defaultParityOptions, formatParity } from '../../train/backend-parity';
import { adapterLabel, dawnFlags, dawnNodePath, gpuDeviceNodes, probeWebGPU, vulkanLoaderDir } from '../../runtime/webgpu';

export const command: CommandSpec = {
  name: 'gpu-check',
  summary: 'show the WebGPU (Dawn/Vulkan) adapter and check the webgpu backend against wasm on a tiny DiT',
  order: 85,
  description: [
    'Loads Dawn (the optional npm package `webgpu`, or PHYLAB_DAWN_NODE), asks for a high-performance adapter',
    'and prints it. When the adapter is a GPU (not lavapipe/SwiftShader/null), runs the same tiny DiT on webgpu',
    'and on wasm from the same weights and compares forward, loss, every gradient and one AdamW step.',
    'PHYLAB_DAWN_FLAGS passes Dawn options (e.g. backend=vulkan, adapter=<name>).',
  ].join('\n'),
  options: [
    { name: 'reference', type: 'string', choices: ['wasm', 'cpu'], help: 'backend to compare with', default: 'wasm' },
    { name: 'tol', type: 'number', min: 0, help: 'relative tolerance on forward/loss/gradients/moments', default: defaultParityOptions().relTol },
    { name: 'probe-only', type: 'boolean', help: 'only print the adapter', default: false },
    { name: 'out', type: 'string', help: 'also write the adapter and the comparison as JSON to this file' },
  ],
  examples: ['phylab gpu-check', 'PHYLAB_DAWN_FLAGS=backend=vulkan phylab gpu-check --out gpu-check.json'],
  async run(args) {
    const o = args.options;
    const w = (s: string) => process.stdout.write(s + '\n');
    w(`dawn.node: ${dawnNodePath() ?? 'not installed'}; Vulkan loader: ${vulkanLoaderDir() ?? 'none'}; GPU devices: ${gpuDeviceNodes().join(' ') || 'none'}; Dawn flags: ${dawnFlags().join(',') || 'none'}`);
    const probe = await probeWebGPU();
    if (probe.adapter) {
      w(`adapter: ${adapterLabel(probe.adapter)}${probe.adapter.cpuEmulation ? ' [CPU emulation]' : ''}`);
      w(`  features: ${probe.adapter.features.join(' ')}`);
      w(`  limits: ${JSON.stringify(probe.adapter.limits)}`);
    }
    const result: Record<string, unknown> = { probe };
    let code = 0;
    if (!probe.usable) {
      w(`webgpu: not usable: ${probe.reason}`);
      code = 3;
    } else if (!o['probe-only']) {
      const t0 = performance.now();
      const reports = await backendParity('webgpu', String(o.reference), { relTol: Number(o.tol) });
      w(`webgpu vs ${o.reference} on tiny DiTs (forward, loss, gradients, one AdamW step), ${((performance.now() - t0) / 1000).toFixed(1)} s:`);
      w(formatParity(reports));
      result.parity = reports;
      code = reports.every((r) => r.ok) ? 0 : 1;
    }
    if (o.out) writeFileSync(String(o.out), JSON.stringify(result, null, 2) + '\n');
    return code;
  },
};
