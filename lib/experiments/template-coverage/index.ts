/**
 * Experiment `template-coverage` (paper §4, Tab 2; findings.md §2): does training on more
 * templates make out-of-template generations physically plausible? A DiT is trained on the
 * paper's 6, 30 or 60 PHYRE-like training templates (the same number of clips per template, so
 * the data grows with the templates), conditioned on one frame, and evaluated on held-out trials
 * of its training templates (in-template) and on the held-out templates 60–69 (out-of-template):
 * SSIM, PSNR, LPIPS-sim, motion-mask IoUs, the automatic abnormal detector per video, FVD-sim per
 * set.
 *
 * Units (cached, resumable): `features` (the feature nets of LPIPS-sim / FVD-sim), `floor` (the
 * ground truth scored against itself: the detector's false positives), `vae` (the frame VAE and its
 * reconstruction floor), `train/t<templates>/s<seed>` and `eval/t<templates>/s<seed>`, the first
 * seed of every template set first, so a sweep stopped early has one seed of each set.
 *
 * Summary rows (one per scored video): model ('gt', 'vae' or the preset), templates, seed, split,
 * template, taskSeed, trial, ssim, psnr, lpipsSim, spatialIou, spatiotemporalIou,
 * weightedSpatialIou, maskedMse, abnormal, abnormalKinds (list). The set-level FVD-sim goes to
 * the second table `frechet.json` / `frechet.csv` beside the summary (`frechetRows`).
 */
import { DEFAULT_SEEDS, resolveProfile } from '../../config/profile-table';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng, filmstrip } from '../../render/png';
import type { Experiment, Json, Row, Unit } from '../core/experiment';
import { resultOf } from '../core/unit-results';
import { toCsv } from '../core/runner';
import { defaultTemplateCoverageConfig, TemplateCoverageConfig } from './config';
import type { SetScores } from './scores';
import { TC_EVAL_RESULT, TC_FLOOR_RESULT, TC_VAE_RESULT } from './schemas';
import { featuresUnit, floorUnit, SPLITS, tcEvalUnit, tcTrainUnit, vaeUnit } from './units';
import { validateTemplateCoverageConfig } from './validate';

export * from './config';
export { SPLITS } from './units';
export type { Split } from './units';

/** The trained cells in priority order: the first seed of every template set, then the next seed of each, … */
export function cells(c: TemplateCoverageConfig, seeds: number[]): Array<{ templates: number; seed: number }> {
  return seeds.flatMap((seed) => c.templateSets.map((templates) => ({ templates, seed })));
}

function videoRows(model: string, templates: number | null, seed: number | null, split: string, s: SetScores): Row[] {
  return s.videos.map((v) => ({
    model, templates, seed, split, template: v.template, taskSeed: v.taskSeed, trial: v.trial,
    ssim: v.ssim, psnr: v.psnr, lpipsSim: v.lpipsSim, spatialIou: v.spatialIou, spatiotemporalIou: v.spatiotemporalIou,
    weightedSpatialIou: v.weightedSpatialIou, maskedMse: v.maskedMse, abnormal: v.abnormal,
    // a list, as the issue asks (summary.csv writes it quoted, "a,b")
    abnormalKinds: v.abnormalKinds as unknown as string,
    abnormalDefault: v.abnormalDefault,
  }));
}

/** Floor sets are stored per '<templates>/<split>'; out-of-template once (the same clips for every set). */
function floorRows(model: 'gt' | 'vae', sets: Record<string, SetScores>): Row[] {
  const rows: Row[] = [];
  for (const [k, s] of Object.entries(sets)) {
    const [t, split] = k.split('/');
    rows.push(...videoRows(model, split === 'in-template' ? Number(t) : null, null, split, s));
  }
  return rows;
}

/** The second table: set-level FVD-sim per model and split (and of the ground-truth-free VAE floor). */
export function frechetRows(c: TemplateCoverageConfig, seeds: number[], results: Record<string, Json>): Row[] {
  const rows: Row[] = [];
  const vae = resultOf(results, 'vae', TC_VAE_RESULT);
  if (vae) {
    for (const [k, s] of Object.entries(vae.recon)) {
      const [t, split] = k.split('/');
      rows.push({ model: 'vae', templates: split === 'in-template' ? Number(t) : null, seed: null, split, fvdSim: s.fvdSim, n: s.videos.length });
    }
  }
  for (const { templates, seed } of cells(c, seeds)) {
    const ev = resultOf(results, `eval/t${templates}/s${seed}`, TC_EVAL_RESULT);
    if (!ev) continue;
    for (const split of SPLITS) rows.push({ model: c.preset, templates, seed, split, fvdSim: ev[split].fvdSim, n: ev[split].videos.length });
  }
  return rows;
}

/** Paints a 1-pixel magenta border on the given frames of a (T, H, W, 3) clip (the detector's flagged frames). */
export function markFrames(frames: Uint8Array, T: number, H: number, W: number, flagged: ReadonlyArray<number>): Uint8Array {
  const out = frames.slice();
  for (const t of new Set(flagged)) {
    if (t < 0 || t >= T) continue;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (y !== 0 && y !== H - 1 && x !== 0 && x !== W - 1) continue;
        const o = ((t * H + y) * W + x) * 3;
        out[o] = 230;
        out[o + 1] = 0;
        out[o + 2] = 230;
      }
    }
  }
  return out;
}

export const experiment: Experiment<TemplateCoverageConfig> = {
  name: 'template-coverage',
  description: 'template coverage: out-of-template plausibility vs 6 / 30 / 60 training templates (paper §4, Tab 2)',
  defaultConfig: defaultTemplateCoverageConfig,
  defaultSeeds: (profile) => resolveProfile(DEFAULT_SEEDS, profile),
  validate: validateTemplateCoverageConfig,
  choices: { latent: ['pixel', 'vae'] },
  plan(c, seeds) {
    const units: Unit[] = [featuresUnit(c), floorUnit(c)];
    const vae = c.latent === 'vae' ? vaeUnit(c) : undefined;
    if (vae) units.push(vae);
    for (const { templates, seed } of cells(c, seeds)) {
      units.push(tcTrainUnit(c, templates, seed, vae));
      units.push(tcEvalUnit(c, templates, seed, vae));
    }
    return units;
  },
  summarize(c, seeds, results) {
    const rows: Row[] = [];
    const floor = resultOf(results, 'floor', TC_FLOOR_RESULT);
    if (floor) rows.push(...floorRows('gt', floor));
    const vae = resultOf(results, 'vae', TC_VAE_RESULT);
    if (vae) rows.push(...floorRows('vae', vae.recon));
    for (const { templates, seed } of cells(c, seeds)) {
      const ev = resultOf(results, `eval/t${templates}/s${seed}`, TC_EVAL_RESULT);
      if (!ev) continue;
      for (const split of SPLITS) rows.push(...videoRows(c.preset, templates, seed, split, ev[split]));
    }
    return rows;
  },
  exportArtifacts(c, seeds, results, outDir) {
    const fr = frechetRows(c, seeds, results);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'frechet.json'), JSON.stringify(fr, null, 1) + '\n');
    writeFileSync(join(outDir, 'frechet.csv'), toCsv(fr));
    // filmstrips of the kept out-of-template generations: truth above, generation below (flagged frames framed in magenta)
    const dir = join(outDir, 'examples');
    rmSync(dir, { recursive: true, force: true });
    for (const { templates, seed } of cells(c, seeds)) {
      const ev = resultOf(results, `eval/t${templates}/s${seed}`, TC_EVAL_RESULT);
      const s = ev?.['out-of-template'];
      if (!s?.examples?.length) continue;
      mkdirSync(dir, { recursive: true });
      for (const ex of s.examples) {
        const v = s.videos[ex.index];
        const truth = new Uint8Array(Buffer.from(ex.truth, 'base64'));
        const gen = markFrames(new Uint8Array(Buffer.from(ex.generated, 'base64')), c.frames, c.size, c.size, v.flags.map((f) => f.frame));
        const a = filmstrip(truth, c.frames, c.size, c.size, { scale: 4 });
        const b = filmstrip(gen, c.frames, c.size, c.size, { scale: 4 });
        const rgb = new Uint8Array(a.rgb.length + b.rgb.length + a.width * 3 * 4).fill(160);
        rgb.set(a.rgb, 0);
        rgb.set(b.rgb, a.rgb.length + a.width * 3 * 4);
        writeFileSync(join(dir, `t${templates}-s${seed}-out-${ex.index}-template${v.template}.png`), encodePng(rgb, a.height * 2 + 4, a.width));
      }
    }
  },
};
