/** Registers every experiment with the registry (imported by the CLI and notebooks). */
import { registerExperiment } from './core/registry';

registerExperiment('id-ood', () => require('./id-ood/experiment').experiment);
registerExperiment('direction-flip', () => require('./case-matching/direction-flip').experiment);
registerExperiment('velocity-gap', () => require('./case-matching/velocity-gap').experiment);
registerExperiment('template-coverage', () => require('./template-coverage/index').experiment);
registerExperiment('attribute-priority', () => require('./attribute-priority/experiment').experiment);
registerExperiment('collision-holes', () => require('./collision-holes/experiment').experiment);
