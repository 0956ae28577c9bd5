import { HALF_LOG_2PI } from "../math/constants";
import { Normal } from "../dists/normal";
import type { UnivariateDistribution } from "../dists/types";
import type { ScalarModel } from "../models/types";
import type { Rng } from "../random/rng";

/**
 * Fills `out` with log importance weights ln w = ln p(x, z) − ln q(z) for fresh draws z ~ q and
 * returns it. For a Normal q the draws are z = m + s·ε with ε from the bulk normal sampler, and
 * ln q(z) = −ε²/2 − ln s − ½ln 2π is taken from ε directly (cheaper, and exact). The models
 * evaluate ln p(x | z) from summary statistics, O(1) per draw whatever n.
 *
 * @example sampleLogWeights(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] }), new Normal(0.3, 0.4), createRng(1), new Float64Array(2)) // Float64Array [-2.98312251852571, -7.036115807946942]
 */
export function sampleLogWeights(model: ScalarModel, q: UnivariateDistribution, rng: Rng, out: Float64Array): Float64Array {
  if (q instanceof Normal) {
    rng.fillNormal(out);
    const m = q.mean;
    const s = q.sd;
    const c = q.logSd + HALF_LOG_2PI;
    for (let i = 0; i < out.length; i++) {
      const e = out[i];
      out[i] = model.logJoint(m + s * e) + 0.5 * e * e + c;
    }
    return out;
  }
  for (let i = 0; i < out.length; i++) {
    const z = q.draw(rng);
    out[i] = model.logJoint(z) - q.logProb(z);
  }
  return out;
}
