/**
 * A small, self-contained seeded random number generator (xoshiro128**, 32-bit state words)
 * used for everything in `src/tf`, `src/em` and `src/iwae` that must be reproducible:
 * data splits, batch order, synthetic data, Monte Carlo draws in float64 code.
 *
 * This file does not import TensorFlow.js, so float64 modules can use it cheaply.
 * (Duplicate of the project's general RNG in `src/random` once that exists; merge later.)
 *
 * @example
 * const rng = createRng(42);
 * rng.uniform();   // a float in [0, 1), identical on every run for seed 42
 */
export interface Rng {
  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number;
  /** Standard normal N(0, 1) (Box–Muller, one spare value cached). */
  normal(): number;
  /** A 32-bit unsigned integer. */
  uint32(): number;
}

/** splitmix32 step, used only to spread a user seed over the four state words. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** xoshiro128** seeded from an integer (any JS number; its low 32 bits are used). */
export function createRng(seed: number): Rng {
  const sm = splitmix32(seed);
  let a = sm(), b = sm(), c = sm(), d = sm();
  if ((a | b | c | d) === 0) a = 1; // the all-zero state is a fixed point
  let spare: number | null = null;
  const uint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const uniform = (): number => {
    // 53 bits: 27 high bits of one draw and 26 of the next.
    const hi = uint32() >>> 5;
    const lo = uint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  };
  const normal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    // Box–Muller on (0, 1]: 1 - uniform() is never 0, so the log is finite.
    const u1 = 1 - uniform();
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
  return { uniform, normal, uint32 };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates, driven by `rng`). */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Draws a 32-bit integer seed for a TensorFlow.js op (`tf.randomNormal(..., seed)`) from `rng`. */
export function nextSeed(rng: Rng): number {
  return rng.uint32();
}
