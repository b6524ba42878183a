/**
 * Named object colours. Every channel is 0 or 255, so each colour is recovered from pixels by
 * the paper's per-channel threshold at 127 (lib/metrics/parse-state.ts): red = R>127, G<127,
 * B<127 and blue = R<127, G<127, B>127 exactly as in the paper's evaluate.py; the others follow
 * the same rule. The paper uses red (ball 1 / single ball) and blue (ball 2).
 */
import { ConfigError } from '../config/profile';

export type Rgb = readonly [number, number, number];

export const COLORS: Readonly<Record<string, Rgb>> = {
  red: [255, 0, 0],
  blue: [0, 0, 255],
  green: [0, 255, 0],
  yellow: [255, 255, 0],
  magenta: [255, 0, 255],
  cyan: [0, 255, 255],
  black: [0, 0, 0],
};

/** Names accepted wherever a colour is configured. */
export const COLOR_NAMES: ReadonlyArray<string> = Object.keys(COLORS);

/** The background (white, as in the paper). */
export const BACKGROUND: Rgb = [255, 255, 255];

/** RGB of a named colour; a ConfigError naming `param` and the allowed names otherwise. */
export function colorRgb(name: string, param = 'color'): Rgb {
  const c = COLORS[name];
  if (!c) throw new ConfigError(`${param}: unknown colour '${name}'; allowed: ${COLOR_NAMES.join(', ')}`);
  return c;
}
