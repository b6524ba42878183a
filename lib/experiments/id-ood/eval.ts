/**
 * Evaluation of experiment `id-ood`: its evaluation sets (ID and each OOD level, paper-spec §1.4),
 * their clips, and the velocity error of generated (or true) clips with the pixel parser
 * (paper-spec §3), per video and per set, with the paper's small-ball rule.
 */
import { VideoSample, makeVideo, OOD_LEVELS } from '../../data/index';
import { defaultVelocityErrorConfig, paperGroup, PaperGroup, summarizeErrors, velocityError, VelocityErrorConfig, VelocityErrorResult } from '../../metrics/velocity-error';
import type { ParserConfig } from '../../metrics/parse-state';
import type { Scenario } from '../../sim/scenes';
import { dataConfig, IdOodConfig } from './config';
import { resultKind } from '../core/unit-results';
import { ID_OOD_SETS } from '../core/unit-schemas';
import { datasetKey } from '../dit/dataset-key';
import type { Json } from '../core/experiment';

/** Evaluation sets: 'id' and one per OOD level ('ood-r', 'ood-v', 'ood-r+v', collision: six). */
export function evalSets(scenario: Scenario): Array<{ name: string; split: 'id' | 'ood'; level: number }> {
  return [{ name: 'id', split: 'id', level: 0 }, ...OOD_LEVELS[scenario].map((l) => ({ name: `ood-${l.name}`, split: 'ood' as const, level: l.level }))];
}

function errorConfig(c: IdOodConfig, centroid: ParserConfig['centroid'], coordinates: ParserConfig['coordinates'] = 'grid'): VelocityErrorConfig {
  const e = defaultVelocityErrorConfig();
  return { ...e, conditionFrames: c.condFrames, parser: { ...e.parser, centroid, coordinates } };
}

/** The first T − 1 frames of a (T, H, W, 3) clip and their shape: the paper's evaluation drops the last frame. */
function dropLastFrame(frames: Uint8Array, shape: ReadonlyArray<number>): { frames: Uint8Array; shape: number[] } {
  const [t, h, w] = shape;
  return { frames: frames.subarray(0, (t - 1) * h * w * 3), shape: [t - 1, h, w, 3] };
}

/** The evaluation clips of one set (ID or an OOD level) of a scenario: `idCount` or `oodCount` draws. */
export function evalVideos(c: IdOodConfig, scenario: Scenario, set: { split: 'id' | 'ood'; level: number }): VideoSample[] {
  const count = set.split === 'id' ? c.idCount : c.oodCount;
  const cfg = dataConfig(c, scenario, set.split, count, set.level);
  return Array.from({ length: count }, (_, i) => makeVideo(cfg, c.dataSeed, i));
}

/**
 * The evaluation sets of a scenario as they enter unit keys: each set's dataset config resolved
 * (lib/experiments/dit/dataset-key.ts: the scenario's ID ranges and OOD bands, frame stride,
 * placement timing), in `evalSets` order. Floor, VAE and evaluation keys hold it, so editing a
 * range or an OOD band in lib/data/ranges.ts changes exactly the units scored on it.
 */
export function evalDataKey(c: IdOodConfig, scenario: Scenario): Json {
  return evalSets(scenario).map((set) => datasetKey(dataConfig(c, scenario, set.split, set.split === 'id' ? c.idCount : c.oodCount, set.level)));
}

/** One scored video of an evaluation set: its parameters, the paper's group and its errors. */
export interface VideoRecord {
  index: number;
  /** Radius per object (world units). */
  radii: number[];
  /** Speed per object (u/s, ≥ 0; collision ball 2 moves left at this speed). */
  speeds: number[];
  /** Group of the paper's evaluation code (paperGroup): 'dropped' = a small ball the paper leaves out. */
  group: PaperGroup;
  /** Velocity error with the configured parser and with the paper's mask parser (null: no usable step). */
  error: number | null;
  errorMask: number | null;
  /** With the paper's evaluation-code parser (absent in older units). */
  errorPaper?: number | null;
  /** Mean x-velocity of the generated and of the true video per object, over the scored steps (null: none). */
  meanVx: Array<number | null>;
  meanVxTrue: Array<number | null>;
}

/**
 * Velocity error of one evaluation set (u/s). As in the paper's evaluation code (paper-spec §3.3),
 * videos with a small ball (uniform/parabola r < 0.6, collision r ≤ 0.5) are left out of `error`:
 * at 16 px such a ball is ≤ 1 px across. `errorAll` keeps them.
 */
export interface SetScore {
  /** Mean over the scored videos (configured parser). */
  error: number;
  /** The same with the paper's thresholded-mask parser. */
  errorMask: number;
  /**
   * The same with the parser of the paper's evaluation code (thresholded mask and its ×10/W pixel
   * mapping, 'paper-code'), the parser behind the paper's published floors. Absent in units computed
   * before it was added (id-ood-floor-v2, id-ood-eval-v2).
   */
  errorPaper?: number;
  /** Scored videos without a usable velocity step with the configured parser when the last frame is dropped, as the paper's evaluation does (absent in older units). */
  nanCountDropLast?: number;
  /** Mean over every video, small balls included. */
  errorAll: number;
  perFrame: number;
  /** Videos scored (not dropped). */
  n: number;
  /** Videos left out by the small-ball rule. */
  nDropped: number;
  /** Scored videos without a usable velocity step (skipped in the means). */
  nanCount: number;
  videos: VideoRecord[];
}

/** An example clip an eval unit keeps: generated and true frames, base64. */
export interface SetExample {
  index: number;
  generated: string;
  truth: string;
}

/** One set of an eval unit: its score and (eval units only) the first `examples` clips. */
export type EvalSetResult = SetScore & { examples?: SetExample[] };

/** id-ood `floor/<scenario>` and `eval/<tag>` results, typed: one per evaluation set. */
export const SET_SCORES = resultKind<Record<string, EvalSetResult>>(ID_OOD_SETS);

const r4 = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null);

/** Score generated (or true) clips against their videos' ground truth. */
export function score(c: IdOodConfig, scenario: Scenario, videos: VideoSample[], frames: Uint8Array[]): SetScore {
  const main = videos.map((v, i) => velocityError(scenario, frames[i], v.frameShape, v, errorConfig(c, c.parser)));
  const mask = videos.map((v, i) => velocityError(scenario, frames[i], v.frameShape, v, errorConfig(c, 'mask')));
  const paper = videos.map((v, i) => velocityError(scenario, frames[i], v.frameShape, v, errorConfig(c, 'mask', 'paper-code')));
  const dropLast = videos.map((v, i) => {
    const d = dropLastFrame(frames[i], v.frameShape);
    return velocityError(scenario, d.frames, d.shape, v, errorConfig(c, c.parser));
  });
  const groups = videos.map((v) => paperGroup(scenario, v.params.scene.objects.map((o) => o.radius), v.params.scene.objects.map((o) => o.speed)));
  const kept = (xs: VelocityErrorResult[]) => xs.filter((_, i) => groups[i] !== 'dropped');
  const s = summarizeErrors(kept(main));
  return {
    error: s.error,
    errorMask: summarizeErrors(kept(mask)).error,
    errorPaper: summarizeErrors(kept(paper)).error,
    errorAll: summarizeErrors(main).error,
    perFrame: s.perFrame,
    n: s.n,
    nDropped: groups.filter((g) => g === 'dropped').length,
    nanCount: s.nanCount,
    nanCountDropLast: summarizeErrors(kept(dropLast)).nanCount,
    videos: videos.map((v, i) => ({
      index: v.index,
      radii: v.params.scene.objects.map((o) => r4(o.radius) as number),
      speeds: v.params.scene.objects.map((o) => r4(o.speed) as number),
      group: groups[i],
      error: r4(main[i].error),
      errorMask: r4(mask[i].error),
      errorPaper: r4(paper[i].error),
      meanVx: main[i].meanVx.map(r4),
      meanVxTrue: main[i].meanVxTrue.map(r4),
    })),
  };
}
