import type { Interval, UnivariateDistribution } from "../dists/types";
import type { ScalarModel } from "../models/types";

/** Thrown when q cannot be an approximation for the model (support outside the latent's, or discrete). */
export class SupportMismatchError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "SupportMismatchError";
  }
}

/** "[0, 1]" / "(-Infinity, Infinity)" */
export function formatInterval(i: Interval): string {
  const lo = i.lower === -Infinity ? "(-Infinity" : `[${i.lower}`;
  const hi = i.upper === Infinity ? "Infinity)" : `${i.upper}]`;
  return `${lo}, ${hi}`;
}

/**
 * Requires q to be a continuous distribution whose support lies inside the model's latent
 * support (otherwise E_q[ln p(x, z)] = −∞: q would put mass where the prior has none).
 * A Normal q for the coin's z ∈ [0, 1] fails; a Beta q for a Normal model's z ∈ ℝ is allowed.
 */
export function checkSupport(who: string, model: ScalarModel, q: UnivariateDistribution): void {
  if (q.discrete) throw new SupportMismatchError(`${who}: q (${q.kind}) is discrete, but the ${model.kind} model's latent is continuous`);
  if (q.support.lower < model.support.lower || q.support.upper > model.support.upper) {
    throw new SupportMismatchError(
      `${who}: q (${q.kind}) has support ${formatInterval(q.support)}, outside the ${model.kind} model's latent support ${formatInterval(model.support)}`,
    );
  }
}

/** True when q's support covers the model's (so ∫_{supp q} p(x, z) dz = p(x)). */
export function coversSupport(model: ScalarModel, q: UnivariateDistribution): boolean {
  return q.support.lower <= model.support.lower && q.support.upper >= model.support.upper;
}
