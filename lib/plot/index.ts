/**
 * lib/plot: figures (plotly.js specs, notebook display, SVG/PNG/PDF export) and tables (arquero →
 * CSV/LaTeX/HTML). Re-exports only. From notebooks import './lib/plot/index' (tslab does not
 * resolve a folder to its index.ts).
 */
export * from './figure';
export * from './display';
export * from './table';
export * from './export';
export { findChromium, requireChromium, BrowserNotFoundError, CHROMIUM_ARGS } from './chromium';
export { buildSidecar, writeSidecar } from './sidecar';
export type { Sidecar, SidecarInput } from './sidecar';
export * from './roles';
