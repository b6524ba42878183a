/**
 * The training-length probe of velocity-gap (issue #21 item 1): does the error inside the training
 * bands come within 3x the parse floor when a case-matching model trains longer? One model,
 * velocity-gap's set LENGTH_PROBE_SET at seed 1 (the quick cell closest to the floor at 6000 steps),
 * trained for LENGTH_PROBE_STEPS = 40,000 steps (the e2e bench's 30-CPU-minute horizon, README
 * `t12`) with velocity-gap's quick config otherwise (same data, recipe, eval clips and noise): a
 * non-default run, so its results live in data/results/velocity-gap/runs/quick-<config hash>.
 *
 * One seed: a measurement of how far training length moves the in-band error against the shipped
 * 6000-step model of the same set and seed, not a verdict (spread n/a). The ×3 it is read against is
 * issue #21's, fixed before the probe ran; the power-law extrapolation is labelled as one.
 */
import type { Row } from '../core/experiment';
import { defaultResultsDir, hashedResultsDir } from '../core/results-folder';
import { loadSummary } from '../core/summary-files';
import { snapStats } from './stats';
import { defaultVelocityGapConfig, velocityGapBands, VelocityGapConfig } from './velocity-gap';

/** Training steps of the probe model (velocity-gap's quick models train 6000). */
export const LENGTH_PROBE_STEPS = 40000;
/** The training set of the probe model: set 1, bands [1, 1.25] ∪ [3.75, 4]. */
export const LENGTH_PROBE_SET = '1';
/** The probe's seed (one model). */
export const LENGTH_PROBE_SEEDS: ReadonlyArray<number> = [1];
/** Issue #21 item 1: the in-band error should be within this factor of the parse floor. */
export const IN_BAND_WITHIN = 3;

/** velocity-gap's quick config narrowed to the probe: one training set, LENGTH_PROBE_STEPS steps. */
export function lengthProbeConfig(): VelocityGapConfig {
  const c = defaultVelocityGapConfig('quick');
  return { ...c, trainingSets: [LENGTH_PROBE_SET], train: { ...c.train, steps: LENGTH_PROBE_STEPS } };
}

/** The command that computes (or resumes) the probe. */
export const LENGTH_PROBE_COMMAND =
  `npx phylab exp velocity-gap --seeds=${LENGTH_PROBE_SEEDS.join(',')} --trainingSets=${LENGTH_PROBE_SET} --train.steps=${LENGTH_PROBE_STEPS}`;

/** The probe's results folder (data/results/velocity-gap/runs/quick-<hash of its config and seeds>). */
export function lengthProbeDir(root?: string): string {
  return hashedResultsDir('velocity-gap', 'quick', lengthProbeConfig(), LENGTH_PROBE_SEEDS, root);
}

/** In-band error of one model (set LENGTH_PROBE_SET, seed 1) at a training length. */
export interface InBandPoint {
  steps: number;
  /** Mean |generated − conditioning| and mean |truth − conditioning| inside the bands (u/s), and their ratio. */
  error: number;
  floor: number;
  ratio: number;
  /** Share of the gap conditions generated inside a training band (±0.1 u/s; stats.ts snapStats). */
  snapShare: number;
}

export interface LengthProbeReading {
  /** The shipped quick model of the same set and seed, and the probe model; null where missing. */
  short: InBandPoint | null;
  long: InBandPoint | null;
  /** d log(error) / d log(steps) between the two; null unless both exist. */
  exponent: number | null;
  /** Steps at which the ratio would reach IN_BAND_WITHIN if that exponent held (an extrapolation); null if it would not fall. */
  stepsToWithin: number | null;
}

/** The in-band point of set LENGTH_PROBE_SET, seed 1, from velocity-gap rows trained for `steps`. */
export function inBandPoint(rows: ReadonlyArray<Row>, steps: number): InBandPoint | null {
  const mine = rows.filter((r) => String(r.trainingSet) === LENGTH_PROBE_SET && Number(r.seed) === LENGTH_PROBE_SEEDS[0]);
  const s = snapStats(mine, velocityGapBands)[0];
  if (!s || s.inBandError === null || !s.inBandFloor) return null;
  return { steps, error: s.inBandError, floor: s.inBandFloor, ratio: s.inBandError / s.inBandFloor, snapShare: s.snapShare };
}

/** Both points and the exponent between them (`shortSteps`: the shipped models' training steps). */
export function readLengthProbe(shippedRows: ReadonlyArray<Row>, probeRows: ReadonlyArray<Row>, shortSteps: number): LengthProbeReading {
  const short = inBandPoint(shippedRows, shortSteps);
  const long = inBandPoint(probeRows, LENGTH_PROBE_STEPS);
  if (!short || !long) return { short, long, exponent: null, stepsToWithin: null };
  const exponent = Math.log(long.error / short.error) / Math.log(long.steps / short.steps);
  const stepsToWithin = long.ratio <= IN_BAND_WITHIN ? long.steps : exponent < 0 ? long.steps * (IN_BAND_WITHIN / long.ratio) ** (1 / exponent) : null;
  return { short, long, exponent, stepsToWithin };
}

/** The probe read against velocity-gap's shipped quick summary; null when the probe has not been run. */
export function loadLengthProbe(root?: string): LengthProbeReading | null {
  const probe = loadSummary('velocity-gap', 'quick', lengthProbeDir(root));
  if (!probe) return null;
  const shipped = loadSummary('velocity-gap', 'quick', defaultResultsDir('velocity-gap', 'quick', root));
  return readLengthProbe(shipped?.rows ?? [], probe.rows, defaultVelocityGapConfig('quick').train.steps);
}

/** A short markdown reading: both points, the ratio against ×3, the exponent and its extrapolation. */
export function lengthProbeMarkdown(r: LengthProbeReading | null): string {
  if (!r || !r.long) return `**Training-length probe**: not run yet (\`${LENGTH_PROBE_COMMAND}\`).`;
  const pt = (p: InBandPoint) => `${p.steps.toLocaleString('en-US')} steps: ${p.error.toFixed(4)} u/s = ${p.ratio.toFixed(2)}x the floor ${p.floor.toFixed(4)}`;
  const within = r.long.ratio <= IN_BAND_WITHIN ? 'yes' : 'no';
  const head = `**Training-length probe** (set ${LENGTH_PROBE_SET}, seed ${LENGTH_PROBE_SEEDS[0]}, one model, spread n/a): error inside the training bands at ${pt(r.long)}; ` +
    `within ${IN_BAND_WITHIN}x: **${within}**.`;
  if (!r.short || r.exponent === null) return head;
  const extra = r.stepsToWithin === null
    ? 'the error did not fall, so no extrapolation.'
    : r.long.ratio <= IN_BAND_WITHIN ? '' : `if that held, ${IN_BAND_WITHIN}x would need ≈ ${Math.round(r.stepsToWithin / 1000).toLocaleString('en-US')}k steps (an extrapolation from two points, not a measurement).`;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return `${head} The shipped model of the same set and seed at ${pt(r.short)}; the error fell as steps^${r.exponent.toFixed(2)} between the two; ${extra} ` +
    `Gap conditions generated inside a training band: ${pct(r.short.snapShare)} at ${r.short.steps.toLocaleString('en-US')} steps, ${pct(r.long.snapShare)} at ${r.long.steps.toLocaleString('en-US')}.`;
}
