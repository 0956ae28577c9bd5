import { HALF_LOG_2PI } from "../math/constants";
import type { Rng } from "../random/rng";
import { InvalidParameterError, requireFinite, requirePositive, requireProbabilityVector } from "./errors";
import { Categorical } from "./categorical";
import { checkSampleCount, REAL_LINE, type Interval, type UnivariateDistribution } from "./types";

/**
 * A mixture of Normals, p(x) = Σₖ wₖ N(x | μₖ, σₖ²), with weights summing to 1 (within 1e−9).
 * log p(x) is computed as a log-sum-exp over components, so it stays finite far in the tails
 * where every component density underflows. Mean Σ wₖμₖ; variance Σ wₖ(σₖ² + μₖ²) − mean².
 * The entropy has no closed form (no `entropy` field); use `entropyByQuadrature`-style
 * integration from the quadrature module if needed.
 *
 * Edge cases: weights, means and sds must have the same length (`NormalMixture: sds must be an
 * array of length 2 (as weights), got [1]`); each sd finite and > 0.
 *
 * @example new NormalMixture([0.5, 0.5], [-1, 1], [1, 1]).logProb(0) // -1.4189385332046727
 */
export class NormalMixture implements UnivariateDistribution {
  readonly kind = "normal-mixture";
  readonly discrete = false;
  readonly support: Interval = REAL_LINE;
  readonly weights: Float64Array;
  readonly means: Float64Array;
  readonly sds: Float64Array;
  readonly mean: number;
  readonly variance: number;
  private readonly logW: Float64Array;
  private readonly logSd: Float64Array;
  private readonly chooser: Categorical;

  constructor(weights: ArrayLike<number>, means: ArrayLike<number>, sds: ArrayLike<number>) {
    this.weights = requireProbabilityVector("NormalMixture", "weights", weights);
    const k = this.weights.length;
    if (means.length !== k) throw new InvalidParameterError("NormalMixture", "means", `an array of length ${k} (as weights)`, means);
    if (sds.length !== k) throw new InvalidParameterError("NormalMixture", "sds", `an array of length ${k} (as weights)`, sds);
    this.means = Float64Array.from({ length: k }, (_, i) => requireFinite("NormalMixture", `means[${i}]`, means[i]));
    this.sds = Float64Array.from({ length: k }, (_, i) => requirePositive("NormalMixture", `sds[${i}]`, sds[i]));
    this.logW = this.weights.map(Math.log);
    this.logSd = this.sds.map(Math.log);
    this.chooser = new Categorical(this.weights);
    let m = 0;
    for (let i = 0; i < k; i++) m += this.weights[i] * this.means[i];
    let v = 0;
    for (let i = 0; i < k; i++) {
      const d = this.means[i] - m;
      v += this.weights[i] * (this.sds[i] * this.sds[i] + d * d);
    }
    this.mean = m;
    this.variance = v;
  }

  /** The number of components. */
  get size(): number {
    return this.weights.length;
  }

  /** log(wₖ N(x | μₖ, σₖ²)) for component k. */
  componentLogProb(k: number, x: number): number {
    const u = (x - this.means[k]) / this.sds[k];
    return this.logW[k] - 0.5 * u * u - this.logSd[k] - HALF_LOG_2PI;
  }

  logProb(x: number): number {
    if (x !== x) return NaN;
    const k = this.weights.length;
    let m = -Infinity;
    for (let i = 0; i < k; i++) {
      const l = this.componentLogProb(i, x);
      if (l > m) m = l;
    }
    if (m === -Infinity) return -Infinity;
    let s = 0;
    for (let i = 0; i < k; i++) s += Math.exp(this.componentLogProb(i, x) - m);
    return m + Math.log(s);
  }

  /** Posterior component probabilities P(k | x) ∝ wₖ N(x | μₖ, σₖ²) (the "responsibilities"). */
  responsibilities(x: number): Float64Array {
    const k = this.weights.length;
    const l = new Float64Array(k);
    for (let i = 0; i < k; i++) l[i] = this.componentLogProb(i, x);
    const z = this.logProb(x);
    for (let i = 0; i < k; i++) l[i] = Math.exp(l[i] - z);
    return l;
  }

  draw(rng: Rng): number {
    const k = this.chooser.draw(rng);
    return this.means[k] + this.sds[k] * rng.normal();
  }

  sample(rng: Rng, n: number): Float64Array {
    const out = new Float64Array(checkSampleCount("NormalMixture", n));
    for (let i = 0; i < out.length; i++) out[i] = this.draw(rng);
    return out;
  }

  toJSON(): { kind: "normal-mixture"; weights: number[]; means: number[]; sds: number[] } {
    return { kind: "normal-mixture", weights: Array.from(this.weights), means: Array.from(this.means), sds: Array.from(this.sds) };
  }
}

/** Shorthand for `new NormalMixture(weights, means, sds)`. @example normalMixture([1], [0], [1]).variance // 1 */
export function normalMixture(weights: ArrayLike<number>, means: ArrayLike<number>, sds: ArrayLike<number>): NormalMixture {
  return new NormalMixture(weights, means, sds);
}
