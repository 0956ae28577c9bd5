import { LOG_2PI } from "../math/constants";
import type { Rng } from "../random/rng";

/**
 * A 2-D Normal N(μ, Σ) with a full covariance Σ = [[s₁², ρs₁s₂], [ρs₁s₂, s₂²]]: the shape of a
 * correlated posterior. Keeps the precision Λ = Σ⁻¹ (what mean-field updates read), the marginal sds,
 * the correlation ρ and ln det Σ.
 *
 * ln N(z | μ, Σ) = −½(z − μ)ᵀΛ(z − μ) − ½ ln det Σ − ln 2π.
 *
 * Edge cases: Σ not symmetric positive definite (|ρ| ≥ 1, a variance ≤ 0, non-finite entries)
 * throws a RangeError naming the values.
 *
 * @example new BivariateNormal([0, 0], [[1, 0.9], [0.9, 1]]).precision[0][0] // 5.263157894736843 (= 1/(1 − 0.81))
 */
export class BivariateNormal {
  readonly kind = "bivariate-normal";
  readonly mean: [number, number];
  readonly cov: [[number, number], [number, number]];
  readonly precision: [[number, number], [number, number]];
  /** Marginal standard deviations √Σ₁₁, √Σ₂₂. */
  readonly sd: [number, number];
  /** Correlation Σ₁₂/(s₁s₂). */
  readonly rho: number;
  readonly logDetCov: number;
  /** Entropy ½ ln det(2πe Σ) = 1 + ln 2π + ½ ln det Σ. */
  readonly entropy: number;

  constructor(mean: ArrayLike<number>, cov: ArrayLike<ArrayLike<number>>) {
    if (mean.length !== 2 || !Number.isFinite(mean[0]) || !Number.isFinite(mean[1])) {
      throw new RangeError(`BivariateNormal: mean must be two finite numbers, got [${Array.from(mean).join(", ")}]`);
    }
    if (cov.length !== 2 || cov[0].length !== 2 || cov[1].length !== 2) throw new RangeError("BivariateNormal: cov must be 2×2");
    const a = cov[0][0];
    const b = cov[0][1];
    const c = cov[1][1];
    const det = a * c - b * b;
    if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c) && a > 0 && c > 0 && det > 0 && cov[1][0] === b)) {
      throw new RangeError(`BivariateNormal: cov must be symmetric positive definite, got [[${a}, ${b}], [${cov[1][0]}, ${c}]]`);
    }
    this.mean = [mean[0], mean[1]];
    this.cov = [[a, b], [b, c]];
    this.precision = [[c / det, -b / det], [-b / det, a / det]];
    this.sd = [Math.sqrt(a), Math.sqrt(c)];
    this.rho = b / Math.sqrt(a * c);
    this.logDetCov = Math.log(det);
    this.entropy = 1 + LOG_2PI + 0.5 * this.logDetCov;
  }

  /** From marginal sds and a correlation. @example BivariateNormal.fromCorrelation([0, 0], [1, 2], 0.5).cov[0][1] // 1 */
  static fromCorrelation(mean: ArrayLike<number>, sd: ArrayLike<number>, rho: number): BivariateNormal {
    return new BivariateNormal(mean, [[sd[0] * sd[0], rho * sd[0] * sd[1]], [rho * sd[0] * sd[1], sd[1] * sd[1]]]);
  }

  logProb(z1: number, z2: number): number {
    const d1 = z1 - this.mean[0];
    const d2 = z2 - this.mean[1];
    const L = this.precision;
    return -0.5 * (L[0][0] * d1 * d1 + 2 * L[0][1] * d1 * d2 + L[1][1] * d2 * d2) - 0.5 * this.logDetCov - LOG_2PI;
  }

  /** n draws, as [z1s, z2s], through the Cholesky factor of Σ. */
  sample(rng: Rng, n: number): [Float64Array, Float64Array] {
    const l11 = this.sd[0];
    const l21 = this.cov[0][1] / l11;
    const l22 = Math.sqrt(this.cov[1][1] - l21 * l21);
    const z1 = new Float64Array(n);
    const z2 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const e1 = rng.normal();
      const e2 = rng.normal();
      z1[i] = this.mean[0] + l11 * e1;
      z2[i] = this.mean[1] + l21 * e1 + l22 * e2;
    }
    return [z1, z2];
  }

  /**
   * The ellipse {z : (z − μ)ᵀΛ(z − μ) = k²} ("k standard deviations") as n + 1 points, closed:
   * z = μ + k·L·(cos t, sin t) with L the Cholesky factor of Σ.
   */
  ellipse(k: number, n = 120): { x: number[]; y: number[] } {
    const l11 = this.sd[0];
    const l21 = this.cov[0][1] / l11;
    const l22 = Math.sqrt(this.cov[1][1] - l21 * l21);
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i <= n; i++) {
      const t = (2 * Math.PI * i) / n;
      const c = Math.cos(t);
      const s = Math.sin(t);
      x.push(this.mean[0] + k * l11 * c);
      y.push(this.mean[1] + k * (l21 * c + l22 * s));
    }
    return { x, y };
  }
}
