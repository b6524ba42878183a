/** lib/plot: figures (plotly.js specs, notebook display, SVG/PNG/PDF export) and tables (arquero → CSV/LaTeX/HTML). Re-exports only. */
export * from './figure';
export * from './display';
export * from './table';
export * from './export';
export { findChromium, requireChromium, BrowserNotFoundError, CHROMIUM_ARGS } from './chromium';
export { buildSidecar, writeSidecar, Sidecar, SidecarInput } from './sidecar';
