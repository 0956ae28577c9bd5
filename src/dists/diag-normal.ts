import { HALF_LOG_2PI } from "../math/constants";
import type { Rng } from "../random/rng";
import { InvalidParameterError, requireFinite, requirePositive } from "./errors";
import { checkSampleCount } from "./types";

/**
 * A multivariate Normal with diagonal covariance, N(mean, diag(sd²)) in d dimensions:
 * log p(x) = Σⱼ [−½((xⱼ − μⱼ)/σⱼ)² − ln σⱼ] − d·½ln 2π; entropy d(½ + ½ln 2π) + Σ ln σⱼ.
 *
 * Edge cases: `mean` and `sd` must have the same non-zero length; every σⱼ finite and > 0
 * (`DiagNormal: sd[1] must be a finite number > 0, got 0`); logProb throws on a wrong-length x.
 *
 * @example new DiagNormal([0, 0], [1, 1]).logProb([0, 0]) // -1.8378770664093453
 */
export class DiagNormal {
  readonly kind = "diag-normal";
  readonly mean: Float64Array;
  readonly sd: Float64Array;
  readonly variance: Float64Array;
  readonly entropy: number;
  private readonly logNorm: number;

  constructor(mean: ArrayLike<number>, sd: ArrayLike<number>) {
    if (mean.length === 0) throw new InvalidParameterError("DiagNormal", "mean", "a non-empty array", mean);
    if (sd.length !== mean.length) {
      throw new InvalidParameterError("DiagNormal", "sd", `an array of length ${mean.length} (as mean)`, sd);
    }
    const d = mean.length;
    this.mean = new Float64Array(d);
    this.sd = new Float64Array(d);
    this.variance = new Float64Array(d);
    let sumLogSd = 0;
    for (let j = 0; j < d; j++) {
      this.mean[j] = requireFinite("DiagNormal", `mean[${j}]`, mean[j]);
      this.sd[j] = requirePositive("DiagNormal", `sd[${j}]`, sd[j]);
      this.variance[j] = sd[j] * sd[j];
      sumLogSd += Math.log(sd[j]);
    }
    this.logNorm = sumLogSd + d * HALF_LOG_2PI;
    this.entropy = 0.5 * d + this.logNorm;
  }

  /** The dimension d. */
  get dim(): number {
    return this.mean.length;
  }

  logProb(x: ArrayLike<number>): number {
    if (x.length !== this.mean.length) {
      throw new RangeError(`DiagNormal.logProb: x must have length ${this.mean.length}, got ${x.length}`);
    }
    let q = 0;
    for (let j = 0; j < x.length; j++) {
      const u = (x[j] - this.mean[j]) / this.sd[j];
      q += u * u;
    }
    return -0.5 * q - this.logNorm;
  }

  /** One draw (a new Float64Array of length d). */
  draw(rng: Rng): Float64Array {
    const x = new Float64Array(this.dim);
    for (let j = 0; j < x.length; j++) x[j] = this.mean[j] + this.sd[j] * rng.normal();
    return x;
  }

  /** n draws, each a Float64Array of length d. */
  sample(rng: Rng, n: number): Float64Array[] {
    const out: Float64Array[] = new Array(checkSampleCount("DiagNormal", n));
    for (let i = 0; i < n; i++) out[i] = this.draw(rng);
    return out;
  }

  toJSON(): { kind: "diag-normal"; mean: number[]; sd: number[] } {
    return { kind: "diag-normal", mean: Array.from(this.mean), sd: Array.from(this.sd) };
  }
}

/** Shorthand for `new DiagNormal(mean, sd)`. @example diagNormal([0, 1], [1, 2]).entropy // 3.5310242469692907 */
export function diagNormal(mean: ArrayLike<number>, sd: ArrayLike<number>): DiagNormal {
  return new DiagNormal(mean, sd);
}
