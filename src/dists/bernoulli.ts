import type { Rng } from "../random/rng";
import { requireProbability } from "./errors";
import { checkSampleCount, UNIT_INTERVAL, type Interval, type UnivariateDistribution } from "./types";

/**
 * The Bernoulli distribution on {0, 1}: P(1) = p. log P(1) = ln p, log P(0) = log1p(−p);
 * mean p, variance p(1 − p), entropy −p ln p − (1−p)ln(1−p) (with 0·ln 0 = 0).
 *
 * Edge cases: logProb of anything but 0 or 1 is −Infinity; p = 0 or 1 is allowed (a point mass).
 * p outside [0, 1] or NaN throws (`Bernoulli: p must be a number in [0, 1], got 1.5`).
 *
 * @example new Bernoulli(0.25).logProb(1) // -1.3862943611198906
 * @example new Bernoulli(0.5).entropy // 0.6931471805599453
 */
export class Bernoulli implements UnivariateDistribution {
  readonly kind = "bernoulli";
  readonly discrete = true;
  readonly support: Interval = UNIT_INTERVAL;
  readonly p: number;
  readonly mean: number;
  readonly variance: number;
  readonly entropy: number;

  constructor(p: number) {
    this.p = requireProbability("Bernoulli", "p", p);
    this.mean = p;
    this.variance = p * (1 - p);
    this.entropy = -(xlogx(p) + xlogx(1 - p));
  }

  logProb(x: number): number {
    if (x === 1) return Math.log(this.p);
    if (x === 0) return Math.log1p(-this.p);
    return x !== x ? NaN : -Infinity;
  }

  draw(rng: Rng): number {
    return rng.uniform() < this.p ? 1 : 0;
  }

  sample(rng: Rng, n: number): Float64Array {
    const out = new Float64Array(checkSampleCount("Bernoulli", n));
    for (let i = 0; i < out.length; i++) out[i] = rng.uniform() < this.p ? 1 : 0;
    return out;
  }

  toJSON(): { kind: "bernoulli"; p: number } {
    return { kind: "bernoulli", p: this.p };
  }
}

/** x ln x with the limit 0 at x = 0. */
export function xlogx(x: number): number {
  return x === 0 ? 0 : x * Math.log(x);
}

/** Shorthand for `new Bernoulli(p)`. @example bernoulli(0.3).mean // 0.3 */
export function bernoulli(p: number): Bernoulli {
  return new Bernoulli(p);
}
