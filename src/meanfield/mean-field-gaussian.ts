import { DiagNormal } from "../dists/diag-normal";
import type { BivariateNormal } from "./bivariate-normal";

/**
 * KL(q ‖ p) for a factorised q = N(m₁, v₁) N(m₂, v₂) and a full-covariance p = N(μ, Σ), Λ = Σ⁻¹:
 *
 *   KL = ½[tr(Λ diag v) + (m − μ)ᵀΛ(m − μ) − 2 + ln det Σ − ln(v₁v₂)].
 *
 * This is the mean-field objective: ELBO(q) = ln p(x) − KL(q ‖ p(z | x)) when p is the posterior.
 *
 * @example klFactorisedToBivariate(new DiagNormal([0, 0], [1, 1]), new BivariateNormal([0, 0], [[1, 0], [0, 1]])) // 0
 */
export function klFactorisedToBivariate(q: DiagNormal, p: BivariateNormal): number {
  checkDim("klFactorisedToBivariate", q);
  const L = p.precision;
  const d1 = q.mean[0] - p.mean[0];
  const d2 = q.mean[1] - p.mean[1];
  const trace = L[0][0] * q.variance[0] + L[1][1] * q.variance[1];
  const quad = L[0][0] * d1 * d1 + 2 * L[0][1] * d1 * d2 + L[1][1] * d2 * d2;
  return 0.5 * (trace + quad - 2 + p.logDetCov - Math.log(q.variance[0]) - Math.log(q.variance[1]));
}

/**
 * The forward direction KL(p ‖ q), for contrast: ½[Σ₁₁/v₁ + Σ₂₂/v₂ + Σⱼ(μⱼ − mⱼ)²/vⱼ − 2 + ln(v₁v₂) − ln det Σ].
 * Minimised over a factorised q by moment matching (mⱼ = μⱼ, vⱼ = Σⱼⱼ), unlike the reverse KL.
 *
 * @example klBivariateToFactorised(BivariateNormal.fromCorrelation([0, 0], [1, 1], 0), new DiagNormal([0, 0], [1, 1])) // 0
 */
export function klBivariateToFactorised(p: BivariateNormal, q: DiagNormal): number {
  checkDim("klBivariateToFactorised", q);
  let s = -2 + Math.log(q.variance[0]) + Math.log(q.variance[1]) - p.logDetCov;
  for (let j = 0; j < 2; j++) {
    const d = p.mean[j] - q.mean[j];
    s += (p.cov[j][j] + d * d) / q.variance[j];
  }
  return 0.5 * s;
}

/**
 * The mean-field optimum argmin over factorised q of KL(q ‖ p) for a 2-D Normal p, in closed form
 * (Bishop 2006 §10.1.2): q*ⱼ = N(μⱼ, 1/Λⱼⱼ). The means are exact; the variances 1/Λⱼⱼ = Σⱼⱼ(1 − ρ²)
 * are the *conditional* variances, smaller than the marginal ones by the factor 1 − ρ².
 *
 * @example meanFieldOptimum(BivariateNormal.fromCorrelation([1, 2], [1, 1], 0.8)).sd[0] // 0.5999999999999999 (= √(1 − 0.64))
 */
export function meanFieldOptimum(p: BivariateNormal): DiagNormal {
  return new DiagNormal(p.mean, [1 / Math.sqrt(p.precision[0][0]), 1 / Math.sqrt(p.precision[1][1])]);
}

/** One CAVI sweep's state (see {@link caviBivariateNormal}). */
export interface CaviGaussianStep {
  /** 0 for the start, then 1, 2, … after each full sweep (both factors updated). */
  sweep: number;
  q: DiagNormal;
  /** KL(q ‖ p) after this sweep. */
  kl: number;
  /** KL after the first factor's update within the sweep (the ELBO rises at every single update). */
  klAfterFirst: number;
}

/**
 * Coordinate ascent (CAVI) on KL(q ‖ p) for a factorised q and a 2-D Normal p. Each update is the
 * exact optimum of one factor with the other held fixed, q*ⱼ(zⱼ) ∝ exp E_{q₋ⱼ}[ln p(z)]:
 *
 *   q₁ ← N(μ₁ − (Λ₁₂/Λ₁₁)(m₂ − μ₂), 1/Λ₁₁),   then   q₂ ← N(μ₂ − (Λ₁₂/Λ₂₂)(m₁ − μ₁), 1/Λ₂₂).
 *
 * The mean errors shrink by ρ² per sweep (m₁ − μ₁ = −(Λ₁₂/Λ₁₁)(m₂ − μ₂) and back), so CAVI converges
 * geometrically to {@link meanFieldOptimum}, slowly when |ρ| is near 1.
 *
 * @example caviBivariateNormal(BivariateNormal.fromCorrelation([0, 0], [1, 1], 0.5), new DiagNormal([1, 1], [1, 1]), 1)[1].q.mean[1] // 0.25 (Λ₁₂/Λ₁₁ = −ρ = −0.5: m₁ = 0.5·(1 − 0) = 0.5, then m₂ = 0.5·0.5)
 */
export function caviBivariateNormal(p: BivariateNormal, init: DiagNormal, sweeps: number): CaviGaussianStep[] {
  checkDim("caviBivariateNormal", init);
  if (!(Number.isInteger(sweeps) && sweeps >= 0)) throw new RangeError(`caviBivariateNormal: sweeps must be an integer >= 0, got ${sweeps}`);
  const L = p.precision;
  const [mu1, mu2] = p.mean;
  let m1 = init.mean[0];
  let m2 = init.mean[1];
  let s1 = init.sd[0];
  let s2 = init.sd[1];
  const k0 = klFactorisedToBivariate(init, p);
  const out: CaviGaussianStep[] = [{ sweep: 0, q: init, kl: k0, klAfterFirst: k0 }];
  for (let t = 1; t <= sweeps; t++) {
    m1 = mu1 - (L[0][1] / L[0][0]) * (m2 - mu2);
    s1 = 1 / Math.sqrt(L[0][0]);
    const half = klFactorisedToBivariate(new DiagNormal([m1, m2], [s1, s2]), p);
    m2 = mu2 - (L[0][1] / L[1][1]) * (m1 - mu1);
    s2 = 1 / Math.sqrt(L[1][1]);
    const q = new DiagNormal([m1, m2], [s1, s2]);
    out.push({ sweep: t, q, kl: klFactorisedToBivariate(q, p), klAfterFirst: half });
  }
  return out;
}

function checkDim(fn: string, q: DiagNormal): void {
  if (q.mean.length !== 2) throw new RangeError(`${fn}: q must have dimension 2, got ${q.mean.length}`);
}
