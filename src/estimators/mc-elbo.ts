import { RunningMoments, type MeanEstimate } from "../math/moments";
import type { UnivariateDistribution } from "../dists/types";
import type { ScalarModel } from "../models/types";
import type { Rng } from "../random/rng";
import { checkSupport } from "../elbo/support";
import { sampleLogWeights } from "./log-weights";

const CHUNK = 65536;

/**
 * Monte Carlo ELBO: the mean of ln p(x, zᵢ) − ln q(zᵢ) over n draws zᵢ ~ q, with its standard
 * error √(Var̂[ln w]/n). Unbiased for the ELBO; draws are made in chunks of 65 536 so memory stays
 * flat for n = 10⁷.
 *
 * Speed: 10⁶ draws from a Normal q on the normal-normal model take ~15 ms on one core here
 * (ziggurat draws plus O(1) evaluation from summary statistics).
 *
 * Edge cases: n must be an integer ≥ 2 (for a standard error); q must fit the model's support.
 *
 * @example mcElbo(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] }), new Normal(0.3, 0.4), createRng(1), 100000) // { estimate: -3.414573517799729, stderr: 0.00625412535948836, n: 100000 } (exact ELBO -3.4128734371636105)
 */
export function mcElbo(model: ScalarModel, q: UnivariateDistribution, rng: Rng, n: number): MeanEstimate {
  checkSupport("mcElbo", model, q);
  if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`mcElbo: n must be an integer >= 2, got ${n}`);
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
