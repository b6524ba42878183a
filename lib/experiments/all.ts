/** Registers every experiment with the registry (imported by the CLI and notebooks). */
import { registerExperiment } from './registry';

registerExperiment('id-ood', () => require('./id-ood').experiment);
registerExperiment('direction-flip', () => require('./direction-flip').experiment);
registerExperiment('velocity-gap', () => require('./velocity-gap').experiment);
registerExperiment('collision-holes', () => require('./collision-holes/experiment').experiment);
