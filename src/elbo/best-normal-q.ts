import { Normal } from "../dists/normal";
import type { ScalarModel } from "../models/types";
import { nelderMeadMax } from "../optimize/nelder-mead";
import { elboParts } from "./elbo-parts";
import { SquaredNormalModel } from "../models/squared-normal";
import { squaredNormalElboTerms } from "./squared-normal-elbo";

/** The result of {@link bestNormalQ}. */
export interface BestNormalQ {
  q: Normal;
  /** max over Normal q of ELBO(q) (as found). */
  elbo: number;
  /** ln p(x) − elbo = KL(q ‖ p(z | x)) at the optimum: what the Normal family cannot reach. */
  gap: number;
  logEvidence: number;
  /** The start (mean) that gave the best local optimum. */
  fromMean: number;
  evaluations: number;
}

/**
 * argmax over q = N(m, s²) of ELBO(q) for a scalar model on the real line, by Nelder–Mead on (m, ln s)
 * with the exact ELBO of {@link elboParts} (closed form for the normal–normal and squared-normal
 * models). A multimodal posterior gives several local optima (one per mode, and a wide q between them).
 * (For the squared-normal model only the ELBO's two closed-form terms are computed per step, not the
 * quadrature of KL(q ‖ p(z | x)) that elboParts adds.) The search starts from each of `starts` (q means; default: the posterior's peaks and 0) with
 * s = 0.3 and keeps the best.
 *
 * Edge cases: a model whose support is not the real line throws (a Normal q would leave it).
 *
 * @example bestNormalQ(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 1, data: [1] })).q.sd // 0.7071067811… (the posterior's sd, 1/√2)
 */
export function bestNormalQ(model: ScalarModel, starts?: number[]): BestNormalQ {
  if (model.support.lower !== -Infinity || model.support.upper !== Infinity) {
    throw new RangeError(`bestNormalQ: the model's support must be the real line, got [${model.support.lower}, ${model.support.upper}]`);
  }
  const from = starts ?? [...model.posteriorPeaks().map((p) => p.at), 0];
  let best: { x: number[]; fx: number; m0: number } | undefined;
  let evaluations = 0;
  for (const m0 of from) {
    const r = nelderMeadMax(([m, ls]) => elboOf(model, new Normal(m, Math.exp(ls))), [m0, Math.log(0.3)], { step: [0.2, 0.2] });
    evaluations += r.evaluations;
    if (!best || r.fx > best.fx) best = { x: r.x, fx: r.fx, m0 };
  }
  const q = new Normal(best!.x[0], Math.exp(best!.x[1]));
  const logEvidence = model.logEvidence();
  return { q, elbo: best!.fx, gap: logEvidence - best!.fx, logEvidence, fromMean: best!.m0, evaluations };
}

function elboOf(model: ScalarModel, q: Normal): number {
  if (model instanceof SquaredNormalModel) {
    const t = squaredNormalElboTerms(model, q);
    return t.expectedLogLik - t.klToPrior;
  }
  return elboParts(model, q).elbo;
}
