import { strict as assert } from 'node:assert';
import { loadCommands } from '../../lib/cli/main';
import { bundledModules, registerBundledModules } from '../../lib/cli/registry';

describe('cli/registry', () => {
  it('from source the commands are discovered from the folder (gpu-check among them)', () => {
    assert.equal(bundledModules('commands'), null);
    assert.ok(loadCommands().some((c) => c.name === 'gpu-check'));
  });

  it('a bundle registers its modules and loadCommands uses them, sorted by order', () => {
    const fake = { command: { name: 'zz', summary: 's', options: [], order: 1, run: async () => 0 } };
    const fake2 = { command: { name: 'aa', summary: 's', options: [], order: 2, run: async () => 0 } };
    registerBundledModules('commands', [fake2, {}, fake]);
    try {
      assert.deepEqual(loadCommands().map((c) => c.name), ['zz', 'aa']);
    } finally {
      registerBundledModules('commands', undefined as unknown as unknown[]);
    }
    assert.equal(bundledModules('commands'), null);
  });
});
