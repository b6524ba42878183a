/** Old path kept for notebook 01's imports only (lib/README.md, "Moved modules"): import from './core/intervals' instead; delete once notebook 01 does. */
export * from './core/intervals';
