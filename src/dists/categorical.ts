import { logSumExp } from "../math/logsumexp";
import type { Rng } from "../random/rng";
import { InvalidParameterError, requireFinite, requireProbabilityVector } from "./errors";
import { checkSampleCount, type Interval, type UnivariateDistribution } from "./types";
import { xlogx } from "./bernoulli";

/**
 * The Categorical distribution on {0, …, K−1} with probabilities `probs` (Σ = 1 within 1e−9).
 * log P(k) = ln probs[k]; entropy −Σ pₖ ln pₖ; mean and variance are those of the index k.
 *
 * Edge cases: logProb of a non-integer or out-of-range value is −Infinity; zero probabilities
 * are allowed (log mass −Infinity). A vector not summing to 1, a negative entry or NaN throws
 * (`Categorical: probs must be probabilities summing to 1, got [0.5,0.6] (sum 1.1)`).
 *
 * @example new Categorical([0.2, 0.3, 0.5]).logProb(2) // -0.6931471805599453
 * @example Categorical.fromLogits([0, 0]).probs // Float64Array [0.5, 0.5]
 */
export class Categorical implements UnivariateDistribution {
  readonly kind = "categorical";
  readonly discrete = true;
  readonly support: Interval;
  readonly probs: Float64Array;
  /** ln probs, computed once. */
  readonly logProbs: Float64Array;
  readonly mean: number;
  readonly variance: number;
  readonly entropy: number;
  private readonly cumulative: Float64Array;

  constructor(probs: ArrayLike<number>) {
    this.probs = requireProbabilityVector("Categorical", "probs", probs);
    const k = this.probs.length;
    this.support = { lower: 0, upper: k - 1 };
    this.logProbs = this.probs.map(Math.log);
    this.cumulative = new Float64Array(k);
    let c = 0;
    let m = 0;
    let h = 0;
    for (let i = 0; i < k; i++) {
      const p = this.probs[i];
      c += p;
      this.cumulative[i] = c;
      m += i * p;
      h -= xlogx(p);
    }
    let v = 0;
    for (let i = 0; i < k; i++) v += this.probs[i] * (i - m) * (i - m);
    this.mean = m;
    this.variance = v;
    this.entropy = h;
  }

  /** Categorical with probs ∝ exp(logits), normalised with logSumExp. */
  static fromLogits(logits: ArrayLike<number>): Categorical {
    if (logits.length === 0) throw new InvalidParameterError("Categorical", "logits", "a non-empty array", logits);
    for (let i = 0; i < logits.length; i++) {
      if (logits[i] !== -Infinity) requireFinite("Categorical", `logits[${i}]`, logits[i]);
    }
    const z = logSumExp(logits);
    if (z === -Infinity) throw new InvalidParameterError("Categorical", "logits", "not all -Infinity", Array.from(logits));
    const p = Float64Array.from(logits, (l) => Math.exp(l - z));
    // Renormalise to remove the last rounding error of exp.
    let s = 0;
    for (const v of p) s += v;
    for (let i = 0; i < p.length; i++) p[i] /= s;
    return new Categorical(p);
  }

  /** The number of categories K. */
  get size(): number {
    return this.probs.length;
  }

  logProb(x: number): number {
    if (x !== x) return NaN;
    if (!Number.isInteger(x) || x < 0 || x >= this.probs.length) return -Infinity;
    return this.logProbs[x];
  }

  draw(rng: Rng): number {
    const u = rng.uniform();
    const c = this.cumulative;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < c[mid]) hi = mid;
      else lo = mid + 1;
    }
    // Skip zero-probability categories that rounding could land on.
    while (this.probs[lo] === 0 && lo > 0) lo--;
    return lo;
  }

  sample(rng: Rng, n: number): Float64Array {
    const out = new Float64Array(checkSampleCount("Categorical", n));
    for (let i = 0; i < out.length; i++) out[i] = this.draw(rng);
    return out;
  }

  toJSON(): { kind: "categorical"; probs: number[] } {
    return { kind: "categorical", probs: Array.from(this.probs) };
  }
}

/** Shorthand for `new Categorical(probs)`. @example categorical([0.5, 0.5]).entropy // 0.6931471805599453 */
export function categorical(probs: ArrayLike<number>): Categorical {
  return new Categorical(probs);
}
