/**
 * Checks of experiment settings, run before the first unit (and by `--dry-run` and
 * `--print-config`), so a bad value fails at once with one message naming the key and what is
 * allowed, rather than inside a unit hours later or as a TypeError. Each experiment's `validate`
 * composes these (id-ood-validate.ts, case-matching-validate.ts).
 */
import { ConfigError } from '../../config/profile';
import { validateTrainConfig } from '../../train/train-config';
import type { ClipSettings } from './clip-settings';

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** An integer in [min, max] (max optional). */
export function checkInt(key: string, v: unknown, min: number, max?: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || (max !== undefined && v > max)) {
    throw new ConfigError(`${key} must be an integer ${max !== undefined ? `in [${min}, ${max}]` : `≥ ${min}`}, got ${show(v)}`);
  }
}

/** A finite number ≥ min. */
export function checkNumber(key: string, v: unknown, min: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new ConfigError(`${key} must be a number ≥ ${min}, got ${show(v)}`);
}

/** One of `allowed`. */
export function checkChoice(key: string, v: unknown, allowed: ReadonlyArray<string>): void {
  if (typeof v !== 'string' || !allowed.includes(v)) throw new ConfigError(`${key}: '${String(v)}' is not allowed; allowed: ${allowed.join(', ')}`);
}

/** A non-empty list of distinct values from `allowed`. */
export function checkChoiceList(key: string, v: unknown, allowed: ReadonlyArray<string>): void {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError(`${key} must list at least one of ${allowed.join(', ')}, got ${show(v)}`);
  for (const x of v) checkChoice(`${key}`, x, allowed);
  if (new Set(v).size !== v.length) throw new ConfigError(`${key} lists a value twice: ${show(v)}`);
}

/** A non-empty list of distinct integers ≥ min. */
export function checkIntList(key: string, v: unknown, min: number): void {
  if (!Array.isArray(v) || v.length === 0) throw new ConfigError(`${key} must be a non-empty list of integers ≥ ${min}, got ${show(v)}`);
  v.forEach((x, i) => checkInt(`${key}[${i}]`, x, min));
  if (new Set(v).size !== v.length) throw new ConfigError(`${key} lists a value twice: ${show(v)}`);
}

/** Speed bands [[lo, hi], …] with 0 ≤ lo ≤ hi. */
export function checkBands(key: string, v: unknown): void {
  const ok = Array.isArray(v) && v.length > 0 && v.every((b) => Array.isArray(b) && b.length === 2 && b.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0) && b[0] <= b[1]);
  if (!ok) throw new ConfigError(`${key} must be a non-empty list of speed bands [[lo, hi], …] with 0 ≤ lo ≤ hi (u/s), got ${show(v)}`);
}

/** Seeds: a non-empty list of distinct non-negative integers. */
export function checkSeeds(seeds: unknown): void {
  checkIntList('seeds', seeds, 0);
}

/** The clip, training and evaluation settings every DiT experiment shares. */
export function checkClipSettings(c: ClipSettings): void {
  checkInt('dataSeed', c.dataSeed, 0);
  checkInt('frames', c.frames, 2, 1024);
  checkInt('size', c.size, 4, 4096);
  checkInt('condFrames', c.condFrames, 1, c.frames - 1);
  checkInt('sampleSteps', c.sampleSteps, 1, 10000);
  checkChoice('parser', c.parser, ['alpha', 'mask']);
  validateTrainConfig(c.train, c.frames);
  if (!c.train.condFrames.includes(c.condFrames)) throw new ConfigError(`train.condFrames ${show(c.train.condFrames)} must include condFrames (${c.condFrames}), the number of frames the evaluation conditions on`);
}

/** A DiT patch on VAE latents: three integers in [1, 64]; its frame size divides the clip's frames when the route is 'vae'. */
export function checkLatentPatch(c: { patch: unknown; frames: number; latent: string }): void {
  const p = c.patch;
  if (!Array.isArray(p) || p.length !== 3) throw new ConfigError(`patch must be [frames, rows, cols], got ${JSON.stringify(p)}`);
  p.forEach((v, i) => checkInt(`patch[${i}]`, v, 1, 64));
  if (c.latent === 'vae' && c.frames % (p[0] as number) !== 0) throw new ConfigError(`patch[0] must divide frames (${c.frames}), got ${p[0]}`);
}
