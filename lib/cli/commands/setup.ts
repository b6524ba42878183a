/** `phylab setup`: register the Jupyter kernel and report what this machine offers. */
import { CommandSpec } from '../args';
import { checkChromium, checkNode, checkPytorchPeer, formatChecks, registerKernel } from '../doctor';
import { initBackend } from '../../runtime/backend';

export const command: CommandSpec = {
  name: 'setup',
  summary: "register the 'phylab' Jupyter kernel (tslab, rooted at this repo) and check the machine",
  order: 1,
  options: [{ name: 'no-kernel', type: 'boolean', help: 'do not register the Jupyter kernel', default: false }],
  async run(args) {
    const checks = [checkNode()];
    if (!args.options['no-kernel']) checks.push(registerKernel());
    checks.push(checkChromium(), checkPytorchPeer());
    const be = await initBackend({ quiet: true });
    checks.push({ name: 'tfjs backend', ok: true, detail: `${be.label} — ${be.reason}` });
    process.stdout.write(`phylab setup:\n${formatChecks(checks)}\n`);
    return 0;
  },
};
