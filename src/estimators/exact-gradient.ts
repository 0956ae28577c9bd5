import { Normal } from "../dists/normal";
import { NormalNormalModel } from "../models/normal-normal";
import { SquaredNormalModel } from "../models/squared-normal";
import type { ScalarModel } from "../models/types";
import type { NormalParamGradient } from "./gradients";

/**
 * The exact gradient of the ELBO with respect to q = N(m, s²)'s mean m and log-sd λ = ln s, in
 * closed form:
 *
 * - normal-normal: ∂/∂m = n(x̄ − m)/σ² − (m − μ₀)/τ₀²;  ∂/∂λ = 1 − s²(n/σ² + 1/τ₀²);
 * - squared-normal (A = x̄ − m² − s²): ∂/∂m = (n/(2σ²))(4mA − 8ms²) − (m − μ₀)/τ₀²;
 *   ∂/∂λ = s·[(n/(2σ²))(4sA − 8m²s − 8s³) − s/τ₀²] + 1.
 *
 * Both vanish at the optimal Normal q (for normal-normal, the posterior itself). Other models
 * throw a TypeError.
 *
 * @example exactElboGradient(normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 1, data: [1] }), new Normal(0, 1)) // { mean: 1, logSd: -1 }
 */
export function exactElboGradient(model: ScalarModel, q: Normal): NormalParamGradient {
  if (!(q instanceof Normal)) throw new TypeError("exactElboGradient: q must be a Normal");
  const m = q.mean;
  const s = q.sd;
  const s2 = q.variance;
  const mu0 = model.prior.mean;
  const tau2 = model.prior.variance;
  if (model instanceof NormalNormalModel) {
    const { n, mean } = model.summary;
    const sig2 = model.spec.noiseSd * model.spec.noiseSd;
    return { mean: (n * (mean - m)) / sig2 - (m - mu0) / tau2, logSd: 1 - s2 * (n / sig2 + 1 / tau2) };
  }
  if (model instanceof SquaredNormalModel) {
    const { n, mean } = model.summary;
    const sig2 = model.spec.noiseSd * model.spec.noiseSd;
    const A = mean - m * m - s2;
    const c = n / (2 * sig2);
    return {
      mean: c * (4 * m * A - 8 * m * s2) - (m - mu0) / tau2,
      logSd: s * (c * (4 * s * A - 8 * m * m * s - 8 * s2 * s) - s / tau2) + 1,
    };
  }
  throw new TypeError(`exactElboGradient: no closed form for the ${model.kind} model with a Normal q`);
}
