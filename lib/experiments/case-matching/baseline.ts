/**
 * direction-flip's baseline and control (issue #21 item 3): how large a model's ordinary error is at
 * its own training speeds, and whether the control model (trained on 1–4 u/s in both directions)
 * neither flips nor pulls low speeds up.
 *
 * Criterion, fixed on 2026-12-05 before any baseline or control model was trained or evaluated
 * (commit "direction-flip: baseline and control criterion"):
 * - A model's **ordinary error** is the mean |generated − conditioning velocity| (u/s) of its intact
 *   generations on the baseline videos (held out, 2.5–4 u/s, moving right). The pull of a set is
 *   measured against it: a mean low-speed shift counts as a pull only when it exceeds
 *   `PULL_FACTOR` (2) times the set's ordinary error, since a shift within twice the model's own
 *   error at the speeds it knows cannot be told from that error.
 * - The **control behaves as expected** when (a) it flips in at most `CONTROL_MAX_FLIP_SHARE` (1%)
 *   of its intact test generations pooled over seeds (the paper's Set-1, trained one way, shows
 *   none; a 1% allowance keeps one odd generation in 128 from deciding), and (b) its mean shift in
 *   the lowest conditioning bin (1.0–1.25 u/s) is not a pull (≤ 2x its ordinary error). Otherwise
 *   it *did not behave*; with no control rows, *cannot tell*.
 * - A model is **within 3x the floor** (issue #21 item 1) when its ordinary error is ≤ 3 times the
 *   parse floor of the ground truth on the same kind of videos (unit `vae/uniform`, `truth.error`).
 */
import type { Row } from '../core/experiment';
import { meanCi, wilson } from '../core/intervals';
import { flipBaselineRows, flipShares, speedShifts } from './report';

/** A low-speed shift counts as a pull toward the training speeds above this many times the set's ordinary error. */
export const PULL_FACTOR = 2;
/** The control may flip at most this share of its intact test generations. */
export const CONTROL_MAX_FLIP_SHARE = 0.01;
/** A model's ordinary error must be within this many parse floors to count as trained "to the floor". */
export const FLOOR_FACTOR = 3;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One model's ordinary error at its training speeds. */
export interface BaselineError {
  set: string;
  seed: number;
  /** Baseline videos, intact generations with a velocity among them. */
  n: number;
  intact: number;
  /** Mean |generated − conditioning| over the intact ones (u/s); NaN with none. */
  error: number;
  /** error / floor (null when no floor is given). */
  overFloor: number | null;
  /** error ≤ FLOOR_FACTOR · floor (null when no floor is given). */
  withinFloor: boolean | null;
}

/** Per (set, seed): the ordinary error on the baseline rows, against the parse floor `floor` (u/s) when given. */
export function baselineErrors(rows: ReadonlyArray<Row>, floor: number | null = null): BaselineError[] {
  const base = flipBaselineRows(rows);
  const keys = [...new Set(base.map((r) => `${r.set}\u0000${r.seed}`))];
  return keys.map((k) => {
    const [set, seed] = k.split('\u0000');
    const rs = base.filter((r) => String(r.set) === set && String(r.seed) === seed);
    const ok = rs.filter((r) => r.intact !== false && num(r.generatedVelocity) !== null);
    const error = ok.length ? ok.reduce((a, r) => a + Math.abs(num(r.generatedVelocity)! - Number(r.conditionVelocity)), 0) / ok.length : NaN;
    const overFloor = floor !== null && floor > 0 && Number.isFinite(error) ? error / floor : null;
    return { set, seed: Number(seed), n: rs.length, intact: ok.length, error, overFloor, withinFloor: overFloor === null ? null : overFloor <= FLOOR_FACTOR };
  });
}

/** A set's ordinary error over seeds: mean and 95% t half-width (ci 0 and seeds 1 with one seed: show n/a). */
export function setError(errors: ReadonlyArray<BaselineError>, set: string): { mean: number; ci: number; seeds: number } {
  const s = meanCi(errors.filter((e) => e.set === set && Number.isFinite(e.error)).map((e) => e.error));
  return { mean: s.mean, ci: s.ci, seeds: s.n };
}

/** The control's verdict (criterion in the module doc). */
export interface ControlVerdict {
  verdict: 'behaved' | 'did not behave' | 'cannot tell';
  flipped: number;
  n: number;
  share: number;
  wilson: [number, number];
  /** Mean shift of the lowest conditioning bin (u/s) and the control's ordinary error (u/s). */
  lowShift: number | null;
  ordinaryError: number | null;
  noFlips: boolean | null;
  noPull: boolean | null;
}

export function controlVerdict(rows: Row[], opts: { threshold?: number } = {}): ControlVerdict {
  const all = flipShares(rows, opts).find((s) => s.set === 'control' && s.bin === 'all');
  const low = speedShifts(rows, opts).filter((s) => s.set === 'control').sort((a, b) => a.lo - b.lo)[0];
  const err = setError(baselineErrors(rows), 'control');
  if (!all || all.n === 0) return { verdict: 'cannot tell', flipped: 0, n: 0, share: NaN, wilson: [0, 1], lowShift: null, ordinaryError: null, noFlips: null, noPull: null };
  const intactN = all.n - all.broken - all.vanished;
  const share = intactN > 0 ? all.flipped / intactN : NaN;
  const noFlips = Number.isFinite(share) ? share <= CONTROL_MAX_FLIP_SHARE : null;
  const lowShift = low ? low.shift : null;
  const ordinaryError = Number.isFinite(err.mean) ? err.mean : null;
  const noPull = lowShift !== null && ordinaryError !== null ? lowShift <= PULL_FACTOR * ordinaryError : null;
  const verdict = noFlips === null || noPull === null ? 'cannot tell' : noFlips && noPull ? 'behaved' : 'did not behave';
  return { verdict, flipped: all.flipped, n: intactN, share, wilson: wilson(all.flipped, Math.max(intactN, 0)), lowShift, ordinaryError, noFlips, noPull };
}

/** A set's lowest-bin shift, its ordinary error over seeds, and whether the shift is a pull (> PULL_FACTOR × that error; null when either is missing). */
function pullOf(rows: Row[], set: string, opts: { threshold?: number }): { low: ReturnType<typeof speedShifts>[number] | undefined; err: ReturnType<typeof setError>; pull: boolean | null } {
  const low = speedShifts(rows, opts).filter((s) => s.set === set).sort((a, b) => a.lo - b.lo)[0];
  const err = setError(baselineErrors(rows), set);
  return { low, err, pull: low && Number.isFinite(err.mean) ? low.shift > PULL_FACTOR * err.mean : null };
}

/** Whether a set's lowest-bin shift is a pull (> PULL_FACTOR × its ordinary error); null when either is missing. */
export function isPull(rows: Row[], set: string, opts: { threshold?: number } = {}): boolean | null {
  return pullOf(rows, set, opts).pull;
}

/**
 * One paragraph for the verdict: the Set-1 pull read against Set-1's ordinary error (the criterion
 * above), and the control's verdict. Empty when the rows hold no baseline evaluations (older
 * summaries), so the verdict then reads as before.
 */
export function baselineVerdictMarkdown(rows: Row[], opts: { threshold?: number } = {}): string {
  if (baselineErrors(rows).length === 0) return '';
  const f2 = (v: number | null) => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(2));
  const { low, err, pull } = pullOf(rows, 'Set-1', opts);
  const set1 = pull === null || !low
    ? 'Set-1 against its baseline: cannot tell (no Set-1 test or baseline rows).'
    : `Set-1 against its baseline: the lowest-bin shift ${low.shift >= 0 ? '+' : ''}${f2(low.shift)} u/s ${pull ? 'exceeds' : 'does not exceed'} ${PULL_FACTOR}x Set-1's ordinary error at its training speeds (${f2(err.mean)} u/s over ${err.seeds} seed${err.seeds === 1 ? '' : 's'}, so ${f2(PULL_FACTOR * err.mean)} u/s)${pull ? ': a pull by the baseline criterion too.' : ': by the baseline criterion (fixed before these models ran) the pull cannot be told from the model\'s own error, whatever the question above says.'}`;
  const cv = controlVerdict(rows, opts);
  return `**Baseline and control (criterion in the section above).** ${set1} Control: ${cv.verdict} (${cv.flipped}/${cv.n} intact generations flipped; lowest-bin shift ${f2(cv.lowShift)} u/s against ${PULL_FACTOR}x its ordinary error ${f2(cv.ordinaryError)} u/s).`;
}
