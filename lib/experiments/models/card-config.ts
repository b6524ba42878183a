/**
 * The experiment config a model card records (`card.experimentConfig`), typed. A card stores it as
 * plain JSON; which config type it is follows from the card's experiment. A config kind pairs that
 * type with the experiments that write it (`cardConfigKind<C>(...experiments)`), and `configOf`
 * returns the typed config after checking the card's experiment, so a card of another experiment
 * is an error naming the model, never a config read with the wrong fields.
 */
import { ConfigError } from '../../config/profile';
import type { ModelCard } from '../../sample/model-registry';
import type { CaseMatchingBase } from '../case-matching/units';
import type { IdOodConfig } from '../id-ood/config';

/** The config type C of the cards of `experiments`. */
export interface CardConfigKind<C> {
  readonly experiments: ReadonlyArray<string>;
  /** Type-level only: never set. */
  readonly __type?: C;
}

export function cardConfigKind<C>(...experiments: string[]): CardConfigKind<C> {
  return { experiments };
}

/** id-ood's models. */
export const ID_OOD_CARD_CONFIG = cardConfigKind<IdOodConfig>('id-ood');
/** The uniform-motion case-matching models (direction-flip, velocity-gap): their shared config part. */
export const CASE_MATCHING_CARD_CONFIG = cardConfigKind<CaseMatchingBase>('direction-flip', 'velocity-gap');

/** The card's experiment config as `kind`'s type; a ConfigError when the card is of another experiment. */
export function configOf<C>(card: Pick<ModelCard, 'name' | 'experiment' | 'experimentConfig'>, kind: CardConfigKind<C>): C {
  if (!kind.experiments.includes(card.experiment)) {
    throw new ConfigError(`model ${card.name} is from experiment '${card.experiment}'; its experimentConfig is read as a config of ${kind.experiments.join(', ')}`);
  }
  return card.experimentConfig as unknown as C;
}

