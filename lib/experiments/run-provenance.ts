/** Old path kept for notebook 01's imports only (lib/README.md, "Moved modules"): import from './core/run-provenance' instead; delete once notebook 01 does. */
export * from './core/run-provenance';
