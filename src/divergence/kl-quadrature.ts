import type { UnivariateDistribution } from "../dists/types";
import { expectation } from "../quadrature/expectation";
import type { QuadratureResult } from "../quadrature/integrate";

/**
 * KL(q ‖ p) = ∫ q(z)(ln q(z) − ln p(z)) dz by adaptive quadrature (sums for discrete q), for any
 * pair of one-dimensional distributions, e.g. the forward and reverse KL between a bimodal
 * mixture and a Normal. The log-ratio is evaluated pointwise, so the result is accurate even
 * when KL is tiny compared with the entropies.
 *
 * Edge cases: if q has mass where p(z) = 0 the result is +Infinity.
 *
 * @example klQuadrature(new Normal(0, 1), new Normal(1, 2)).value // 0.4431471805599453 (to ~1e-12)
 */
export function klQuadrature(q: UnivariateDistribution, p: UnivariateDistribution): QuadratureResult {
  return expectation(q, (z) => {
    const lq = q.logProb(z);
    const lp = p.logProb(z);
    return lp === -Infinity ? Infinity : lq - lp;
  });
}
