import type { Normal } from "../dists/normal";

/**
 * ln E_r[p(z)/q(z)] = ln ∫ r(z) p(z) / q(z) dz for three univariate Normals, in closed form.
 *
 * The log of the integrand is a quadratic, −½(A z² − 2B z + C) plus a constant, with
 *
 *   A = 1/σr² + 1/σp² − 1/σq²,   B = μr/σr² + μp/σp² − μq/σq²,   C = μr²/σr² + μp²/σp² − μq²/σq²,
 *
 * so the integral is finite exactly when A > 0, and then
 *
 *   ln E_r[p/q] = ln σq − ln σr − ln σp − ½ ln A + ½(B²/A − C).
 *
 * Where the notebooks use it: with p = p(z | x), E_r[p/q] is the average of the ratio u = p(z|x)/q(z)
 * of the Bayes-rule derivation under a distribution r; under r = q it is 1 (∫ p = 1), and with r = p
 * it is 1 + χ²(p ‖ q), so E_q[u²] = E_p[u] gives the variance of the importance weights p(x,z)/q(z):
 * Var_q[w]/p(x)² = E_p[p/q] − 1.
 *
 * Edge cases: A ≤ 0 (q's tails heavier-than-allowed: q narrower than the product of r and p can
 * balance) returns +Infinity, the integral diverges.
 *
 * @example logExpectedNormalRatio(new Normal(0, 1), new Normal(0, 1), new Normal(0, 1)) // 0 (E_q[q/q] = 1)
 * @example Math.exp(logExpectedNormalRatio(new Normal(0, 1), new Normal(0, 1), new Normal(0, 2))) // 1.5118578920369088 (= 4/√7 = ∫ N(0,1)²/N(0,4))
 */
export function logExpectedNormalRatio(r: Normal, p: Normal, q: Normal): number {
  const ir = 1 / r.variance;
  const ip = 1 / p.variance;
  const iq = 1 / q.variance;
  const A = ir + ip - iq;
  if (!(A > 0)) return Infinity;
  // Centre the quadratic at r's mean for accuracy: with y = z − μr the linear coefficient is
  // B' = (μp − μr)/σp² − (μq − μr)/σq² and the constant C' = (μp − μr)²/σp² − (μq − μr)²/σq².
  const dp = p.mean - r.mean;
  const dq = q.mean - r.mean;
  const B = dp * ip - dq * iq;
  const C = dp * dp * ip - dq * dq * iq;
  return q.logSd - r.logSd - p.logSd - 0.5 * Math.log(A) + 0.5 * (B * B / A - C);
}
