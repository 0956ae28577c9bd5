/**
 * One colour per quantity, the same in every notebook: a reader who has learnt "blue is the ELBO"
 * can read any later figure without its legend. Colour-blind-safe (Okabe–Ito and Paul Tol hues),
 * distinct on white and in greyscale print thanks to the dash styles in {@link ROLE_DASH}.
 */

export const PALETTE = {
  /** log p(x), the evidence: the ceiling every bound sits under. */
  logEvidence: "#000000",
  /** The ELBO, E_q[log p(x, z)] + H[q]. */
  elbo: "#0072B2",
  /** KL(q ‖ p(z | x)): the gap between log p(x) and the ELBO. */
  klPosterior: "#D55E00",
  /** KL(q ‖ p(z)): the regulariser in "reconstruction − KL". */
  klPrior: "#E69F00",
  /** E_q[log p(x | z)]: the reconstruction (expected log-likelihood) term. */
  reconstruction: "#009E73",
  /** H[q], the entropy of q. */
  entropy: "#999933",
  /** The prior density p(z). */
  prior: "#888888",
  /** The likelihood p(x | z) as a function of z. */
  likelihood: "#56B4E9",
  /** The exact posterior p(z | x). */
  posterior: "#332288",
  /** The variational density q(z). */
  q: "#AA4499",
} as const;

/** A quantity with a fixed colour. */
export type Role = keyof typeof PALETTE;

/** Line styles that keep roles apart without colour (greyscale print, colour blindness). */
export const ROLE_DASH: Record<Role, "solid" | "dot" | "dash" | "longdash" | "dashdot"> = {
  logEvidence: "dash",
  elbo: "solid",
  klPosterior: "solid",
  klPrior: "dashdot",
  reconstruction: "solid",
  entropy: "dot",
  prior: "dot",
  likelihood: "dashdot",
  posterior: "dash",
  q: "solid",
};

/** Legend names in words, used when a series gives a role but no name. */
export const ROLE_NAME: Record<Role, string> = {
  logEvidence: "log p(x)",
  elbo: "ELBO",
  klPosterior: "KL(q ‖ p(z | x))",
  klPrior: "KL(q ‖ p(z))",
  reconstruction: "E_q[log p(x | z)]",
  entropy: "H[q]",
  prior: "prior p(z)",
  likelihood: "likelihood p(x | z)",
  posterior: "posterior p(z | x)",
  q: "q(z)",
};

/** Colours for series without a role, chosen to avoid the role colours above. */
export const EXTRA_COLORS = ["#44AA99", "#882255", "#117733", "#CC6677", "#6699CC", "#DDCC77"] as const;

export function isRole(name: string): name is Role {
  return Object.prototype.hasOwnProperty.call(PALETTE, name);
}
