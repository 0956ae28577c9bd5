import { RunningMoments } from "../math/moments";
import type { UnivariateDistribution } from "../dists/types";
import type { ScalarModel } from "../models/types";
import type { Rng } from "../random/rng";
import { checkSupport } from "../elbo/support";
import { sampleLogWeights } from "./log-weights";
import { logSumExpGroups } from "./log-sum-exp-groups";

/** Result of {@link iwaeBound}. */
export interface IwaeEstimate {
  /** Mean over groups of logSumExp(ln w₁…ln w_K) − ln K. */
  estimate: number;
  /** Standard error over groups. */
  stderr: number;
  /** Samples per group. */
  k: number;
  /** Number of independent groups averaged. */
  groups: number;
}

/**
 * The importance-weighted bound (Burda et al. 2016): for K draws z₁…z_K ~ q,
 *
 *   L_K = E[ln (1/K) Σₖ p(x, zₖ)/q(zₖ)] = E[logSumExp(ln w) − ln K],
 *
 * estimated by averaging over `groups` independent groups (standard error over groups). L₁ is the
 * ELBO; L_K never decreases in K and tends to ln p(x) as K → ∞ (for weights with finite
 * variance); each group's term is computed like logSumExp (see logSumExpGroups, whose faster exp
 * agrees with Math.exp to 2 ulp), so K = 10⁴ log-weights near −10⁵ are fine. Log-weights come
 * from sampleLogWeights, closed-form a + bε + cε² for normal-normal with a Normal q.
 *
 * @example iwaeBound(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] }), new Normal(0.3, 0.4), createRng(1), 100, 1000) // { estimate: -2.0640969201243586, stderr: 0.0058729597930399485, k: 100, groups: 1000 } (ELBO -3.41, ln p(x) -2.04)
 */
export function iwaeBound(model: ScalarModel, q: UnivariateDistribution, rng: Rng, k: number, groups: number): IwaeEstimate {
  checkSupport("iwaeBound", model, q);
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`iwaeBound: k must be an integer >= 1, got ${k}`);
  if (!(Number.isInteger(groups) && groups >= 1)) throw new RangeError(`iwaeBound: groups must be an integer >= 1, got ${groups}`);
  const logK = Math.log(k);
  const perChunk = Math.max(1, Math.floor(65536 / k));
  const buf = new Float64Array(perChunk * k);
  const lse = new Float64Array(perChunk);
  const m = new RunningMoments();
  let left = groups;
  while (left > 0) {
    const g = Math.min(left, perChunk);
    sampleLogWeights(model, q, rng, buf.subarray(0, g * k));
    const terms = logSumExpGroups(buf, k, g === perChunk ? lse : lse.subarray(0, g));
    for (let j = 0; j < g; j++) m.add(terms[j] - logK);
    left -= g;
  }
  return { estimate: m.mean, stderr: Math.sqrt(m.variance / groups), k, groups };
}
