import { strict as assert } from 'node:assert';
import { comparePresets, getPreset } from '../../lib/model/presets';

describe('model/presets', () => {
  it('orders presets from the smallest model to the largest, unknown names last', () => {
    assert.deepEqual(['q128', 'q64', 'q96'].sort(comparePresets), ['q64', 'q96', 'q128']);
    assert.deepEqual(['DiT-L', 'DiT-S', 'DiT-B'].sort(comparePresets), ['DiT-S', 'DiT-B', 'DiT-L'], 'not alphabetical');
    assert.deepEqual(['zz', 'q64', 'aa'].sort(comparePresets), ['q64', 'aa', 'zz']);
  });

  it('names the parameter, the bad value and the allowed presets', () => {
    assert.throws(() => getPreset('q65', '--model'), /--model: unknown model preset 'q65'; allowed: tiny, q64/);
  });
});
