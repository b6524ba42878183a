/**
 * The pinned figure font (lib/plot/fonts/README.md): DejaVu Sans 2.37, regular and bold, subset,
 * as woff2, registered in the export page under the family `phylab-sans` (first in FONT_FAMILY).
 * Exports use it whatever fonts the machine has: the PDF embeds it, the PNG is drawn with it, the
 * SVG carries it as an @font-face data URL. fontInfo() is what sidecars record.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PINNED_FONT_FAMILY = 'phylab-sans';
const DIR = join(__dirname, 'fonts');
const FACES = [
  { weight: 'normal', file: 'dejavu-sans-subset.woff2' },
  { weight: 'bold', file: 'dejavu-sans-bold-subset.woff2' },
] as const;

let cache: { css: string; info: FontInfo } | null = null;

export interface FontInfo {
  family: string;
  source: string;
  /** File name → SHA-256. */
  files: Record<string, string>;
}

function load(): { css: string; info: FontInfo } {
  if (cache) return cache;
  const files: Record<string, string> = {};
  const rules = FACES.map((f) => {
    const bytes = readFileSync(join(DIR, f.file));
    files[f.file] = createHash('sha256').update(bytes).digest('hex');
    return `@font-face{font-family:'${PINNED_FONT_FAMILY}';font-style:normal;font-weight:${f.weight};src:url(data:font/woff2;base64,${bytes.toString('base64')}) format('woff2')}`;
  });
  cache = { css: rules.join('\n'), info: { family: PINNED_FONT_FAMILY, source: 'DejaVu Sans 2.37 (regular, bold), subset; lib/plot/fonts/', files } };
  return cache;
}

/** CSS @font-face rules with the font data inline (≈ 160 KB). */
export function fontFaceCss(): string {
  return load().css;
}

/** Family, source and file checksums, for sidecars. */
export function fontInfo(): FontInfo {
  const i = load().info;
  return { ...i, files: { ...i.files } };
}

/** The SVG with the font embedded: a <style> with the @font-face rules as the first child of <svg>. */
export function embedFontInSvg(svg: string): string {
  const m = /<svg\b[^>]*>/.exec(svg);
  if (!m) throw new Error('embedFontInSvg: no <svg> element');
  const at = m.index + m[0].length;
  return `${svg.slice(0, at)}<style>${fontFaceCss()}</style>${svg.slice(at)}`;
}
