import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { patchify, unpatchify } from '../../lib/model/patchify';
import { useWasm } from './helpers';

describe('model/patchify', () => {
  before(useWasm);

  it('token n = (t·gy + y)·gx + x with features ordered (pt, ph, pw, C); unpatchify inverts it', () => {
    tf.tidy(() => {
      const [b, t, h, w, c] = [2, 4, 4, 6, 3];
      const x = tf.range(0, b * t * h * w * c).reshape([b, t, h, w, c]) as tf.Tensor5D;
      const patch: [number, number, number] = [2, 2, 3];
      const tok = patchify(x, patch);
      assert.deepEqual(tok.shape, [2, 2 * 2 * 2, 2 * 2 * 3 * 3]);
      const xs = x.arraySync() as number[][][][][];
      const ts = tok.arraySync() as number[][][];
      // token (bi=1, t'=1, y'=0, x'=1), feature (pt=1, ph=1, pw=2, c=2)
      const n = (1 * 2 + 0) * 2 + 1;
      const f = ((1 * 2 + 1) * 3 + 2) * 3 + 2;
      assert.equal(ts[1][n][f], xs[1][1 * 2 + 1][0 * 2 + 1][1 * 3 + 2][2]);
      assert.deepEqual(unpatchify(tok, [t, h, w, c], patch).dataSync(), x.dataSync());
      const tok1 = patchify(x, [1, 4, 2]);
      assert.deepEqual(unpatchify(tok1, [t, h, w, c], [1, 4, 2]).dataSync(), x.dataSync());
    });
  });
});
