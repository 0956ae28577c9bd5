import type { Rng } from "../random/rng";

/** An interval of the real line; the bounds may be ±Infinity. Densities ignore whether ends are open. */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/** The whole real line (−∞, ∞). */
export const REAL_LINE: Interval = Object.freeze({ lower: -Infinity, upper: Infinity });
/** The unit interval [0, 1]. */
export const UNIT_INTERVAL: Interval = Object.freeze({ lower: 0, upper: 1 });

/**
 * The shape every one-dimensional distribution shares (continuous or discrete). Discrete
 * distributions (Bernoulli, Categorical) have `discrete: true` and `logProb` is a log mass.
 */
export interface UnivariateDistribution {
  /** A short tag: "normal", "beta", "bernoulli", "categorical", "normal-mixture". */
  readonly kind: string;
  /** True for a probability mass function on integers. */
  readonly discrete: boolean;
  /** Where the density (or mass) is positive. */
  readonly support: Interval;
  /** E[X]. */
  readonly mean: number;
  /** Var[X]. */
  readonly variance: number;
  /** H[X] = −E[log p(X)] in nats, where a closed form exists. */
  readonly entropy?: number;
  /** log density (or log mass) at x; −Infinity outside the support. */
  logProb(x: number): number;
  /** One draw. */
  draw(rng: Rng): number;
  /** n draws in a Float64Array. */
  sample(rng: Rng, n: number): Float64Array;
  /** Plain-data parameters, e.g. {kind: "normal", mean: 0, sd: 1}. */
  toJSON(): Record<string, unknown>;
}

/** Common guard for `sample(rng, n)`. */
export function checkSampleCount(owner: string, n: number): number {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`${owner}.sample: n must be an integer >= 0, got ${n}`);
  return n;
}
