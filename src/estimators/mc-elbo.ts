import { RunningMoments, type MeanEstimate } from "../math/moments";
import type { UnivariateDistribution } from "../dists/types";
import type { ScalarModel } from "../models/types";
import type { Rng } from "../random/rng";
import { checkSupport } from "../elbo/support";
import { quadraticLogWeights, sampleLogWeights, type QuadraticLogWeights } from "./log-weights";

const CHUNK = 65536;
/** Draws per block on the fused path: 32 KB of ε, so the block stays in the L1 cache between the two passes. */
const FUSED_CHUNK = 4096;

/**
 * Monte Carlo ELBO: the mean of ln p(x, zᵢ) − ln q(zᵢ) over n draws zᵢ ~ q, with its standard
 * error √(Var̂[ln w]/n). Unbiased for the ELBO; draws are made in chunks so memory stays flat for
 * n = 10⁷.
 *
 * Fast path: for a Normal q on a model with a quadratic log-joint (normal-normal), ln w =
 * a + bε + cε² in the standard normal draw ε (see quadraticLogWeights), and each block of ε is
 * reduced at once to Σ(ln w − a) and Σ(ln w − a)² without storing the weights; the shift a (the
 * weight at ε = 0) keeps both sums small. The draws are the same stream as the general path, and
 * the estimate is the same mean up to rounding. Other models and q evaluate ln p(x, z) per draw.
 *
 * Speed: 10⁶ draws from a Normal q on the normal-normal model take ~7 ms on one core here
 * (of which ~6 ms are the ziggurat draws).
 *
 * Edge cases: n must be an integer ≥ 2 (for a standard error); q must fit the model's support.
 *
 * @example mcElbo(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] }), new Normal(0.3, 0.4), createRng(1), 100000) // { estimate: -3.414573517799729, stderr: 0.006254125359488334, n: 100000 } (exact ELBO -3.4128734371636105)
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

/** The fused path of mcElbo: ln w − a = ε(b + cε) summed and squared per block, never stored. */
function mcElboQuadratic({ a, b, c }: QuadraticLogWeights, rng: Rng, n: number): MeanEstimate {
  const buf = new Float64Array(Math.min(n, FUSED_CHUNK));
  const m = new RunningMoments();
  let left = n;
  while (left > 0) {
    const k = Math.min(left, buf.length);
    const eps = rng.fillNormal(k === buf.length ? buf : buf.subarray(0, k));
    // two accumulator pairs, so consecutive additions do not wait on each other
    let s1 = 0;
    let s2 = 0;
    let t1 = 0;
    let t2 = 0;
    let i = 0;
    for (; i + 1 < k; i += 2) {
      const e = eps[i];
      const f = eps[i + 1];
      const d = e * (b + c * e);
      const g = f * (b + c * f);
      s1 += d;
      s2 += d * d;
      t1 += g;
      t2 += g * g;
    }
    if (i < k) {
      const e = eps[i];
      const d = e * (b + c * e);
      s1 += d;
      s2 += d * d;
    }
    m.addShiftedSums(k, a, s1 + t1, s2 + t2);
    left -= k;
  }
  return m.result();
}
