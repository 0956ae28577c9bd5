import { HALF_LOG_2PI } from "../math/constants";
import { klNormalNormal } from "../divergence/kl-normal";
import type { Normal } from "../dists/normal";
import type { SquaredNormalModel } from "../models/squared-normal";

/**
 * The two closed-form terms of the ELBO of a Normal q = N(m, s²) on the squared-normal model
 * (xᵢ | z ~ N(z², σ²)): E_q[ln p(x | z)] = −(S + n·E_q[(x̄ − z²)²])/(2σ²) − n(ln σ + ½ ln 2π), with
 * E_q[(x̄ − z²)²] = (x̄ − m² − s²)² + 4m²s² + 2s⁴ (a sum of non-negative terms: Var z² = 4m²s² + 2s⁴),
 * and KL(q ‖ p(z)). No quadrature: cheap enough to sit inside an optimiser.
 *
 * @example squaredNormalElboTerms(squaredNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 1, data: [1] }), new Normal(1, 0.5)).expectedLogLik // -1.5126885332046727 (E_q[(1 − z²)²] = 0.0625 + 1 + 0.125)
 */
export function squaredNormalElboTerms(model: SquaredNormalModel, q: Normal): { expectedLogLik: number; klToPrior: number } {
  const { n, mean: xbar, ss } = model.summary;
  const sigma = model.spec.noiseSd;
  const m2 = q.mean * q.mean;
  const s2 = q.variance;
  const a = xbar - m2 - s2;
  const e = a * a + 4 * m2 * s2 + 2 * s2 * s2;
  const expectedLogLik = n === 0 ? 0 : -(ss + n * e) / (2 * sigma * sigma) - n * (Math.log(sigma) + HALF_LOG_2PI);
  return { expectedLogLik, klToPrior: klNormalNormal(q, model.prior) };
}
