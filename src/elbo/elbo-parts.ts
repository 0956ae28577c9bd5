import { HALF_LOG_2PI } from "../math/constants";
import { logBeta } from "../math/logbeta";
import { NeumaierSum } from "../math/sum";
import { Beta } from "../dists/beta";
import { Categorical } from "../dists/categorical";
import { Normal } from "../dists/normal";
import type { UnivariateDistribution } from "../dists/types";
import { klBetaBeta } from "../divergence/kl-beta";
import { klCategorical } from "../divergence/kl-categorical";
import { klNormalNormal } from "../divergence/kl-normal";
import { BetaBernoulliModel } from "../models/beta-bernoulli";
import { GaussianMixtureModel } from "../models/gaussian-mixture";
import { NormalNormalModel } from "../models/normal-normal";
import { SquaredNormalModel } from "../models/squared-normal";
import { squaredNormalElboTerms } from "./squared-normal-elbo";
import type { ScalarModel } from "../models/types";
import { expectation } from "../quadrature/expectation";
import { checkSupport } from "./support";
import type { ElboBreakdown } from "./types";

/**
 * Every part of the ELBO for (model, q), exactly where the maths allows:
 *
 * | model | q | how |
 * | --- | --- | --- |
 * | normal-normal | Normal(m, s) | all closed form: E_q[ln p(x|z)] = −(S + n((x̄−m)² + s²))/(2σ²) − n ln σ − n·½ln 2π; KLs by klNormalNormal |
 * | squared-normal | Normal(m, s) | closed form with E_q[(x̄ − z²)²] = (x̄ − m² − s²)² + 4m²s² + 2s⁴; ln p(x) and KL(q ‖ p(z|x)) by quadrature |
 * | beta-bernoulli | Beta(a, b) | closed form with E_q[ln z] = ψ(a) − ψ(a+b), E_q[ln(1−z)] = ψ(b) − ψ(a+b); KLs by klBetaBeta |
 * | gaussian-mixture | per-point Categoricals (rows of probabilities) | closed-form sums over points and components |
 * | any 1-D model | any continuous q inside its support | every expectation by adaptive quadrature |
 *
 * Each part is computed on its own (not derived from the others through an identity), so the
 * identities elbo = expectedLogLik − klToPrior = expectedLogJoint + entropy and
 * logEvidence = elbo + klToPosterior are genuine checks. (elbo itself is defined as
 * expectedLogLik − klToPrior.)
 *
 * Edge cases: a q whose support is outside the latent's (a Normal q for the coin) or a discrete
 * q for a continuous latent throws a SupportMismatchError.
 *
 * @example elboParts(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 1, data: [1] }), new Normal(0.5, Math.SQRT1_2)).klToPosterior // 2.465190328815662e-32 (0 up to rounding: q is the posterior)
 */
export function elboParts(model: ScalarModel, q: UnivariateDistribution): ElboBreakdown;
export function elboParts(model: GaussianMixtureModel, q: ArrayLike<ArrayLike<number>> | Categorical[]): ElboBreakdown;
export function elboParts(
  model: ScalarModel | GaussianMixtureModel,
  q: UnivariateDistribution | ArrayLike<ArrayLike<number>> | Categorical[],
): ElboBreakdown {
  if (model instanceof GaussianMixtureModel) return mixtureElboParts(model, q as ArrayLike<ArrayLike<number>> | Categorical[]);
  const qd = q as UnivariateDistribution;
  checkSupport("elboParts", model, qd);
  if (model instanceof NormalNormalModel && qd instanceof Normal) return normalNormalParts(model, qd);
  if (model instanceof SquaredNormalModel && qd instanceof Normal) return squaredNormalParts(model, qd);
  if (model instanceof BetaBernoulliModel && qd instanceof Beta) return betaBernoulliParts(model, qd);
  return elboPartsByQuadrature(model, qd);
}

/** E_q[ln N(z | μ₀, τ₀²)] for q = N(m, s²): the cross-entropy term of the prior. */
function expectedLogNormal(q: Normal, p: Normal): number {
  const d = q.mean - p.mean;
  return -(d * d + q.variance) / (2 * p.variance) - p.logSd - HALF_LOG_2PI;
}

function normalNormalParts(model: NormalNormalModel, q: Normal): ElboBreakdown {
  const { n, mean: xbar, ss } = model.summary;
  const sigma = model.spec.noiseSd;
  const d = xbar - q.mean;
  const expectedLogLik = n === 0 ? 0 : -(ss + n * (d * d + q.variance)) / (2 * sigma * sigma) - n * (Math.log(sigma) + HALF_LOG_2PI);
  const klToPrior = klNormalNormal(q, model.prior);
  return {
    logEvidence: model.logEvidence(),
    elbo: expectedLogLik - klToPrior,
    expectedLogLik,
    klToPrior,
    expectedLogJoint: expectedLogLik + expectedLogNormal(q, model.prior),
    entropy: q.entropy,
    klToPosterior: klNormalNormal(q, model.posterior),
    method: "closed-form",
  };
}

function squaredNormalParts(model: SquaredNormalModel, q: Normal): ElboBreakdown {
  const { expectedLogLik, klToPrior } = squaredNormalElboTerms(model, q);
  const klToPosterior = expectation(q, (z) => q.logProb(z) - model.logPosterior(z)).value;
  return {
    logEvidence: model.logEvidence(),
    elbo: expectedLogLik - klToPrior,
    expectedLogLik,
    klToPrior,
    expectedLogJoint: expectedLogLik + expectedLogNormal(q, model.prior),
    entropy: q.entropy,
    klToPosterior: Math.max(0, klToPosterior),
    method: "closed-form+quadrature",
  };
}

function betaBernoulliParts(model: BetaBernoulliModel, q: Beta): ElboBreakdown {
  const k = model.heads;
  const m = model.dataSize - k;
  const { a: a0, b: b0 } = model.prior;
  const expectedLogLik = k * q.meanLog + m * q.meanLog1m;
  const klToPrior = klBetaBeta(q, model.prior);
  const expectedLogPrior = (a0 - 1) * q.meanLog + (b0 - 1) * q.meanLog1m - logBeta(a0, b0);
  return {
    logEvidence: model.logEvidence(),
    elbo: expectedLogLik - klToPrior,
    expectedLogLik,
    klToPrior,
    expectedLogJoint: expectedLogLik + expectedLogPrior,
    entropy: q.entropy,
    klToPosterior: klBetaBeta(q, model.posterior),
    method: "closed-form",
  };
}

/**
 * The ELBO parts with every expectation computed by adaptive quadrature under q (see
 * `expectation`); works for any 1-D model and any continuous q inside its support, and is what
 * the closed forms are tested against. Log-ratios are formed pointwise (ln q − ln p(z), …), so
 * KLs near 0 keep their accuracy.
 *
 * @example elboPartsByQuadrature(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 1, data: [1] }), new Normal(0, 1)).elbo // -1.918938533204673 (= −1 − ½ln 2π, to ~1e-12)
 */
export function elboPartsByQuadrature(model: ScalarModel, q: UnivariateDistribution): ElboBreakdown {
  checkSupport("elboPartsByQuadrature", model, q);
  const expectedLogLik = expectation(q, (z) => model.logLik(z)).value;
  const expectedLogPrior = expectation(q, (z) => model.logPrior(z)).value;
  const klToPrior = expectation(q, (z) => q.logProb(z) - model.logPrior(z)).value;
  const entropy = q.entropy ?? -expectation(q, (z) => q.logProb(z)).value;
  const klToPosterior = expectation(q, (z) => q.logProb(z) - model.logPosterior(z)).value;
  return {
    logEvidence: model.logEvidence(),
    elbo: expectedLogLik - klToPrior,
    expectedLogLik,
    klToPrior,
    expectedLogJoint: expectedLogLik + expectedLogPrior,
    entropy,
    klToPosterior,
    method: "quadrature",
  };
}

/**
 * ELBO parts for the Gaussian mixture with a mean-field q(z) = Πᵢ qᵢ(zᵢ), each qᵢ a probability
 * vector over the K components (a Categorical or a plain row). Sums, with 0·ln 0 = 0:
 * E_q[ln p(x|z)] = Σᵢₖ qᵢₖ ln N(xᵢ | μₖ, σₖ²); KL(q ‖ p(z)) = Σᵢ KL(qᵢ ‖ w);
 * KL(q ‖ p(z|x)) = Σᵢ KL(qᵢ ‖ rᵢ) with r the responsibilities (so q = r gives ELBO = ln p(x),
 * EM's E-step). Rows must match the data size and K (InvalidParameterError otherwise).
 */
export function mixtureElboParts(model: GaussianMixtureModel, q: ArrayLike<ArrayLike<number>> | Categorical[]): ElboBreakdown {
  if (q.length !== model.dataSize) {
    throw new RangeError(`elboParts: q must have one row per data point (${model.dataSize}), got ${q.length}`);
  }
  const w = new Categorical(model.spec.weights);
  const resp = model.responsibilities();
  const ell = new NeumaierSum();
  const elp = new NeumaierSum();
  const h = new NeumaierSum();
  const klp = new NeumaierSum();
  const klpost = new NeumaierSum();
  for (let i = 0; i < q.length; i++) {
    const row = q[i];
    const qi = row instanceof Categorical ? row : new Categorical(row);
    if (qi.size !== model.components) {
      throw new RangeError(`elboParts: q[${i}] must have ${model.components} probabilities, got ${qi.size}`);
    }
    const table = model.logJointTable[i];
    for (let k = 0; k < qi.size; k++) {
      const p = qi.probs[k];
      if (p === 0) continue;
      ell.add(p * (table[k] - w.logProbs[k]));
      elp.add(p * w.logProbs[k]);
    }
    h.add(qi.entropy);
    klp.add(klCategorical(qi, w));
    klpost.add(klCategorical(qi, new Categorical(resp[i])));
  }
  return {
    logEvidence: model.logEvidence(),
    elbo: ell.value - klp.value,
    expectedLogLik: ell.value,
    klToPrior: klp.value,
    expectedLogJoint: ell.value + elp.value,
    entropy: h.value,
    klToPosterior: klpost.value,
    method: "closed-form",
  };
}
