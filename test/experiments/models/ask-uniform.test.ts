import { strict as assert } from 'node:assert';
import { askUniform, checkQuery, queryVideo, uniformConfigOf } from '../../../lib/experiments/models/ask-uniform';
import { evalVideos } from '../../../lib/experiments/case-matching/units';
import { flipModelName } from '../../../lib/experiments/models/direction-flip-models';
import { loadModel } from '../../../lib/sample/model-registry';
import { initBackend } from '../../../lib/runtime/backend';

describe('experiments/models/ask-uniform', function () {
  this.timeout(120_000);
  before(() => initBackend({ quiet: true }));

  it('a query clip is the eval\'s uniform clip narrowed to the asked speed and radius (moving right); ranges are checked', () => {
    const m = loadModel(flipModelName('quick', 'Set-1', 1));
    try {
      const c = uniformConfigOf(m);
      const v = queryVideo(m, { velocity: 5.3, radius: 0.9 }, 2);
      assert.equal(v.states[2].toFixed(4), '5.3000', 'vx at frame 0');
      assert.equal(v.objects[0].radius.toFixed(4), '0.9000');
      assert.deepEqual(v.frameShape, evalVideos(c, [[1, 2.5]])[0].frameShape);
      assert.throws(() => checkQuery({ velocity: -1 }), /velocity must be in \(0, 20\] u\/s/);
      assert.throws(() => checkQuery({ velocity: 21 }), /velocity must be in \(0, 20\] u\/s/);
      assert.throws(() => checkQuery({ velocity: 1, radius: 0 }), /radius must be in \(0, 4\] world units/);
      assert.throws(() => uniformConfigOf({ card: { ...m.card, experiment: 'id-ood', name: 'id-ood/quick/x' } }), /experiment 'id-ood'; a case-matching config belongs to the models of direction-flip, velocity-gap/);
      assert.throws(() => queryVideo({ card: { ...m.card, experiment: 'phyre', name: 'phyre/quick/x' } }, { velocity: 2 }), /experiment 'phyre'; asking by velocity and radius works for the uniform-motion models of direction-flip, velocity-gap, id-ood/);
    } finally {
      m.model.dispose();
      m.autoencoder.dispose();
    }
  });

  it('asking: out-of-range speed or radius is an error naming the parameter and range; a fast ball is answered with the training speeds', async () => {
    const m = loadModel(flipModelName('quick', 'Set-1', 1));
    try {
      await assert.rejects(askUniform(m, [{ velocity: 0 }]), /velocity must be in \(0, 20\] u\/s/);
      await assert.rejects(askUniform(m, [{ velocity: 2, radius: 4.5 }]), /radius must be in \(0, 4\] world units/);
      const [a] = await askUniform(m, [{ velocity: 5.5 }]);
      assert.equal(a.conditionVelocity.toFixed(3), '5.500');
      assert.equal(a.velocityInTraining, false);
      assert.ok(Math.abs(a.truthVelocity! - 5.5) < 0.25, `the parser reads the true clip: ${a.truthVelocity}`);
      assert.ok(a.generatedVelocity !== null && a.generatedVelocity < 4.5, `Set-1 at 5.5 u/s generates near its training speeds (2.5–4): ${a.generatedVelocity}`);
    } finally {
      m.model.dispose();
      m.autoencoder.dispose();
    }
  });

});
