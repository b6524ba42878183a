/**
 * Seeded, splittable pseudo-random numbers. The only source of randomness in lib/.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018), 128-bit state, seeded through SplitMix32.
 * Streams are split by *name* (`rng.fork('sim-init')`) or by *index* (`rngFor(seed, 'video', i)`),
 * so that e.g. video i of a dataset is a pure function of (seed, i): any subset can be
 * regenerated anywhere, in any order.
 *
 * The global Math RNG and global seeds are banned in lib/ (a test scans the sources).
 */

/** One step of SplitMix32: a strong 32-bit mixer used to expand seeds. */
export function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Hash a sequence of integers and strings into one 32-bit unsigned key (order-sensitive). */
export function hashKey(...parts: ReadonlyArray<number | string>): number {
  let h = 0x811c9dc5 | 0;
  const mix = (v: number) => {
    h = Math.imul(h ^ (v >>> 0), 0x01000193);
    h = splitmix32(h);
  };
  for (const p of parts) {
    if (typeof p === 'number') {
      if (!Number.isFinite(p)) throw new Error(`hashKey: non-finite number ${p}`);
      // integers hash by value; non-integers by their float64 bits
      if (Number.isInteger(p) && Math.abs(p) < 2 ** 53) {
        mix(p % 2 ** 32);
        mix(Math.floor(p / 2 ** 32));
      } else {
        const b = new Float64Array([p]);
        const u = new Uint32Array(b.buffer);
        mix(u[0]);
        mix(u[1]);
      }
      mix(0x6e);
    } else {
      for (let i = 0; i < p.length; i++) mix(p.charCodeAt(i));
      mix(0x73 + p.length);
    }
  }
  return h >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;
  /** The 32-bit key this generator was seeded with (for provenance and forking). */
  readonly key: number;

  /** @param seed any integer (or a key from `hashKey`); the same seed gives the same stream. */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`Rng: seed must be an integer, got ${seed}`);
    this.key = hashKey(seed);
    let x = this.key;
    this.s0 = x = splitmix32(x);
    this.s1 = x = splitmix32(x);
    this.s2 = x = splitmix32(x);
    this.s3 = x = splitmix32(x);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next raw 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform float in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n), unbiased. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new Error(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % n;
    }
  }

  /** Standard normal (Marsaglia polar method; caches the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * m;
        return u * m;
      }
    }
  }

  /** true with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** A uniformly chosen element. */
  choice<T>(items: ReadonlyArray<T>): T {
    if (items.length === 0) throw new Error('Rng.choice: empty array');
    return items[this.int(items.length)];
  }

  /** Fisher–Yates shuffle, in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** A positive 31-bit integer seed, e.g. for `tf.randomNormal(shape, 0, 1, 'float32', seed)`. */
  seedInt(): number {
    return (this.nextUint32() >>> 1) || 1;
  }

  /**
   * An independent child stream named by `parts` (strings or integers). Deterministic: it depends
   * only on this generator's seed key and the parts, never on how many numbers were drawn.
   */
  fork(...parts: ReadonlyArray<number | string>): Rng {
    return new Rng(hashKey(this.key, ...parts));
  }
}

/** A generator for (seed, ...path): `rngFor(seed, 'video', 17)` is the stream of video 17. */
export function rngFor(seed: number, ...parts: ReadonlyArray<number | string>): Rng {
  return new Rng(hashKey(seed, ...parts));
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
