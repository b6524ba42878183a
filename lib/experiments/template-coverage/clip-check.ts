/**
 * The measurement behind the `quick` clip of experiment `template-coverage` (issue #19: the
 * smallest clip at which every object type is visible and the abnormal detector's false-positive
 * rate on clean ground truth stays ≤ 2%). Per frame side: the share of bodies of each object type
 * whose first-frame coverage (each body drawn alone, in px²) is below the detector's `minMass`
 * (then the detector cannot see it), and the share of clean clips the detector flags.
 */
import { defaultDetectorConfig, DetectorConfig, detectAbnormal } from '../../metrics/abnormal';
import { makePhyreVideo, renderPhyre } from '../../sim/phyre/video';
import { PHYRE_STATE_DIM } from '../../sim/phyre/simulate';
import { TEMPLATE_COUNT } from '../../sim/phyre/templates';

export interface ClipCheckRow {
  size: number;
  frames: number;
  /** Per object type: bodies seen, and bodies below `minMass` in the first frame. */
  hidden: Record<string, { bodies: number; below: number; minCoverage: number }>;
  /** Clean clips flagged by the detector (any kind), and how many were checked. */
  cleanFlagged: number;
  clean: number;
}

/** Coverage (px², darkness-weighted) of body j of a video drawn alone in its first frame at `size`. */
function bodyCoverage(v: ReturnType<typeof makePhyreVideo>, j: number, size: number): number {
  const states = v.traj.states.slice(j * PHYRE_STATE_DIM, (j + 1) * PHYRE_STATE_DIM);
  const img = renderPhyre({ ...v.traj, frames: 1, bodies: [v.traj.bodies[j]], states, energy: new Float64Array(1) }, { size, supersample: 4 });
  let cov = 0;
  for (let p = 0; p < size * size; p++) cov += (3 * 255 - img[3 * p] - img[3 * p + 1] - img[3 * p + 2]) / (3 * 255);
  return cov;
}

/**
 * Checks clips of `frames` frames at each side in `sizes`: `videos` clean clips (template i mod 70,
 * task seed 2000 + i, trial i, disjoint from the experiment's data) through the detector, and the
 * bodies of the first `min(videos, 210)` through the visibility count.
 */
export function clipCheck(sizes: number[], frames: number, videos: number, detector: Partial<DetectorConfig> = {}): ClipCheckRow[] {
  const minMass: number = detector.minMass ?? defaultDetectorConfig().minMass ?? 0.35;
  return sizes.map((size) => {
    const hidden: ClipCheckRow['hidden'] = {};
    let cleanFlagged = 0;
    for (let i = 0; i < videos; i++) {
      const v = makePhyreVideo({ template: i % TEMPLATE_COUNT, seed: 2000 + i, trial: i, size, frames });
      if (detectAbnormal(v.frames, frames, size, size, detector).abnormal) cleanFlagged++;
      if (i >= 210) continue;
      v.traj.bodies.forEach((b, j) => {
        if (b.object.startsWith('wall')) return;
        const cov = bodyCoverage(v, j, size);
        const h = (hidden[b.object] ??= { bodies: 0, below: 0, minCoverage: Infinity });
        h.bodies++;
        if (cov < minMass) h.below++;
        h.minCoverage = Math.min(h.minCoverage, Number(cov.toFixed(3)));
      });
    }
    return { size, frames, hidden, cleanFlagged, clean: videos };
  });
}
