import { InvalidParameterError } from "../dists/errors";
import type { Bernoulli } from "../dists/bernoulli";
import type { Categorical } from "../dists/categorical";

/**
 * KL(q ‖ p) = Σₖ qₖ ln(qₖ/pₖ) for two Categoricals over the same K categories.
 *
 * Edge cases: terms with qₖ = 0 contribute 0 (0·ln 0 = 0); qₖ > 0 with pₖ = 0 gives +Infinity
 * (q puts mass where p has none); a different K throws.
 *
 * @example klCategorical(new Categorical([0.5, 0.5]), new Categorical([0.9, 0.1])) // 0.5108256237659905
 */
export function klCategorical(q: Categorical, p: Categorical): number {
  if (q.size !== p.size) throw new InvalidParameterError("klCategorical", "p", `a Categorical over ${q.size} categories (as q)`, `${p.size} categories`);
  let s = 0;
  for (let k = 0; k < q.size; k++) {
    const qk = q.probs[k];
    if (qk === 0) continue;
    if (p.probs[k] === 0) return Infinity;
    s += qk * (q.logProbs[k] - p.logProbs[k]);
  }
  return s > 0 ? s : 0; // rounding can leave −1e−17 for q ≈ p; KL is ≥ 0
}

/**
 * KL(q ‖ p) for two Bernoullis: q ln(q/p) + (1 − q) ln((1 − q)/(1 − p)), with the same 0·ln 0 and
 * +Infinity conventions as {@link klCategorical}.
 *
 * @example klBernoulli(new Bernoulli(0.5), new Bernoulli(0.9)) // 0.5108256237659907 (ln(5/3))
 */
export function klBernoulli(q: Bernoulli, p: Bernoulli): number {
  let s = 0;
  if (q.p > 0) {
    if (p.p === 0) return Infinity;
    s += q.p * (Math.log(q.p) - Math.log(p.p));
  }
  if (q.p < 1) {
    if (p.p === 1) return Infinity;
    s += (1 - q.p) * (Math.log1p(-q.p) - Math.log1p(-p.p));
  }
  return s > 0 ? s : 0;
}
