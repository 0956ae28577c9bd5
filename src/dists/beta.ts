import { digamma } from "../math/digamma";
import { logBeta } from "../math/logbeta";
import type { Rng } from "../random/rng";
import { requirePositive } from "./errors";
import { checkSampleCount, UNIT_INTERVAL, type Interval, type UnivariateDistribution } from "./types";

/**
 * The Beta distribution on [0, 1]:
 * log p(x) = (a − 1)ln x + (b − 1)ln(1 − x) − ln B(a, b).
 *
 * Closed forms: mean a/(a+b); variance ab/((a+b)²(a+b+1)); E[ln x] = ψ(a) − ψ(a+b);
 * E[ln(1−x)] = ψ(b) − ψ(a+b); entropy ln B(a,b) − (a−1)ψ(a) − (b−1)ψ(b) + (a+b−2)ψ(a+b).
 *
 * Edge cases: logProb is −Infinity outside [0, 1]; at x = 0 it is +Infinity when a < 1, ln(1/B)
 * term only when a = 1, −Infinity when a > 1 (likewise at 1 with b). ln(1 − x) uses log1p(−x).
 * Invalid a or b throws (`Beta: a must be a finite number > 0, got 0`).
 *
 * @example new Beta(2, 3).logProb(0.5) // 0.4054651081081624 (ln 1.5 = 0.4054651081081644)
 * @example new Beta(1, 1).entropy // 1.7763568394002505e-15 (exactly 0 in theory; the ψ terms round)
 */
export class Beta implements UnivariateDistribution {
  readonly kind = "beta";
  readonly discrete = false;
  readonly support: Interval = UNIT_INTERVAL;
  readonly a: number;
  readonly b: number;
  readonly mean: number;
  readonly variance: number;
  /** ln B(a, b), the log normaliser. */
  readonly logNormalizer: number;
  /** E[ln x] = ψ(a) − ψ(a + b). */
  readonly meanLog: number;
  /** E[ln(1 − x)] = ψ(b) − ψ(a + b). */
  readonly meanLog1m: number;
  readonly entropy: number;

  constructor(a: number, b: number) {
    this.a = requirePositive("Beta", "a", a);
    this.b = requirePositive("Beta", "b", b);
    const s = a + b;
    this.mean = a / s;
    this.variance = (a * b) / (s * s * (s + 1));
    this.logNormalizer = logBeta(a, b);
    const psiS = digamma(s);
    this.meanLog = digamma(a) - psiS;
    this.meanLog1m = digamma(b) - psiS;
    // H = ln B − (a−1)E[ln x] − (b−1)E[ln(1−x)], the same as the ψ formula above but with
    // differences of ψ that stay accurate for large a, b.
    this.entropy = this.logNormalizer - (a - 1) * this.meanLog - (b - 1) * this.meanLog1m;
  }

  logProb(x: number): number {
    if (x !== x) return NaN;
    if (x < 0 || x > 1) return -Infinity;
    const t1 = this.a === 1 ? 0 : (this.a - 1) * Math.log(x);
    const t2 = this.b === 1 ? 0 : (this.b - 1) * Math.log1p(-x);
    return t1 + t2 - this.logNormalizer;
  }

  prob(x: number): number {
    return Math.exp(this.logProb(x));
  }

  draw(rng: Rng): number {
    return rng.beta(this.a, this.b);
  }

  sample(rng: Rng, n: number): Float64Array {
    const out = new Float64Array(checkSampleCount("Beta", n));
    for (let i = 0; i < out.length; i++) out[i] = rng.beta(this.a, this.b);
    return out;
  }

  toJSON(): { kind: "beta"; a: number; b: number } {
    return { kind: "beta", a: this.a, b: this.b };
  }
}

/** Shorthand for `new Beta(a, b)`. @example beta(2, 2).mean // 0.5 */
export function beta(a: number, b: number): Beta {
  return new Beta(a, b);
}
