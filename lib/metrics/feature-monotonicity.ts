/**
 * Does a learned video distance grow with planted damage? For each corruption (noise, blur,
 * object removal) and level: LPIPS-sim averaged over the videos (each corrupted video against its
 * clean self) and FVD-sim between the clean set and the corrupted set.
 */
import { CORRUPTION_LEVELS, CORRUPTIONS, Corruption, corrupt } from './corruptions';
import { FeatureNet } from './feature-nets';
import { lpipsSimVideo } from './lpips-sim';
import { fvdSim } from './fvd-sim';
import { makePhyreVideo } from '../sim/phyre/video';

export interface MonotonicityRow {
  corruption: Corruption;
  level: number;
  lpipsSim: number;
  fvdSim: number;
}

export interface MonotonicityReport {
  rows: MonotonicityRow[];
  /** Per corruption: both distances strictly increase with the level. */
  monotonic: Record<Corruption, { lpipsSim: boolean; fvdSim: boolean }>;
  videos: number;
}

/** Runs the check on `videos` simulator videos (template i mod 70, seed 9000 + i). */
export function featureMonotonicity(frameNet: FeatureNet, videoNet: FeatureNet, opts: { videos?: number; size?: number; frames?: number } = {}): MonotonicityReport {
  const n = opts.videos ?? 16;
  const size = opts.size ?? 32;
  const T = opts.frames ?? 32;
  const vids = Array.from({ length: n }, (_, i) => makePhyreVideo({ template: (i * 9) % 70, seed: 9000 + i, trial: i, size, frames: T }));
  const clean = vids.map((v) => v.frames);
  const rows: MonotonicityRow[] = [];
  const monotonic = {} as MonotonicityReport['monotonic'];
  for (const kind of CORRUPTIONS) {
    const mine: MonotonicityRow[] = [];
    for (const level of CORRUPTION_LEVELS[kind]) {
      const bad = vids.map((v, i) => corrupt(v, kind, level, i));
      const lp = bad.reduce((s, b, i) => s + lpipsSimVideo(frameNet, b, clean[i], T, size, size), 0) / n;
      mine.push({ corruption: kind, level, lpipsSim: lp, fvdSim: fvdSim(videoNet, clean, bad, T, size, size) });
    }
    const inc = (k: 'lpipsSim' | 'fvdSim') => mine.every((r, i) => i === 0 || r[k] > mine[i - 1][k]);
    monotonic[kind] = { lpipsSim: inc('lpipsSim'), fvdSim: inc('fvdSim') };
    rows.push(...mine);
  }
  return { rows, monotonic, videos: n };
}

export function monotonicityMarkdown(r: MonotonicityReport): string {
  const lines = ['| corruption | level | LPIPS-sim | FVD-sim |', '|---|---|---|---|'];
  for (const row of r.rows) lines.push(`| ${row.corruption} | ${row.level} | ${row.lpipsSim.toFixed(4)} | ${row.fvdSim.toFixed(3)} |`);
  lines.push('');
  lines.push(CORRUPTIONS.map((k) => `${k}: LPIPS-sim ${r.monotonic[k].lpipsSim ? 'increasing' : 'NOT increasing'}, FVD-sim ${r.monotonic[k].fvdSim ? 'increasing' : 'NOT increasing'}`).join('; '));
  return lines.join('\n');
}
