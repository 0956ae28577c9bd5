import { HALF_LOG_2PI } from "../math/constants";
import { Normal } from "../dists/normal";
import type { UnivariateDistribution } from "../dists/types";
import { hasQuadraticLogJoint } from "../models/quadratic";
import type { ScalarModel } from "../models/types";
import type { Rng } from "../random/rng";

/** ln w = a + b·ε + c·ε² as a function of the standard normal draw ε (see {@link quadraticLogWeights}). */
export interface QuadraticLogWeights {
  /** ln w at ε = 0: ln p(x, m) + ln s + ½ln 2π. */
  a: number;
  /** s·ℓ′(m), the slope in ε. */
  b: number;
  /** ½(1 + κs²), the curvature term in ε (0 when q is the exact posterior). */
  c: number;
}

/**
 * For a model with a quadratic log-joint (see QuadraticLogJoint) and q = N(m, s²), the log
 * importance weight of the draw z = m + sε is exactly quadratic in ε:
 *
 *   ln w = ln p(x, m + sε) − ln q(m + sε)
 *        = [ln p(x, m) + ℓ′(m)·sε + ½κs²ε²] − [−ε²/2 − ln s − ½ln 2π]
 *        = a + bε + cε²,   a = ln p(x, m) + ln s + ½ln 2π,  b = s·ℓ′(m),  c = ½(1 + κs²).
 *
 * The expansion is about q's own mean, so no term cancels against another however far q sits
 * from the posterior; a, b, c come from the model's own logJoint and dLogJoint at one point.
 * Returns undefined when q is not Normal or the model does not declare a quadratic log-joint.
 *
 * @example quadraticLogWeights(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] }), new Normal(0.3, 0.4)) // { a: -3.1928734371636103, b: 1.9600000000000006, c: -0.22000000000000008 } (b = 0.4·(−0.3 + 2·0.65/0.25), c = ½(1 − 9·0.16))
 */
export function quadraticLogWeights(model: ScalarModel, q: UnivariateDistribution): QuadraticLogWeights | undefined {
  if (!(q instanceof Normal) || !hasQuadraticLogJoint(model)) return undefined;
  const m = q.mean;
  const s = q.sd;
  return {
    a: model.logJoint(m) + q.logSd + HALF_LOG_2PI,
    b: s * model.dLogJoint(m),
    c: 0.5 * (1 + model.logJointCurvature * s * s),
  };
}

/**
 * Fills `out` with log importance weights ln w = ln p(x, z) − ln q(z) for fresh draws z ~ q and
 * returns it. For a Normal q the draws are z = m + s·ε with ε from the bulk normal sampler, and
 * ln q(z) = −ε²/2 − ln s − ½ln 2π is taken from ε directly (cheaper, and exact). When the model's
 * log-joint is quadratic (normal-normal) the weights are a + bε + cε² from
 * {@link quadraticLogWeights}, equal to the per-draw evaluation up to rounding; otherwise the
 * models evaluate ln p(x | z) from summary statistics, O(1) per draw whatever n. Either way the
 * draws ε are the same stream.
 *
 * @example sampleLogWeights(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] }), new Normal(0.3, 0.4), createRng(1), new Float64Array(2)) // Float64Array [-2.98312251852571, -7.036115807946942]
 */
export function sampleLogWeights(model: ScalarModel, q: UnivariateDistribution, rng: Rng, out: Float64Array): Float64Array {
  if (q instanceof Normal) {
    rng.fillNormal(out);
    const quad = quadraticLogWeights(model, q);
    if (quad !== undefined) {
      const { a, b, c } = quad;
      for (let i = 0; i < out.length; i++) {
        const e = out[i];
        out[i] = a + e * (b + c * e);
      }
      return out;
    }
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
