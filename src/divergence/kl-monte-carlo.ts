import { RunningMoments, type MeanEstimate } from "../math/moments";
import type { Rng } from "../random/rng";

/** Anything with a log density and a sampler: every distribution in `dists`, including DiagNormal. */
export interface SampleableDensity<T> {
  logProb(x: T): number;
  draw(rng: Rng): T;
}

/**
 * Monte Carlo estimate of KL(q ‖ p) = E_q[ln q(Z) − ln p(Z)] from n draws Z ~ q, with its
 * standard error √(Var̂/n). Works for any pair (including ones without a closed form, like a
 * mixture against a Normal); the reverse divergence KL(p ‖ q) is klMonteCarlo(p, q, rng, n).
 *
 * The estimate is unbiased but can be negative for small n; the standard error says by how much
 * it may miss. If q puts mass where p(z) = 0 the estimate is +Infinity, as the true KL.
 *
 * @example klMonteCarlo(new Normal(0, 1), new Normal(1, 2), createRng(1), 100000) // { estimate: 0.4460169669176968, stderr: 0.0018495546794373842, n: 100000 } (exact 0.4431471805599453)
 */
export function klMonteCarlo<T>(q: SampleableDensity<T>, p: SampleableDensity<T>, rng: Rng, n: number): MeanEstimate {
  if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`klMonteCarlo: n must be an integer >= 2, got ${n}`);
  const m = new RunningMoments();
  for (let i = 0; i < n; i++) {
    const z = q.draw(rng);
    m.add(q.logProb(z) - p.logProb(z));
  }
  return m.result();
}
