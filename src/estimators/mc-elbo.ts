import { RunningMoments, type MeanEstimate } from "../math/moments";
import type { UnivariateDistribution } from "../dists/types";
import type { ScalarModel } from "../models/types";
import type { Rng } from "../random/rng";
import { checkSupport } from "../elbo/support";
import { quadraticLogWeights, sampleLogWeights, type QuadraticLogWeights } from "./log-weights";

const CHUNK = 65536;

/**
 * Monte Carlo ELBO: the mean of ln p(x, zᵢ) − ln q(zᵢ) over n draws zᵢ ~ q, with its standard
 * error √(Var̂[ln w]/n). Unbiased for the ELBO; draws are made in chunks so memory stays flat for
 * n = 10⁷.
 *
 * Fast path: for a Normal q on a model with a quadratic log-joint (normal-normal), ln w =
 * a + bε + cε² in the standard normal draw ε (see quadraticLogWeights), so the sampler only
 * accumulates Σε…Σε⁴ per block (Rng.normalPowerSums) and Σ(ln w − a), Σ(ln w − a)² follow
 * exactly; the shift a (the weight at ε = 0) keeps both sums small. The draws are the same stream
 * as the general path, and the estimate is the same mean up to rounding. Other models and q
 * evaluate ln p(x, z) per draw.
 *
 * Speed: 10⁶ draws from a Normal q on the normal-normal model take ~6 ms on one core here,
 * nearly all of it the ziggurat draws.
 *
 * Edge cases: n must be an integer ≥ 2 (for a standard error); q must fit the model's support.
 *
 * @example mcElbo(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] }), new Normal(0.3, 0.4), createRng(1), 100000) // { estimate: -3.41457351779973, stderr: 0.006254125359488344, n: 100000 } (exact ELBO -3.4128734371636105)
 */
export function mcElbo(model: ScalarModel, q: UnivariateDistribution, rng: Rng, n: number): MeanEstimate {
  checkSupport("mcElbo", model, q);
  if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`mcElbo: n must be an integer >= 2, got ${n}`);
  const quad = quadraticLogWeights(model, q);
  if (quad !== undefined) return mcElboQuadratic(quad, rng, n);
  const buf = new Float64Array(Math.min(n, CHUNK));
  const m = new RunningMoments();
  let left = n;
  while (left > 0) {
    const k = Math.min(left, buf.length);
    const view = k === buf.length ? buf : buf.subarray(0, k);
    sampleLogWeights(model, q, rng, view);
    m.addAll(view);
    left -= k;
  }
  return m.result();
}

/**
 * The fused path of mcElbo. With d = ln w − a = bε + cε², a block's Σd and Σd² are polynomials in
 * its power sums: Σd = b·Σε + c·Σε², Σd² = b²·Σε² + 2bc·Σε³ + c²·Σε⁴ (exact algebra; the terms
 * are all of the size of the result, since Σε and Σε³ are O(√n) and the rest positive), so the
 * sampler reduces each block to four numbers and no weight is ever stored.
 */
function mcElboQuadratic({ a, b, c }: QuadraticLogWeights, rng: Rng, n: number): MeanEstimate {
  const m = new RunningMoments();
  let left = n;
  while (left > 0) {
    const k = Math.min(left, CHUNK);
    const p = rng.normalPowerSums(k);
    m.addShiftedSums(k, a, b * p.s1 + c * p.s2, b * b * p.s2 + 2 * b * c * p.s3 + c * c * p.s4);
    left -= k;
  }
  return m.result();
}
