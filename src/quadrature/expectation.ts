import { NeumaierSum } from "../math/sum";
import { log1pExp, sigmoid } from "../math/softplus";
import type { UnivariateDistribution } from "../dists/types";
import { integrate, type Peak, type QuadratureOptions, type QuadratureResult } from "./integrate";

/**
 * E_q[g(Z)] = ∫ q(z) g(z) dz by adaptive quadrature (or an exact sum for a discrete q), with the
 * break points chosen from q itself:
 *
 * - Normal: a peak at the mean with the sd as width; NormalMixture: one per component;
 * - Beta: the substitution z = sigmoid(u), dz = z(1 − z)du, which turns the density (even with
 *   a < 1, infinite at 0) into a smooth, exponentially decaying integrand on the real line, with
 *   a peak at ln(a/b) of width √(1/a + 1/b);
 * - Bernoulli / Categorical: Σₖ q(k) g(k) over the support (exact);
 * - any other continuous q: one peak at its mean with width √variance.
 *
 * Where q(z) underflows to 0 the term is 0 even if g(z) is infinite (0·∞ := 0, the measure-
 * theoretic convention), so E_q[log z] under a Beta is finite.
 *
 * Limit (Beta q): g only sees z as a double, and no double lies strictly between 1 − 2⁻⁵³ and 1;
 * the mass there, about (2⁻⁵³)^b/(b·B(a, b)), is dropped (≈ 1e−8 for b = 0.5, < 1e−16 for b ≥ 1),
 * and the result reports converged = false when that loss exceeds the tolerance. The closed
 * forms (Beta.meanLog1m, …) have no such limit.
 *
 * @example expectation(new Normal(1, 2), (z) => z * z).value // 5 (= μ² + σ²)
 */
export function expectation(q: UnivariateDistribution, g: (z: number) => number, opts: QuadratureOptions = {}): QuadratureResult {
  if (q.discrete) {
    const s = new NeumaierSum();
    let evaluations = 0;
    for (let k = Math.ceil(q.support.lower); k <= q.support.upper; k++) {
      const lp = q.logProb(k);
      if (lp === -Infinity) continue;
      evaluations++;
      s.add(Math.exp(lp) * g(k));
    }
    return { value: s.value, absError: 0, evaluations, converged: true };
  }
  const weighted = (z: number, logWeight: number): number => {
    const w = Math.exp(logWeight);
    return w === 0 ? 0 : w * g(z);
  };
  if (q.kind === "beta") {
    const { a, b } = q as unknown as { a: number; b: number };
    const peak: Peak = { at: Math.log(a / b), width: Math.sqrt(1 / a + 1 / b) };
    // log of q(sigmoid(u))·sigmoid(u)(1 − sigmoid(u)) = a·ln σ(u) + b·ln(1 − σ(u)) − ln B(a, b)
    const logNorm = (q as unknown as { logNormalizer: number }).logNormalizer;
    // Where sigmoid(u) saturates to exactly 0 or 1 (|u| > 745 or u > 37) the remaining mass is
    // below e^{-a·745} or e^{-37b}; those panels are counted as 0 so that g(0) = ln 0 cannot turn
    // a negligible term into −∞.
    return integrate(
      (u) => {
        const z = sigmoid(u);
        return z === 0 || z === 1 ? 0 : weighted(z, -a * log1pExp(-u) - b * log1pExp(u) - logNorm);
      },
      -Infinity,
      Infinity,
      { peaks: [peak], ...opts },
    );
  }
  let peaks: Peak[];
  if (q.kind === "normal-mixture") {
    const m = q as unknown as { means: Float64Array; sds: Float64Array };
    peaks = Array.from(m.means, (at, i) => ({ at, width: m.sds[i] }));
  } else {
    peaks = [{ at: q.mean, width: Math.sqrt(q.variance) }];
  }
  return integrate((z) => weighted(z, q.logProb(z)), q.support.lower, q.support.upper, { peaks, ...opts });
}
