/**
 * Which clip makes a scenario learnable at `quick` scale (issue #17 item 2): the ground-truth parse
 * floor of id-ood's ID evaluation set for candidate clip sizes, frame counts and frame intervals,
 * under our parser and the paper's evaluation code, beside the paper's published floor. Only the
 * simulator and the parser run (no model): a few seconds per candidate.
 *
 * The target of issue #17: a floor within 2x of the paper's (its 128-px floor, e.g. collision
 * 0.0117 u/s) with our parser; the models' ID error then has to come within 3x of that floor,
 * which only training can show.
 */
import type { Scenario } from '../../sim/scenes';
import { frameDtFor } from '../../sim/constants';
import type { IdOodConfig } from './config';
import { evalSets, evalVideos, score } from './eval';
import { PAPER_FIG3 } from './paper-numbers';

/** One candidate clip: size in px, frames, physics steps per frame. */
export interface ClipCandidate {
  size: number;
  frames: number;
  frameStride: number;
}

export interface ClipFloor extends ClipCandidate {
  scenario: Scenario;
  /** Seconds per frame and per clip. */
  frameSeconds: number;
  clipSeconds: number;
  /** ID floor with the config's parser, the paper's thresholded mask on our grid, and the paper's evaluation code (u/s). */
  floor: number;
  floorMask: number;
  floorPaperCode: number;
  /** The paper's published floor (128 px) and our floor over it. */
  paperFloor: number | null;
  overPaper: number | null;
  /** Scored clips, and those without a usable step (all frames / last frame dropped). */
  videos: number;
  unparseable: number;
  unparseableLastDropped: number;
  /** Latent tokens per clip at this size with the config's VAE and patch (frames × (size/f/p)²). */
  tokens: number;
}

/** The ID floor of `scenario` for each candidate clip, all other settings from `c`. */
export function clipFloors(c: IdOodConfig, scenario: Scenario, candidates: ReadonlyArray<ClipCandidate>, tokensPerClip: (cand: ClipCandidate) => number): ClipFloor[] {
  const id = evalSets(scenario).find((s) => s.name === 'id')!;
  const paperFloor = PAPER_FIG3.find((p) => p.scenario === scenario && p.model === 'GT')?.id ?? null;
  return candidates.map((cand) => {
    const cc: IdOodConfig = { ...c, size: cand.size, frames: cand.frames, frameStride: { ...c.frameStride, [scenario]: cand.frameStride } };
    const videos = evalVideos(cc, scenario, id);
    const s = score(cc, scenario, videos, videos.map((v) => v.frames));
    return {
      ...cand, scenario,
      frameSeconds: frameDtFor(cand.frameStride),
      clipSeconds: (cand.frames - 1) * frameDtFor(cand.frameStride),
      floor: s.error,
      floorMask: s.errorMask,
      floorPaperCode: s.errorPaper ?? NaN,
      paperFloor,
      overPaper: paperFloor ? s.error / paperFloor : null,
      videos: s.n,
      unparseable: s.nanCount,
      unparseableLastDropped: s.nanCountDropLast ?? NaN,
      tokens: tokensPerClip(cand),
    };
  });
}

/** The candidates' grid the notebook measures for collisions: sizes × frames × intervals. */
export const COLLISION_CANDIDATES: ReadonlyArray<ClipCandidate> = [16, 24, 32].flatMap((size) => [8, 12, 16].flatMap((frames) => [10, 15].map((frameStride) => ({ size, frames, frameStride }))));

/** The cheapest candidate (fewest tokens, then fewest px) whose floor is within `within`x the paper's; null if none. */
export function cheapestWithin(floors: ReadonlyArray<ClipFloor>, within = 2): ClipFloor | null {
  const ok = floors.filter((f) => f.overPaper !== null && f.overPaper <= within);
  return ok.length ? [...ok].sort((a, b) => a.tokens - b.tokens || a.size - b.size || a.frames - b.frames)[0] : null;
}

/**
 * The paper's clip for the basic scenarios (paper-spec §1: 128 px, 32 frames, one frame every 10
 * physics steps = 0.1 s), to measure the floors on the paper's scale.
 */
export const PAPER_CLIP: Readonly<ClipCandidate> = { size: 128, frames: 32, frameStride: 10 };

/** One scenario's ID floor at a clip under the three parsers, beside the paper's published floor. */
export interface ParserFloors {
  scenario: Scenario;
  size: number;
  frames: number;
  /** Our parser (the config's, by default the coverage-weighted centroid on the renderer's grid: no bias). */
  ours: number;
  /** The paper's thresholded mask on our grid (no bias). */
  maskGrid: number;
  /** The paper's evaluation code: mask + its ×10/W mapping (a −v/W velocity bias). */
  paperCode: number;
  /** The paper's published floor (128 px; null where it gives none). */
  paperPublished: number | null;
  videos: number;
  unparseable: number;
  unparseableLastDropped: number;
}

/**
 * ID floors of every scenario of `c` at `clip` (default the paper's, PAPER_CLIP) under our parser,
 * the mask on our grid and the paper's evaluation code, every frame scored; simulator and parser
 * only (about 1.5 s per scenario at 128 px, 32 frames).
 */
export function parserFloors(c: IdOodConfig, clip: ClipCandidate = PAPER_CLIP): ParserFloors[] {
  return c.scenarios.map((scenario) => {
    const [f] = clipFloors(c, scenario, [clip], () => 0);
    return {
      scenario, size: f.size, frames: f.frames,
      ours: f.floor, maskGrid: f.floorMask, paperCode: f.floorPaperCode, paperPublished: f.paperFloor,
      videos: f.videos, unparseable: f.unparseable, unparseableLastDropped: f.unparseableLastDropped,
    };
  });
}
