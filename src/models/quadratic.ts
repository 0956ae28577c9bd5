import type { ScalarModel } from "./types";

/**
 * A scalar model whose log-joint is exactly quadratic in z (a Gaussian prior and a likelihood
 * Gaussian in z), so that for every z₀ and h
 *
 *   ln p(x, z₀ + h) = ln p(x, z₀) + h·ℓ′(z₀) + ½h²·κ,   ℓ′ = {@link ScalarModel.dLogJoint},
 *
 * with one constant curvature κ = d²/dz² ln p(x, z) < 0. Estimators use it to hoist the model out
 * of their loops: for q = N(m, s²) and z = m + sε the log-weight is a + bε + cε² with three
 * numbers computed once (see quadraticLogWeights), instead of one logJoint call per draw.
 */
export interface QuadraticLogJoint {
  /** κ = d²/dz² ln p(x, z), the same at every z (−1/τ₀² − n/σ² for normal-normal). */
  readonly logJointCurvature: number;
}

/**
 * Whether `model` declares a quadratic log-joint (see {@link QuadraticLogJoint}): true for
 * normal-normal, false for squared-normal and the coin.
 *
 * @example hasQuadraticLogJoint(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [1] })) // true
 */
export function hasQuadraticLogJoint(model: ScalarModel): model is ScalarModel & QuadraticLogJoint {
  const k = (model as Partial<QuadraticLogJoint>).logJointCurvature;
  return typeof k === "number" && k < 0 && Number.isFinite(k);
}
