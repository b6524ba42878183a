/** Old path kept for notebook 01's imports only (lib/README.md, "Moved modules"): import from './id-ood/experiment' instead; delete once notebook 01 does. */
export * from './id-ood/experiment';
