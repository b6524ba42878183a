/**
 * PNG output for people (via the `pngjs` package): single frames, and a filmstrip that lays a
 * clip's frames side by side for a quick look.
 */
import { PNG } from 'pngjs';

/** Encode one RGB image (H, W, 3), row 0 = top, as PNG bytes. */
export function encodePng(rgb: Uint8Array, height: number, width: number): Buffer {
  if (rgb.length < height * width * 3) throw new Error(`encodePng: need ${height * width * 3} bytes for ${height}×${width}×3, got ${rgb.length}`);
  const png = new PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(rgb.buffer, rgb.byteOffset, height * width * 3);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
}

/** Decode PNG bytes to RGB (H, W, 3). */
export function decodePng(bytes: Buffer): { rgb: Uint8Array; height: number; width: number } {
  const png = PNG.sync.read(bytes);
  const rgb = new Uint8Array(png.width * png.height * 3);
  for (let p = 0; p < png.width * png.height; p++) {
    rgb[p * 3] = png.data[p * 4];
    rgb[p * 3 + 1] = png.data[p * 4 + 1];
    rgb[p * 3 + 2] = png.data[p * 4 + 2];
  }
  return { rgb, height: png.height, width: png.width };
}

export interface FilmstripOptions {
  /** Show at most this many frames, evenly spaced over the clip (always the first and last). Default all. */
  maxFrames?: number;
  /** Gap between frames in pixels (drawn grey). Default 2. */
  gap?: number;
  /** Integer magnification of each frame (nearest neighbour), for tiny clips. Default: enough to make frames ≥ 64 px. */
  scale?: number;
}

/** Lay frames (T, H, W, 3) side by side into one RGB image. */
export function filmstrip(frames: Uint8Array, t: number, height: number, width: number, opts: FilmstripOptions = {}): { rgb: Uint8Array; height: number; width: number; frames: number[] } {
  const gap = opts.gap ?? 2;
  const scale = opts.scale ?? Math.max(1, Math.ceil(64 / Math.max(height, width)));
  const k = Math.max(1, Math.min(t, opts.maxFrames ?? t));
  const picks = k === 1 ? [0] : Array.from({ length: k }, (_, i) => Math.round((i * (t - 1)) / (k - 1)));
  const fh = height * scale;
  const fw = width * scale;
  const W = k * fw + (k - 1) * gap;
  const H = fh;
  const rgb = new Uint8Array(W * H * 3).fill(160);
  picks.forEach((f, slot) => {
    const x0 = slot * (fw + gap);
    for (let y = 0; y < fh; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < fw; x++) {
        const sx = Math.floor(x / scale);
        const src = ((f * height + sy) * width + sx) * 3;
        const dst = (y * W + x0 + x) * 3;
        rgb[dst] = frames[src];
        rgb[dst + 1] = frames[src + 1];
        rgb[dst + 2] = frames[src + 2];
      }
    }
  });
  return { rgb, height: H, width: W, frames: picks };
}
