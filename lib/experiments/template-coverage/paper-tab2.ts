/**
 * The paper's Tab 2 (paper-spec §4.4), for tables that show ours beside theirs. Reference values
 * only, never used as results. In-template / out-of-template per metric; FVD and LPIPS are the
 * paper's (Kinetics I3D, AlexNet), not comparable in scale with FVD-sim / LPIPS-sim.
 */
export interface PaperTab2Row {
  model: 'DiT-XL' | 'DiT-B';
  templates: 6 | 30 | 60;
  split: 'in-template' | 'out-of-template';
  fvd: number;
  ssim: number;
  psnr: number;
  lpips: number;
  /** Share of videos people judged abnormal. */
  abnormal: number;
}

const T: Array<[PaperTab2Row['model'], PaperTab2Row['templates'], [number, number], [number, number], [number, number], [number, number], [number, number]]> = [
  ['DiT-XL', 6, [18.2, 22.1], [0.973, 0.943], [32.8, 25.5], [0.028, 0.082], [0.03, 0.67]],
  ['DiT-XL', 30, [19.5, 19.7], [0.973, 0.95], [32.7, 27.1], [0.028, 0.065], [0.03, 0.18]],
  ['DiT-XL', 60, [17.6, 18.7], [0.972, 0.951], [32.4, 27.3], [0.03, 0.062], [0.02, 0.1]],
  ['DiT-B', 60, [18.4, 21.4], [0.967, 0.949], [30.9, 27.0], [0.035, 0.066], [0.03, 0.24]],
];

export const PAPER_TAB2: ReadonlyArray<PaperTab2Row> = T.flatMap(([model, templates, fvd, ssim, psnr, lpips, abnormal]) =>
  (['in-template', 'out-of-template'] as const).map((split, i) => ({ model, templates, split, fvd: fvd[i], ssim: ssim[i], psnr: psnr[i], lpips: lpips[i], abnormal: abnormal[i] })),
);
