import { ZIGGURAT_F, ZIGGURAT_R, ZIGGURAT_X, ZIGGURAT_XS } from "./ziggurat";

const TWO_POW_M53 = 1.1102230246251565e-16; // 2^-53
const TWO_POW_26 = 67108864;

/** Power sums of a batch of standard normal draws ε₁…εₙ (see {@link Rng.normalPowerSums}). */
export interface NormalPowerSums {
  /** The number of draws. */
  n: number;
  /** Σεᵢ. */
  s1: number;
  /** Σεᵢ². */
  s2: number;
  /** Σεᵢ³. */
  s3: number;
  /** Σεᵢ⁴. */
  s4: number;
}

/** Anything that can be passed as a seed: a safe integer (negative values are allowed). */
export type Seed = number;

/**
 * A seeded pseudo-random generator: xoshiro128** (Blackman & Vigna) on four 32-bit words,
 * advanced with Math.imul, shifts and xors only, so a seed gives the same integer stream on
 * every machine and engine. Every sampler in the library takes one explicitly; nothing calls
 * Math.random.
 *
 * - `uniform()` has 53 random bits (two 32-bit outputs), in [0, 1).
 * - `normal()` is a 256-layer ziggurat whose layer index (8 bits) and sign (1 bit) come from
 *   bits left over by the 53-bit abscissa, so the fast path costs two generator steps, one
 *   multiply by a signed pre-scaled table entry and one comparison; about 0.7 % of draws take a
 *   slower path using Math.exp/Math.log (which V8 implements with the same fdlibm code
 *   everywhere, so streams also match across machines for a given Node). Why 53 bits: within a
 *   layer the draw is u·X[i] with u on the grid k·2⁻⁵³, the full resolution of a double in
 *   [0, 1); the grid moves any expectation by at most ~2⁻⁵³ relative (~1e−16), which is float64
 *   rounding, and eleven orders of magnitude below the smallest Monte Carlo standard error this
 *   library could report (σ/√n ≥ 1e−5·σ even at n = 10¹⁰). Fewer bits would show sooner: 23 bits
 *   (one 32-bit output per draw) would put the grid at ~1e−7, only ~300× below the standard
 *   error of a 10⁹-draw mean (3e−5·σ).
 * - `gamma`, `logGammaVariate`, `beta` (Marsaglia–Tsang squeeze for the gamma).
 *
 * Period 2¹²⁸ − 1. Not cryptographic.
 *
 * @example
 * const rng = createRng(1);
 * rng.uniform(); // a number in [0, 1), the same on every machine for seed 1
 * rng.normals(3); // Float64Array of 3 standard normal draws
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** Seeds the four state words from `seed` with SplitMix32 (see {@link createRng}). */
  constructor(seed: Seed) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`createRng: seed must be a safe integer, got ${String(seed)}`);
    }
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let state = (lo ^ Math.imul(hi, 0x85ebca6b)) | 0;
    const next = () => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) | 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** The next 32-bit output, as an unsigned integer in [0, 2³²). @example createRng(0).nextUint32() // 1789933344 */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2 ^ s0;
    const s3 = this.s3 ^ s1;
    const r = Math.imul(s1, 5);
    const result = Math.imul((r << 7) | (r >>> 25), 9);
    this.s0 = s0 ^ s3;
    this.s1 = s1 ^ s2;
    this.s2 = s2 ^ (s1 << 9);
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result >>> 0;
  }

  /** A uniform draw in [0, 1) with 53 random bits. @example createRng(1).uniform() // 0.09156953175513294 */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) * TWO_POW_M53;
  }

  /** A uniform draw in (0, 1): never 0, so its logarithm is finite. */
  uniformOpen(): number {
    for (;;) {
      const u = this.uniform();
      if (u > 0) return u;
    }
  }

  /** A uniform integer in {0, …, n − 1}, unbiased (rejection), for 1 ≤ n ≤ 2³². */
  int(n: number): number {
    if (!(Number.isInteger(n) && n >= 1 && n <= 4294967296)) {
      throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /**
   * A standard normal draw (ziggurat, 256 layers).
   * @example createRng(7).normal() // -0.07161664738258139
   */
  normal(): number {
    const X = ZIGGURAT_X;
    const XS = ZIGGURAT_XS;
    for (;;) {
      const a = this.nextUint32() | 0;
      const b = this.nextUint32() | 0;
      const i = (a & 31) | ((b & 7) << 5);
      const x = ((a >>> 5) * TWO_POW_26 + (b >>> 6)) * XS[i | ((b & 8) << 5)];
      if (Math.abs(x) < X[i + 1]) return x;
      const y = i === 0 ? this.normalTail() : this.normalWedge(i, Math.abs(x));
      if (y === y) return b & 8 ? -y : y;
    }
  }

  /** The slow path of the ziggurat for layers 1…255: accept x with probability in the wedge, else NaN. */
  private normalWedge(i: number, x: number): number {
    const f = ZIGGURAT_F;
    const y = f[i] + this.uniform() * (f[i + 1] - f[i]);
    return y < Math.exp(-0.5 * x * x) ? x : NaN;
  }

  /** Marsaglia's exact sampler for the normal tail x > R. */
  private normalTail(): number {
    for (;;) {
      const x = -Math.log(this.uniformOpen()) / ZIGGURAT_R;
      const y = -Math.log(this.uniformOpen());
      if (2 * y >= x * x) return ZIGGURAT_R + x;
    }
  }

  /**
   * The rest of a normal() draw whose first attempt (outputs a, b; signed abscissa x in layer i)
   * missed the fast path: the wedge or tail test, and on rejection a fresh normal().
   */
  private normalSlow(i: number, x: number, b: number): number {
    const y = i === 0 ? this.normalTail() : this.normalWedge(i, Math.abs(x));
    if (y !== y) return this.normal();
    return b & 8 ? -y : y;
  }

  /**
   * Fills `out` with N(mean, sd²) draws and returns it; the bulk path used by the estimators.
   * The stream is exactly that of out.length calls of normal(): out[k] = mean + sd·(k-th draw).
   * @example createRng(1).fillNormal(new Float64Array(4)) // 4 standard normal draws
   */
  fillNormal(out: Float64Array, mean = 0, sd = 1): Float64Array {
    // The same algorithm as normal(), with the generator state held in int32 locals and no
    // branch on the sign (the signed table XS: a sign branch mispredicts on half the draws).
    // The inner loop holds only the fast path (~99.3 % of draws); a miss leaves it, syncs the
    // state back, finishes that draw with normalSlow and re-enters. Keeping the slow path out of
    // the inner loop (and reading the state back with | 0, so V8 keeps it int32) makes the loop
    // about 40 % faster than calling the slow path from inside it.
    const X = ZIGGURAT_X;
    const XS = ZIGGURAT_XS;
    const n = out.length;
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    let k = 0;
    while (k < n) {
      // The fast loop runs until a draw misses the fast path; that draw is finished outside it.
      let i = 0;
      let b = 0;
      let z = 0;
      for (; k < n; k++) {
        // first 32-bit output
        let r = Math.imul(s1, 5);
        const a = Math.imul((r << 7) | (r >>> 25), 9);
        let t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        // second 32-bit output
        r = Math.imul(s1, 5);
        b = Math.imul((r << 7) | (r >>> 25), 9);
        t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        // layer i from 8 bits, sign from 1 bit, abscissa from the other 53 bits
        i = (a & 31) | ((b & 7) << 5);
        z = ((a >>> 5) * TWO_POW_26 + (b >>> 6)) * XS[i | ((b & 8) << 5)];
        if (!(Math.abs(z) < X[i + 1])) break;
        out[k] = mean + sd * z;
      }
      if (k === n) break;
      this.s0 = s0;
      this.s1 = s1;
      this.s2 = s2;
      this.s3 = s3;
      out[k++] = mean + sd * this.normalSlow(i, z, b);
      s0 = this.s0 | 0;
      s1 = this.s1 | 0;
      s2 = this.s2 | 0;
      s3 = this.s3 | 0;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    return out;
  }

  /**
   * Draws n standard normals and returns only their power sums Σε, Σε², Σε³, Σε⁴, never storing
   * the draws: the bulk path of estimators whose per-draw value is a polynomial in ε (the
   * Monte Carlo ELBO of a quadratic log-joint). The draws are exactly the stream of n calls of
   * normal(), and each sum is accumulated in draw order, so the result equals, bit for bit,
   * summing the output of normals(n) in a plain loop (fillNormal's loop, with sums in place of
   * the store).
   *
   * Edge cases: n must be an integer ≥ 0 (RangeError otherwise); n = 0 gives zeros.
   *
   * @example createRng(1).normalPowerSums(1000) // { n: 1000, s1: -11.595292280807303, s2: 1101.889260935326, s3: -50.66982836691206, s4: 3827.611494001667 }
   */
  normalPowerSums(n: number): NormalPowerSums {
    checkCount("Rng.normalPowerSums", n);
    const X = ZIGGURAT_X;
    const XS = ZIGGURAT_XS;
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    let p1 = 0;
    let p2 = 0;
    let p3 = 0;
    let p4 = 0;
    let k = 0;
    while (k < n) {
      // as in fillNormal: the fast loop runs until a draw misses the fast path
      let i = 0;
      let b = 0;
      let z = 0;
      for (; k < n; k++) {
        let r = Math.imul(s1, 5);
        const a = Math.imul((r << 7) | (r >>> 25), 9);
        let t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        r = Math.imul(s1, 5);
        b = Math.imul((r << 7) | (r >>> 25), 9);
        t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        i = (a & 31) | ((b & 7) << 5);
        z = ((a >>> 5) * TWO_POW_26 + (b >>> 6)) * XS[i | ((b & 8) << 5)];
        if (!(Math.abs(z) < X[i + 1])) break;
        const z2 = z * z;
        p1 += z;
        p2 += z2;
        p3 += z2 * z;
        p4 += z2 * z2;
      }
      if (k === n) break;
      this.s0 = s0;
      this.s1 = s1;
      this.s2 = s2;
      this.s3 = s3;
      z = this.normalSlow(i, z, b);
      k++;
      const z2 = z * z;
      p1 += z;
      p2 += z2;
      p3 += z2 * z;
      p4 += z2 * z2;
      s0 = this.s0 | 0;
      s1 = this.s1 | 0;
      s2 = this.s2 | 0;
      s3 = this.s3 | 0;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    return { n, s1: p1, s2: p2, s3: p3, s4: p4 };
  }

  /** n standard normal draws in a new Float64Array. @example createRng(1).normals(1e6).length // 1000000 */
  normals(n: number, mean = 0, sd = 1): Float64Array {
    return this.fillNormal(new Float64Array(checkCount("Rng.normals", n)), mean, sd);
  }

  /** Fills `out` with uniform [0, 1) draws and returns it. */
  fillUniform(out: Float64Array): Float64Array {
    for (let k = 0; k < out.length; k++) out[k] = this.uniform();
    return out;
  }

  /** n uniform [0, 1) draws in a new Float64Array. */
  uniforms(n: number): Float64Array {
    return this.fillUniform(new Float64Array(checkCount("Rng.uniforms", n)));
  }

  /**
   * A Gamma(shape, scale) draw (mean shape·scale), by Marsaglia & Tsang's squeeze method; for
   * shape < 1 it boosts: G(a) = G(a + 1)·U^{1/a}, which underflows to 0 for tiny shapes — use
   * {@link Rng.logGammaVariate} there.
   * @example createRng(3).gamma(2, 1) // 2.2199157883936604
   */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0 && shape < Infinity)) throw new RangeError(`Rng.gamma: shape must be a finite number > 0, got ${shape}`);
    if (!(scale > 0 && scale < Infinity)) throw new RangeError(`Rng.gamma: scale must be a finite number > 0, got ${scale}`);
    return Math.exp(this.logGammaVariate(shape)) * scale;
  }

  /**
   * ln G with G ~ Gamma(shape, 1), accurate even when G itself underflows (shape ≪ 1):
   * ln G(a) = ln G(a + 1) + ln(U)/a for a < 1.
   */
  logGammaVariate(shape: number): number {
    if (!(shape > 0 && shape < Infinity)) {
      throw new RangeError(`Rng.logGammaVariate: shape must be a finite number > 0, got ${shape}`);
    }
    if (shape < 1) return this.logGammaVariate(shape + 1) + Math.log(this.uniformOpen()) / shape;
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniformOpen();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return Math.log(d * v);
      const logV = Math.log(v);
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + logV)) return Math.log(d) + logV;
    }
  }

  /**
   * A Beta(a, b) draw as G_a/(G_a + G_b), computed from log-gamma variates so that small shapes
   * (a = 0.01) still give values in (0, 1) rather than 0/0.
   * @example createRng(3).beta(2, 5) // 0.24706803576513486
   */
  beta(a: number, b: number): number {
    if (!(a > 0 && a < Infinity)) throw new RangeError(`Rng.beta: a must be a finite number > 0, got ${a}`);
    if (!(b > 0 && b < Infinity)) throw new RangeError(`Rng.beta: b must be a finite number > 0, got ${b}`);
    const la = this.logGammaVariate(a);
    const lb = this.logGammaVariate(b);
    return 1 / (1 + Math.exp(lb - la));
  }

  /**
   * A new generator seeded from this one's next outputs: an independent-looking stream for a
   * sub-task, reproducible from the parent's seed.
   */
  fork(): Rng {
    const child = new Rng(0);
    child.s0 = this.nextUint32() | 0;
    child.s1 = this.nextUint32() | 0;
    child.s2 = this.nextUint32() | 0;
    child.s3 = this.nextUint32() | 0;
    if ((child.s0 | child.s1 | child.s2 | child.s3) === 0) child.s0 = 1;
    for (let k = 0; k < 8; k++) child.nextUint32(); // decorrelate from the parent's outputs
    return child;
  }

  /** An exact copy: it produces the same stream from here on as this generator. */
  clone(): Rng {
    const copy = new Rng(0);
    copy.s0 = this.s0;
    copy.s1 = this.s1;
    copy.s2 = this.s2;
    copy.s3 = this.s3;
    return copy;
  }
}

function checkCount(where: string, n: number): number {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`${where}: n must be an integer >= 0, got ${n}`);
  return n;
}

/**
 * Creates a seeded generator (see {@link Rng}). The same seed gives the same draws on every
 * machine. The seed is mixed with SplitMix32, so nearby seeds (1, 2, 3) give unrelated streams.
 *
 * Edge cases: a seed that is not a safe integer (1.5, NaN, 2⁶⁰) throws a RangeError naming it.
 *
 * @example createRng(42).nextUint32() // 660444221, on every machine
 */
export function createRng(seed: Seed): Rng {
  return new Rng(seed);
}
