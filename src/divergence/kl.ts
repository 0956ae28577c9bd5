import { Bernoulli } from "../dists/bernoulli";
import { Beta } from "../dists/beta";
import { Categorical } from "../dists/categorical";
import { DiagNormal } from "../dists/diag-normal";
import { Normal } from "../dists/normal";
import { klBetaBeta } from "./kl-beta";
import { klBernoulli, klCategorical } from "./kl-categorical";
import { klDiagNormal } from "./kl-diag-normal";
import { klNormalNormal } from "./kl-normal";

/**
 * KL(q ‖ p) in closed form for any pair of the same family (Normal, DiagNormal, Beta, Bernoulli,
 * Categorical); the forward/reverse pair is kl(q, p) and kl(p, q). Throws for pairs without a
 * closed form here (use klQuadrature or klMonteCarlo for those).
 *
 * @example kl(new Normal(0, 1), new Normal(1, 2)) // 0.4431471805599453
 * @example kl(new Normal(1, 2), new Normal(0, 1)) // 1.3068528194400546 (the reverse)
 */
export function kl(q: Normal | DiagNormal | Beta | Bernoulli | Categorical, p: Normal | DiagNormal | Beta | Bernoulli | Categorical): number {
  if (q instanceof Normal && p instanceof Normal) return klNormalNormal(q, p);
  if (q instanceof DiagNormal && p instanceof DiagNormal) return klDiagNormal(q, p);
  if (q instanceof Beta && p instanceof Beta) return klBetaBeta(q, p);
  if (q instanceof Bernoulli && p instanceof Bernoulli) return klBernoulli(q, p);
  if (q instanceof Categorical && p instanceof Categorical) return klCategorical(q, p);
  throw new TypeError(`kl: no closed form for KL(${q.kind} ‖ ${p.kind}); use klQuadrature or klMonteCarlo`);
}
