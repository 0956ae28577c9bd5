import { expm1mx } from "../math/expm1mx";
import { logMeanExp } from "../math/logsumexp";
import { RunningMoments } from "../math/moments";
import type { UnivariateDistribution } from "../dists/types";
import type { ScalarModel } from "../models/types";
import type { Rng } from "../random/rng";
import { logIntegrate } from "../quadrature/integrate";
import { sampleLogWeights } from "../estimators/log-weights";
import { elboParts } from "./elbo-parts";
import { checkSupport, coversSupport } from "./support";

/** The pointwise Bayes-rule bound at one z (see {@link pointwiseBayesBound}). */
export interface PointwiseBound {
  z: number;
  /** ln p(x, z). */
  logJoint: number;
  /** ln q(z). */
  logQ: number;
  /** ln p(z | x). */
  logPosterior: number;
  /** ln p(x). */
  logEvidence: number;
  /** u = p(z | x)/q(z). */
  ratio: number;
  /** ln p(x, z) − ln q(z) + 1 − u. */
  bound: number;
  /** ln p(x) − bound = u − 1 − ln u ≥ 0, computed as expm1mx(ln u) (no cancellation). */
  gap: number;
}

/**
 * The Bayes-rule bound of the sources' third derivation, at a single z:
 *
 *   ln p(x) = ln p(x, z) − ln q(z) − ln u ≥ ln p(x, z) − ln q(z) + 1 − u,   u = p(z | x)/q(z),
 *
 * from ln u ≤ u − 1. It holds for every z, with equality where q(z) = p(z | x); its expectation
 * under q is the ELBO (the "+1 − u" averages to 0). The gap is u − 1 − ln u ≥ 0.
 *
 * Edge cases: where q(z) = 0 < p(z | x), u = ∞ and the bound is −∞ (still valid); where
 * p(z | x) = 0 (z outside the latent's support) the bound is −∞.
 *
 * @example
 * const m = normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 1, data: [1] });
 * pointwiseBayesBound(m, new Normal(0, 1), 0.5).gap // 0.1309403202292257 (u = p(z|x)/q(z) = 1.6025…; u − 1 − ln u)
 * pointwiseBayesBound(m, m.posterior, 0.3).gap // 0 (q = posterior: equality)
 */
export function pointwiseBayesBound(model: ScalarModel, q: UnivariateDistribution, z: number): PointwiseBound {
  const logJoint = model.logJoint(z);
  const logQ = q.logProb(z);
  const logPosterior = model.logPosterior(z);
  const logEvidence = model.logEvidence();
  const lu = logPosterior - logQ;
  let bound: number;
  let gap: number;
  if (logQ === -Infinity || logPosterior === -Infinity) {
    bound = -Infinity;
    gap = Infinity;
  } else {
    bound = logJoint - logQ + 1 - Math.exp(lu);
    gap = expm1mx(lu);
  }
  return { z, logJoint, logQ, logPosterior, logEvidence, ratio: Math.exp(lu), bound, gap };
}

/**
 * Chib's identity (the sources' "true for any z"): ln p(x) = ln p(x, z) − ln p(z | x) for every z
 * in the support. With a closed-form posterior this gives ln p(x) from a single point.
 *
 * Edge cases: z outside the support gives NaN (−∞ − (−∞)).
 *
 * @example chibLogEvidence(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 1, data: [1] }), 3) // -1.515512123484644 (ln p(x) = -1.5155121234846454, for any z)
 */
export function chibLogEvidence(model: ScalarModel, z: number): number {
  return model.logJoint(z) - model.logPosterior(z);
}

/** The Jensen gap, exact (see {@link jensenGap}). */
export interface JensenGap {
  /** ln E_q[w], w = p(x, z)/q(z): ln ∫_{supp q} p(x, z) dz (= ln p(x) when q covers the support). */
  logMeanWeight: number;
  /** E_q[ln w] = the ELBO. */
  meanLogWeight: number;
  /** ln E_q[w] − E_q[ln w] ≥ 0. */
  gap: number;
  /** KL(q ‖ p(z | x)), equal to the gap when q's support covers the posterior's. */
  klToPosterior: number;
}

/**
 * The Jensen gap of the first derivation, ln E_q[w] − E_q[ln w] with w = p(x, z)/q(z): the amount
 * by which moving the log inside the expectation loses. E_q[w] = ∫ p(x, z) dz = p(x) (when q
 * covers the posterior's support) and E_q[ln w] is the ELBO, so the gap equals KL(q ‖ p(z | x)).
 * For a q with a smaller support (a Beta q on a Normal model), E_q[w] = ∫_{supp q} p(x, z) dz
 * is computed by quadrature, and the gap is then KL(q ‖ p(z | x)) + ln P(z ∈ supp q | x),
 * smaller than the KL; both numbers are reported.
 *
 * @example jensenGap(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] }), new Normal(0.3, 0.4)).gap // 1.3715673320949349 (= KL(q ‖ posterior))
 */
export function jensenGap(model: ScalarModel, q: UnivariateDistribution): JensenGap {
  checkSupport("jensenGap", model, q);
  const parts = elboParts(model, q);
  const logMeanWeight = coversSupport(model, q)
    ? parts.logEvidence
    : logIntegrate((z) => model.logJoint(z), q.support.lower, q.support.upper, { peaks: model.posteriorPeaks() }).logValue;
  return { logMeanWeight, meanLogWeight: parts.elbo, gap: logMeanWeight - parts.elbo, klToPosterior: parts.klToPosterior };
}

/** Monte Carlo Jensen gap with standard errors (see {@link jensenGapMonteCarlo}). */
export interface JensenGapEstimate {
  /** logMeanExp(ln w) over the draws, the importance-sampling estimate of ln p(x) (biased low). */
  logMeanWeight: number;
  /** Delta-method standard error of logMeanWeight: sd(w/w̄)/√n. */
  logMeanWeightStderr: number;
  /** mean(ln w), the Monte Carlo ELBO. */
  meanLogWeight: number;
  meanLogWeightStderr: number;
  /** logMeanWeight − meanLogWeight (≥ 0 always, by Jensen on the empirical distribution). */
  gap: number;
  /** Delta-method standard error of the gap, from the per-draw influence (wᵢ/w̄ − 1) − (ln wᵢ − mean ln w). */
  gapStderr: number;
  n: number;
}

/**
 * The Jensen gap estimated from n draws z ~ q: log of the mean weight minus the mean log weight.
 * The sample gap is ≥ 0 for every sample (Jensen's inequality for the empirical distribution),
 * and converges to KL(q ‖ p(z | x)); for q far from the posterior the weights are heavy-tailed
 * and logMeanWeight converges slowly (its standard error then understates the error).
 *
 * @example jensenGapMonteCarlo(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] }), new Normal(0.3, 0.4), createRng(1), 100000).gap // 1.3674760073888699 (exact 1.3715673320949349)
 */
export function jensenGapMonteCarlo(model: ScalarModel, q: UnivariateDistribution, rng: Rng, n: number): JensenGapEstimate {
  checkSupport("jensenGapMonteCarlo", model, q);
  if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`jensenGapMonteCarlo: n must be an integer >= 2, got ${n}`);
  const logW = sampleLogWeights(model, q, rng, new Float64Array(n));
  const logMeanWeight = logMeanExp(logW);
  const lw = new RunningMoments().addAll(logW);
  const meanLogWeight = lw.mean;
  const rel = new RunningMoments();
  const infl = new RunningMoments();
  for (let i = 0; i < n; i++) {
    const r = Math.exp(logW[i] - logMeanWeight);
    rel.add(r);
    infl.add(r - 1 - (logW[i] - meanLogWeight));
  }
  return {
    logMeanWeight,
    logMeanWeightStderr: Math.sqrt(rel.variance / n),
    meanLogWeight,
    meanLogWeightStderr: Math.sqrt(lw.variance / n),
    gap: Math.max(0, logMeanWeight - meanLogWeight),
    gapStderr: Math.sqrt(infl.variance / n),
    n,
  };
}
