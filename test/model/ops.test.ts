import * as tf from '@tensorflow/tfjs';
import { strict as assert } from 'node:assert';
import { attention, attentionReference } from '../../lib/model/attention';
import { colSum, dense, linear, mm, setTransposeMode, transpose2d } from '../../lib/model/fast-ops';
import { layerNormModulate, layerNormModulateReference } from '../../lib/model/layer-norm';
import { mlp, mlpReference } from '../../lib/model/mlp';
import { ropeTables } from '../../lib/model/rope';
import { assertClose, checkOpAgainstReference, randn, useWasm } from './helpers';

describe('model/fast ops (hand-written gradients vs autograd references)', () => {
  before(useWasm);
  after(() => setTransposeMode('auto'));

  for (const mode of ['explicit', 'flags'] as const) {
    describe(`transpose mode ${mode}`, () => {
      before(() => setTransposeMode(mode));

      it('transpose2d matches tf.transpose for tall and small matrices', () => {
        for (const shape of [[512, 24], [7, 5], [256, 64]]) {
          tf.tidy(() => {
            const x = randn(shape, 1) as tf.Tensor2D;
            assertClose(transpose2d(x), tf.transpose(x), 0, `transpose ${shape}`);
          });
        }
      });

      it('mm with transposed operands and colSum', () => {
        tf.tidy(() => {
          const a = randn([300, 8], 2) as tf.Tensor2D;
          const b = randn([300, 6], 3) as tf.Tensor2D;
          assertClose(mm(a, b, true, false), tf.matMul(tf.transpose(a), b), 1e-5, 'aᵀb');
          assertClose(mm(b, randn([5, 6], 4) as tf.Tensor2D, false, true), tf.matMul(b, tf.transpose(randn([5, 6], 4))), 1e-5, 'abᵀ');
          assertClose(colSum(a), tf.sum(a, 0), 1e-5, 'colSum');
        });
      });

      it('dense', () => {
        const xs = [randn([2, 5, 7], 1), randn([7, 3], 2), randn([3], 3)];
        checkOpAgainstReference(dense, (x, w, b) => tf.add(tf.matMul(tf.reshape(x, [10, 7]), w as tf.Tensor2D), b).reshape([2, 5, 3]), xs, 1e-4, 'dense');
        tf.dispose(xs);
      });

      it('linear (no bias)', () => {
        const xs = [randn([3, 4, 6], 21), randn([6, 5], 22)];
        checkOpAgainstReference(linear, (x, w) => tf.matMul(tf.reshape(x, [12, 6]), w as tf.Tensor2D).reshape([3, 4, 5]), xs, 1e-4, 'linear');
        tf.dispose(xs);
      });

      it('layerNormModulate', () => {
        const xs = [randn([2, 6, 8], 4, 2), randn([2, 1, 8], 5, 0.3), randn([2, 1, 8], 6, 0.3)];
        checkOpAgainstReference((x, s, c) => layerNormModulate(x as tf.Tensor3D, s as tf.Tensor3D, c as tf.Tensor3D), (x, s, c) => layerNormModulateReference(x as tf.Tensor3D, s as tf.Tensor3D, c as tf.Tensor3D), xs, 2e-4, 'lnMod');
        tf.dispose(xs);
      });

      it('mlp (GELU tanh)', () => {
        const xs = [randn([2, 5, 8], 7), randn([8, 16], 8, 0.3), randn([16], 9, 0.1), randn([16, 8], 10, 0.3), randn([8], 11, 0.1)];
        checkOpAgainstReference((h, a, b, c, d) => mlp(h as tf.Tensor3D, a, b, c, d), (h, a, b, c, d) => mlpReference(h as tf.Tensor3D, a, b, c, d), xs, 2e-4, 'mlp');
        tf.dispose(xs);
      });

      for (const withRope of [false, true]) {
        it(`attention ${withRope ? 'with 3D RoPE' : 'without RoPE'}`, () => {
          const b = 2, n = 12, w = 16, heads = 2;
          const rope = withRope ? ropeTables([3, 2, 2], heads, w / heads, 10000) : null;
          const xs = [randn([b, n, w], 12), ...[0, 1, 2, 3].flatMap((i) => [randn([w, w], 20 + i, 0.3), randn([w], 30 + i, 0.1)])];
          const unpack = (a: tf.Tensor[]) => ({ wq: a[1], bq: a[2], wk: a[3], bk: a[4], wv: a[5], bv: a[6], wo: a[7], bo: a[8] });
          checkOpAgainstReference((...a) => attention(a[0] as tf.Tensor3D, unpack(a), heads, rope), (...a) => attentionReference(a[0] as tf.Tensor3D, unpack(a), heads, rope), xs, 2e-4, 'attention');
          tf.dispose(xs);
          if (rope) tf.dispose(Object.values(rope));
        });
      }
    });
  }

  it('RoPE rotation preserves norms and makes q·k depend on relative position only', () => {
    tf.tidy(() => {
      const rope = ropeTables([4, 1, 1], 1, 8, 10000);
      // the same q at every position: |RoPE(q)| is constant
      const q = tf.tile(randn([1, 1, 8], 3), [1, 4, 1]) as tf.Tensor3D;
      const k = tf.tile(randn([1, 1, 8], 4), [1, 4, 1]) as tf.Tensor3D;
      const rq = tf.add(tf.mul(q, rope.cos), tf.mul(tf.reshape(tf.matMul(tf.reshape(q, [4, 8]), rope.rot), [1, 4, 8]), rope.sin));
      const rk = tf.add(tf.mul(k, rope.cos), tf.mul(tf.reshape(tf.matMul(tf.reshape(k, [4, 8]), rope.rot), [1, 4, 8]), rope.sin));
      const norms = tf.norm(rq, 'euclidean', -1).dataSync();
      for (const v of norms) assert.ok(Math.abs(v - norms[0]) < 1e-4);
      const dots = tf.matMul(tf.reshape(rq, [4, 8]), tf.reshape(rk, [4, 8]), false, true).arraySync() as number[][];
      assert.ok(Math.abs(dots[0][1] - dots[2][3]) < 1e-4, 'same offset, same score');
      assert.ok(Math.abs(dots[0][1] - dots[0][3]) > 1e-4, 'different offset, different score');
      tf.dispose(Object.values(rope));
    });
  });
});
