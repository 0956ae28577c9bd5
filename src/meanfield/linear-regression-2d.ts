import { HALF_LOG_2PI } from "../math/constants";
import { BivariateNormal } from "./bivariate-normal";

export interface LinearRegression2dSpec {
  /** One row [f₁, f₂] of features per observation. */
  features: ArrayLike<ArrayLike<number>>;
  y: ArrayLike<number>;
  /** σ, the noise sd: yᵢ | w ~ N(w·fᵢ, σ²). */
  noiseSd: number;
  /** α, the prior sd: w ~ N(0, α² I). */
  priorSd: number;
}

/** What {@link linearRegression2d} returns. */
export interface LinearRegression2d {
  spec: { features: number[][]; y: number[]; noiseSd: number; priorSd: number };
  /** The exact posterior p(w | y) = N(Λ⁻¹Fᵀy/σ², Λ⁻¹), Λ = I/α² + FᵀF/σ². */
  posterior: BivariateNormal;
  /** ln p(y | w) + ln p(w). */
  logJoint(w1: number, w2: number): number;
  /** ln p(y), exact. */
  logEvidence: number;
}

/**
 * Bayesian linear regression with two weights: the simplest model whose posterior is a *correlated*
 * 2-D Normal (correlated features give correlated weights), with an exact evidence.
 *
 * ln p(y) comes from Chib's identity at the posterior mean: ln p(y) = ln p(y | ŵ) + ln p(ŵ) − ln p(ŵ | y).
 *
 * Edge cases: rows that are not two finite numbers, y of another length, or sds that are not finite
 * and > 0 throw, naming the value.
 *
 * @example linearRegression2d({ features: [[1, 0], [0, 1]], y: [1, 1], noiseSd: 1, priorSd: 1 }).posterior.mean // [0.5, 0.5]
 */
export function linearRegression2d(spec: LinearRegression2dSpec): LinearRegression2d {
  const n = spec.y.length;
  if (spec.features.length !== n) throw new RangeError(`linearRegression2d: ${spec.features.length} feature rows for ${n} observations`);
  for (const [k, v] of [["noiseSd", spec.noiseSd], ["priorSd", spec.priorSd]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`linearRegression2d: ${k} must be a finite number > 0, got ${v}`);
  }
  const F: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = spec.features[i];
    if (r.length !== 2 || !Number.isFinite(r[0]) || !Number.isFinite(r[1]) || !Number.isFinite(spec.y[i])) {
      throw new RangeError(`linearRegression2d: row ${i} must be two finite features and a finite y, got [${Array.from(r).join(", ")}], ${spec.y[i]}`);
    }
    F.push([r[0], r[1]]);
    y.push(spec.y[i]);
  }
  const s2 = spec.noiseSd * spec.noiseSd;
  const a2 = spec.priorSd * spec.priorSd;
  let g11 = 0, g12 = 0, g22 = 0, b1 = 0, b2 = 0;
  for (let i = 0; i < n; i++) {
    g11 += F[i][0] * F[i][0];
    g12 += F[i][0] * F[i][1];
    g22 += F[i][1] * F[i][1];
    b1 += F[i][0] * y[i];
    b2 += F[i][1] * y[i];
  }
  const L11 = 1 / a2 + g11 / s2;
  const L12 = g12 / s2;
  const L22 = 1 / a2 + g22 / s2;
  const det = L11 * L22 - L12 * L12;
  const cov: [[number, number], [number, number]] = [[L22 / det, -L12 / det], [-L12 / det, L11 / det]];
  const mean = [(cov[0][0] * b1 + cov[0][1] * b2) / s2, (cov[1][0] * b1 + cov[1][1] * b2) / s2];
  const posterior = new BivariateNormal(mean, cov);
  const logJoint = (w1: number, w2: number): number => {
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const r = y[i] - F[i][0] * w1 - F[i][1] * w2;
      ll += -0.5 * (r * r) / s2;
    }
    ll -= n * (Math.log(spec.noiseSd) + HALF_LOG_2PI);
    const lp = -0.5 * (w1 * w1 + w2 * w2) / a2 - 2 * (Math.log(spec.priorSd) + HALF_LOG_2PI);
    return ll + lp;
  };
  const logEvidence = logJoint(mean[0], mean[1]) - posterior.logProb(mean[0], mean[1]);
  return { spec: { features: F, y, noiseSd: spec.noiseSd, priorSd: spec.priorSd }, posterior, logJoint, logEvidence };
}
