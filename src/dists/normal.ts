import { HALF_LOG_2PI } from "../math/constants";
import type { Rng } from "../random/rng";
import { requireFinite, requirePositive } from "./errors";
import { checkSampleCount, REAL_LINE, type Interval, type UnivariateDistribution } from "./types";

/**
 * The Normal distribution N(mean, sd²):
 * log p(x) = −½((x − mean)/sd)² − ln sd − ½ ln 2π; entropy ½ + ½ ln 2π + ln sd.
 *
 * Invalid parameters throw an {@link InvalidParameterError}: mean must be finite, sd a finite
 * number > 0 (`Normal: sd must be a finite number > 0, got -1`).
 *
 * @example new Normal(0, 1).logProb(2) // -2.9189385332046727
 * @example new Normal(0, 2).entropy // 2.112085713764618
 */
export class Normal implements UnivariateDistribution {
  readonly kind = "normal";
  readonly discrete = false;
  readonly support: Interval = REAL_LINE;
  /** The mean μ. */
  readonly mean: number;
  /** The standard deviation σ > 0. */
  readonly sd: number;
  /** ln σ (the parameter the gradient estimators use). */
  readonly logSd: number;
  /** σ². */
  readonly variance: number;
  /** ½ + ½ln 2π + ln σ. */
  readonly entropy: number;

  constructor(mean: number, sd: number) {
    this.mean = requireFinite("Normal", "mean", mean);
    this.sd = requirePositive("Normal", "sd", sd);
    this.logSd = Math.log(sd);
    this.variance = sd * sd;
    this.entropy = 0.5 + HALF_LOG_2PI + this.logSd;
  }

  /** N(mean, exp(logSd)²), the parameterisation of the gradient estimators. @example Normal.fromLogSd(0, 0).sd // 1 */
  static fromLogSd(mean: number, logSd: number): Normal {
    return new Normal(mean, Math.exp(requireFinite("Normal", "logSd", logSd)));
  }

  /** log N(x | μ, σ²) = −½((x − μ)/σ)² − ln σ − ½ln 2π. NaN → NaN; ±Infinity → −Infinity. */
  logProb(x: number): number {
    const u = (x - this.mean) / this.sd;
    return -0.5 * u * u - this.logSd - HALF_LOG_2PI;
  }

  /** The density exp(logProb(x)). */
  prob(x: number): number {
    return Math.exp(this.logProb(x));
  }

  /** d/dx log p(x) = −(x − μ)/σ². */
  dLogProb(x: number): number {
    return -(x - this.mean) / this.variance;
  }

  draw(rng: Rng): number {
    return this.mean + this.sd * rng.normal();
  }

  sample(rng: Rng, n: number): Float64Array {
    return rng.fillNormal(new Float64Array(checkSampleCount("Normal", n)), this.mean, this.sd);
  }

  toJSON(): { kind: "normal"; mean: number; sd: number } {
    return { kind: "normal", mean: this.mean, sd: this.sd };
  }
}

/** Shorthand for `new Normal(mean, sd)`. @example normal(1, 2).variance // 4 */
export function normal(mean: number, sd: number): Normal {
  return new Normal(mean, sd);
}
