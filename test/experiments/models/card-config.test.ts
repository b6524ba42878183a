import { strict as assert } from 'node:assert';
import { CASE_MATCHING_CARD_CONFIG, configOf, ID_OOD_CARD_CONFIG } from '../../../lib/experiments/models/card-config';

describe('experiments/models/card-config', () => {
  const card = (experiment: string) => ({ name: `${experiment}/quick/x`, experiment, experimentConfig: { dataSeed: 7, condFrames: 3 } });

  it("returns the card's config typed when the card is of the kind's experiments", () => {
    assert.equal(configOf(card('direction-flip'), CASE_MATCHING_CARD_CONFIG).dataSeed, 7);
    assert.equal(configOf(card('velocity-gap'), CASE_MATCHING_CARD_CONFIG).condFrames, 3);
    assert.equal(configOf(card('id-ood'), ID_OOD_CARD_CONFIG).dataSeed, 7);
  });

  it('names the model and both experiments when the card is of another experiment', () => {
    assert.throws(() => configOf(card('id-ood'), CASE_MATCHING_CARD_CONFIG), /model id-ood\/quick\/x is from experiment 'id-ood'; its experimentConfig is read as a config of direction-flip, velocity-gap/);
    assert.throws(() => configOf(card('template-coverage'), ID_OOD_CARD_CONFIG), /experiment 'template-coverage'.*config of id-ood/);
  });
});
