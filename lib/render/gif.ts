/**
 * A small animated-GIF encoder (GIF89a, LZW), enough to look at clips.
 *
 * Palette: one local colour table per frame holding the frame's exact colours when it uses at
 * most 256 (a rendered frame has white, the object colours and their rim blends: ~20–200), so
 * frames are lossless; otherwise the 256 most frequent colours, every other colour mapped to its
 * nearest entry (squared RGB distance). Frames loop forever (NETSCAPE2.0) with a fixed delay.
 * Format reference: the GIF89a specification (W3C, 1990), sections 18–23 and appendix F (LZW).
 */

export interface GifOptions {
  /** Delay between frames in 1/100 s. Default 10 (real time: frames are 0.1 s apart). */
  delayCs?: number;
  /** Loop count; 0 = forever. Default 0. */
  loop?: number;
}

/**
 * Encode T RGB frames (T, H, W, 3) as an animated GIF.
 * @param frames uint8 RGB, row-major, row 0 = top
 */
export function encodeGif(frames: Uint8Array, t: number, height: number, width: number, opts: GifOptions = {}): Uint8Array {
  const px = height * width;
  if (frames.length < t * px * 3) throw new Error(`encodeGif: need ${t * px * 3} bytes for ${t}×${height}×${width}×3, got ${frames.length}`);
  if (width > 65535 || height > 65535 || t < 1) throw new Error('encodeGif: bad size');
  const out = new ByteWriter();
  out.ascii('GIF89a');
  out.u16(width);
  out.u16(height);
  out.byte(0x70); // no global colour table, 8 bits colour resolution
  out.byte(0); // background colour index
  out.byte(0); // pixel aspect ratio
  // NETSCAPE2.0 looping application extension
  out.bytes([0x21, 0xff, 0x0b]);
  out.ascii('NETSCAPE2.0');
  out.bytes([0x03, 0x01]);
  out.u16(opts.loop ?? 0);
  out.byte(0);
  const delay = opts.delayCs ?? 10;
  const indices = new Uint8Array(px);
  for (let f = 0; f < t; f++) {
    out.bytes([0x21, 0xf9, 0x04, 0x00]); // graphic control extension, no transparency
    out.u16(delay);
    out.bytes([0x00, 0x00]);
    out.byte(0x2c); // image descriptor
    out.u16(0);
    out.u16(0);
    out.u16(width);
    out.u16(height);
    out.byte(0x87); // local colour table of 256 entries (2^(7+1)), not interlaced
    const base = f * px * 3;
    const { palette, index } = buildPalette(frames.subarray(base, base + px * 3), px);
    out.bytes(palette);
    for (let p = 0; p < px; p++) {
      const o = base + p * 3;
      indices[p] = index((frames[o] << 16) | (frames[o + 1] << 8) | frames[o + 2]);
    }
    out.byte(8); // LZW minimum code size
    lzwEncode(indices, out);
    out.byte(0); // block terminator
  }
  out.byte(0x3b); // trailer
  return out.finish();
}

function buildPalette(frames: Uint8Array, pixels: number): { palette: Uint8Array; index: (rgb: number) => number } {
  const counts = new Map<number, number>();
  for (let p = 0; p < pixels; p++) {
    const o = p * 3;
    const key = (frames[o] << 16) | (frames[o + 1] << 8) | frames[o + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const colours = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 256).map((e) => e[0]);
  const palette = new Uint8Array(256 * 3);
  const lookup = new Map<number, number>();
  colours.forEach((key, k) => {
    palette[k * 3] = key >> 16;
    palette[k * 3 + 1] = (key >> 8) & 255;
    palette[k * 3 + 2] = key & 255;
    lookup.set(key, k);
  });
  const index = (key: number): number => {
    const hit = lookup.get(key);
    if (hit !== undefined) return hit;
    const r = key >> 16;
    const g = (key >> 8) & 255;
    const b = key & 255;
    let best = 0;
    let bestD = Infinity;
    for (let k = 0; k < colours.length; k++) {
      const dr = palette[k * 3] - r;
      const dg = palette[k * 3 + 1] - g;
      const db = palette[k * 3 + 2] - b;
      const d = dr * dr + dg * dg + db * db;
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    lookup.set(key, best);
    return best;
  };
  return { palette, index };
}

/** Variable-width LZW (GIF flavour, 8-bit symbols), written as ≤255-byte data sub-blocks. */
function lzwEncode(symbols: Uint8Array, out: ByteWriter): void {
  const CLEAR = 256;
  const EOI = 257;
  let codeSize = 9;
  let next = 258;
  let dict = new Map<number, number>();
  const block: number[] = [];
  let acc = 0;
  let nbits = 0;
  const emit = (code: number): void => {
    acc |= code << nbits;
    nbits += codeSize;
    while (nbits >= 8) {
      block.push(acc & 255);
      acc >>>= 8;
      nbits -= 8;
      if (block.length === 255) flush();
    }
  };
  const flush = (): void => {
    if (block.length === 0) return;
    out.byte(block.length);
    out.bytes(block);
    block.length = 0;
  };
  emit(CLEAR);
  let prefix = symbols.length > 0 ? symbols[0] : 0;
  for (let i = 1; i < symbols.length; i++) {
    const s = symbols[i];
    const key = (prefix << 8) | s;
    const hit = dict.get(key);
    if (hit !== undefined) {
      prefix = hit;
      continue;
    }
    emit(prefix);
    if (next < 4096) {
      dict.set(key, next++);
      if (next > 1 << codeSize && codeSize < 12) codeSize++;
    } else {
      emit(CLEAR);
      dict = new Map();
      next = 258;
      codeSize = 9;
    }
    prefix = s;
  }
  emit(prefix);
  emit(EOI);
  if (nbits > 0) {
    block.push(acc & 255);
    if (block.length === 255) flush();
  }
  flush();
}

class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  private n = 0;
  private ensure(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.n + k) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.n));
    this.buf = nb;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.n++] = b;
  }
  bytes(bs: ArrayLike<number>): void {
    this.ensure(bs.length);
    for (let i = 0; i < bs.length; i++) this.buf[this.n++] = bs[i];
  }
  u16(v: number): void {
    this.byte(v & 255);
    this.byte((v >> 8) & 255);
  }
  ascii(s: string): void {
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}
