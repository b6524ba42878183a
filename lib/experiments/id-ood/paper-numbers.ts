/**
 * The paper's own numbers, for tables that show ours beside theirs. Reference values only: never
 * used as results. Source: ../shared/docs/paper-spec.md §3.4 — uniform and collision exact (the
 * authors, phyworld issue #7), parabola read from Fig 3 (±0.005, marked approximate).
 */
export interface PaperFig3Row {
  scenario: 'uniform' | 'collision' | 'parabola';
  model: 'GT' | 'DiT-S' | 'DiT-B' | 'DiT-L';
  /** Training videos (null for the ground-truth parse). */
  dataSize: number | null;
  id: number;
  /** null where the paper gives none. */
  ood: number | null;
  /** Read from a figure, not exact. */
  approximate: boolean;
}

const U: Array<[PaperFig3Row['model'], number | null, number, number | null]> = [
  ['GT', null, 0.0099, 0.0114],
  ['DiT-S', 30e3, 0.0221, 0.4349],
  ['DiT-S', 300e3, 0.0184, 0.2929],
  ['DiT-S', 3e6, 0.0149, 0.2875],
  ['DiT-B', 30e3, 0.0166, 0.433],
  ['DiT-B', 300e3, 0.0148, 0.3281],
  ['DiT-B', 3e6, 0.0138, 0.3583],
  ['DiT-L', 30e3, 0.015, 0.3783],
  ['DiT-L', 300e3, 0.014, 0.3847],
  ['DiT-L', 3e6, 0.0124, 0.427],
];
const C: Array<[PaperFig3Row['model'], number | null, number, number | null]> = [
  ['GT', null, 0.0117, 0.0078],
  ['DiT-S', 30e3, 0.0267, 0.1873],
  ['DiT-S', 300e3, 0.0241, 0.2],
  ['DiT-S', 3e6, 0.0227, 0.1525],
  ['DiT-B', 30e3, 0.0302, 0.2411],
  ['DiT-B', 300e3, 0.0193, 0.1663],
  ['DiT-B', 3e6, 0.0181, 0.2106],
  ['DiT-L', 30e3, 0.024, 0.27],
  ['DiT-L', 300e3, 0.0158, 0.1725],
  ['DiT-L', 3e6, 0.0153, 0.1613],
];
const P: Array<[PaperFig3Row['model'], number | null, number, number | null]> = [
  ['GT', null, 0.021, null],
  ['DiT-S', 30e3, 0.051, 0.307],
  ['DiT-S', 300e3, 0.049, 0.285],
  ['DiT-S', 3e6, 0.047, 0.307],
  ['DiT-B', 30e3, 0.043, 0.316],
  ['DiT-B', 300e3, 0.038, 0.376],
  ['DiT-B', 3e6, 0.036, 0.288],
  ['DiT-L', 30e3, 0.038, 0.316],
  ['DiT-L', 300e3, 0.035, 0.351],
  ['DiT-L', 3e6, 0.033, 0.338],
];

export const PAPER_FIG3: ReadonlyArray<PaperFig3Row> = [
  ...U.map(([model, dataSize, id, ood]) => ({ scenario: 'uniform' as const, model, dataSize, id, ood, approximate: false })),
  ...C.map(([model, dataSize, id, ood]) => ({ scenario: 'collision' as const, model, dataSize, id, ood, approximate: false })),
  ...P.map(([model, dataSize, id, ood]) => ({ scenario: 'parabola' as const, model, dataSize, id, ood, approximate: true })),
];
