/**
 * Per-video scores of experiment `template-coverage` (paper-spec §4.3): a generated clip against
 * its ground truth. SSIM, PSNR and LPIPS-sim are averaged over the generated frames (those after
 * the conditioning frames); the motion-mask IoUs and the masked MSE cover the whole clip
 * (lib/metrics/motion-iou.ts); `abnormal` is the automatic detector's verdict on the generated
 * clip alone (lib/metrics/abnormal.ts), with its kinds and the frames it flagged.
 */
import { AbnormalKind, DetectorConfig, detectAbnormal } from '../../metrics/abnormal';
import type { FeatureNet } from '../../metrics/feature-nets';
import { fvdSim } from '../../metrics/fvd-sim';
import { lpipsSimFrames } from '../../metrics/lpips-sim';
import { motionMetrics } from '../../metrics/motion-iou';
import { psnrVideo } from '../../metrics/psnr';
import { ssimVideo } from '../../metrics/ssim';
import type { TcVideo } from './data';

/** One scored video (stored in the unit results, one summary row each). */
export interface VideoScore {
  index: number;
  template: number;
  taskSeed: number;
  trial: number;
  ssim: number;
  psnr: number;
  lpipsSim: number;
  spatialIou: number;
  spatiotemporalIou: number;
  weightedSpatialIou: number;
  maskedMse: number;
  /** The detector with the experiment's settings (TemplateCoverageConfig.detector). */
  abnormal: boolean;
  abnormalKinds: AbnormalKind[];
  /** The detector with its default settings (massNoise 2 px² at 32 px), for comparison. */
  abnormalDefault: boolean;
  /** The detector's flags: kind and frame. */
  flags: Array<{ kind: AbnormalKind; frame: number }>;
}

/** A scored set: per-video scores and the set-level FVD-sim of the generations against the truths. */
export interface SetScores {
  videos: VideoScore[];
  /** FVD-sim (Fréchet distance of the video net's embeddings); null with fewer than 2 videos. */
  fvdSim: number | null;
}

const mean = (xs: ArrayLike<number>, from = 0): number => {
  let s = 0;
  for (let i = from; i < xs.length; i++) s += xs[i];
  return s / Math.max(1, xs.length - from);
};

/** Scores one generated clip against its truth. */
export function scoreVideo(truth: TcVideo, gen: Uint8Array, index: number, condFrames: number, frameNet: FeatureNet, detector: Partial<DetectorConfig> = {}): VideoScore {
  const [T, H, W] = truth.frameShape;
  const m = motionMetrics(gen, truth.frames, T, H, W);
  const det = detectAbnormal(gen, T, H, W, detector);
  const detDefault = detectAbnormal(gen, T, H, W);
  const from = Math.min(condFrames, T - 1);
  const round = (x: number) => Number(x.toFixed(6));
  return {
    index,
    template: truth.template,
    taskSeed: truth.taskSeed,
    trial: truth.trial,
    ssim: round(mean(ssimVideo(gen, truth.frames, T, H, W), from)),
    psnr: round(mean(psnrVideo(gen, truth.frames, T), from)),
    lpipsSim: round(mean(lpipsSimFrames(frameNet, gen, truth.frames, T, H, W), from)),
    spatialIou: round(m.spatialIou),
    spatiotemporalIou: round(m.spatiotemporalIou),
    weightedSpatialIou: round(m.weightedSpatialIou),
    maskedMse: round(m.maskedMse),
    abnormal: det.abnormal,
    abnormalKinds: det.kinds,
    abnormalDefault: detDefault.abnormal,
    flags: det.flags.map((f) => ({ kind: f.kind, frame: f.frame })),
  };
}

/** Scores a set of generations against their truths. */
export function scoreSet(truths: TcVideo[], gens: Uint8Array[], condFrames: number, nets: { frame: FeatureNet; video: FeatureNet }, detector: Partial<DetectorConfig> = {}): SetScores {
  const videos = truths.map((t, i) => scoreVideo(t, gens[i], i, condFrames, nets.frame, detector));
  const [T, H, W] = truths[0].frameShape;
  const fvd = truths.length >= 2 ? fvdSim(nets.video, gens, truths.map((t) => t.frames), T, H, W) : null;
  return { videos, fvdSim: fvd === null || !Number.isFinite(fvd) ? null : Number(fvd.toFixed(6)) };
}
