/** Registers every experiment with the registry (imported by the CLI and notebooks). */
import { registerExperiment } from './registry';

void registerExperiment;
