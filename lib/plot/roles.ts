/**
 * Semantic colours: one colour per role a trace plays in every figure of the project (a
 * reference line, a floor, a training range), so "the grey dashed line" and "the green band" mean
 * the same thing in every notebook. Series that are the data themselves take the palette
 * (figure.ts, Okabe–Ito) by name.
 */
import { line, shade, Trace } from './figure';

export const ROLE_COLOURS = {
  /** Reference lines: the identity (generated = true), the ground-truth parse floor. Dark grey, dashed. */
  reference: '#555555',
  /** Secondary references: v = 0, the frame-VAE reconstruction floor, broken/uncounted points. Light grey. */
  secondary: '#999999',
  /** Training ranges (speeds, regions) as shaded bands: Okabe–Ito bluish green at 15% (figure.ts PALETTE[2]). */
  training: 'rgba(0,158,115,0.15)',
  /** The same band where it sits under many points and needs to show a little more (18%). */
  trainingStrong: 'rgba(0,158,115,0.18)',
  /** The model's outputs when one series is shown: Okabe–Ito blue (PALETTE[0]). */
  generated: '#0072B2',
  /** What the finding is about (flips, holes, bin means): Okabe–Ito vermilion (PALETTE[1]). */
  highlight: '#D55E00',
} as const;

/** A shaded training band [lo, hi] across [a, b] of the other axis (vertical: lo/hi on y). */
export function trainingBand(lo: number, hi: number, a: number, b: number, opts: { name?: string; vertical?: boolean; strong?: boolean } = {}): Trace {
  return shade(lo, hi, a, b, opts.name ?? 'training speeds', opts.strong ? ROLE_COLOURS.trainingStrong : ROLE_COLOURS.training, opts.vertical ?? false);
}

/** The identity line y = x over `range` (dashed, reference colour, thin, no markers). */
export function identityLine(range: [number, number], name = 'generated = true'): Trace[] {
  return line({ x: range, y: range, name, dash: 'dash', color: ROLE_COLOURS.reference, markers: false, width: 1 });
}

/** A horizontal floor line at `y` across `xs` (dashed, reference colour; secondary: dotted light grey). */
export function floorLine(xs: Array<number | string>, y: number, name: string, opts: { secondary?: boolean } = {}): Trace[] {
  return line({ x: [xs[0], xs[xs.length - 1]] as number[], y: [y, y], name, dash: opts.secondary ? 'dot' : 'dash', color: opts.secondary ? ROLE_COLOURS.secondary : ROLE_COLOURS.reference, markers: false });
}
