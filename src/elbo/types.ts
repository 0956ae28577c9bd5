/**
 * The return type of `elboParts`, exported as both ElboParts and ElboBreakdown (the VAE's per-epoch
 * numbers are VaeElboParts, in src/tf). Every quantity of the ELBO story for one (model, q), in nats. The identities that tie them:
 * - elbo = expectedLogLik − klToPrior = expectedLogJoint + entropy;
 * - logEvidence = elbo + klToPosterior (so elbo ≤ logEvidence since klToPosterior ≥ 0).
 */
export interface ElboBreakdown {
  /** ln p(x). */
  logEvidence: number;
  /** E_q[ln p(x, z) − ln q(z)]. */
  elbo: number;
  /** E_q[ln p(x | z)], the "reconstruction" or data term. */
  expectedLogLik: number;
  /** KL(q ‖ p(z)), the regulariser. */
  klToPrior: number;
  /** E_q[ln p(x, z)]. */
  expectedLogJoint: number;
  /** H[q] = −E_q[ln q(z)]. */
  entropy: number;
  /** KL(q ‖ p(z | x)), the gap between the ELBO and ln p(x). */
  klToPosterior: number;
  /** How the parts were obtained: "closed-form", "closed-form+quadrature" or "quadrature". */
  method: "closed-form" | "closed-form+quadrature" | "quadrature";
}
