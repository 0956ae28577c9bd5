import { HALF_LOG_2PI } from "../math/constants";
import { Normal } from "../dists/normal";
import { REAL_LINE, type Interval } from "../dists/types";
import type { Peak } from "../quadrature/integrate";
import { summarizeData, type DataSummary } from "./data";
import type { QuadraticLogJoint } from "./quadratic";
import type { NormalNormalSpec, ScalarModel } from "./types";
import { validateGaussianFields } from "./validate";

/**
 * The conjugate Gaussian model z ~ N(μ₀, τ₀²), xᵢ | z ~ N(z, σ²) i.i.d., i = 1…n.
 *
 * Closed forms (with x̄ the mean and S = Σ(xᵢ − x̄)²):
 * - ln p(x | z) = −(S + n(x̄ − z)²)/(2σ²) − n ln σ − n·½ln 2π (data summarised once, O(1) per z);
 * - posterior N(μₙ, τₙ²), μₙ = μ₀ + (x̄ − μ₀)·nτ₀²/(nτ₀² + σ²), τₙ = τ₀σ/√(nτ₀² + σ²);
 * - ln p(x) = −n·½ln 2π − (n−1)ln σ − ½ln(σ² + nτ₀²) − S/(2σ²) − n(x̄ − μ₀)²/(2(σ² + nτ₀²)),
 *   the log density of x ~ N(μ₀1, σ²I + τ₀²11ᵀ).
 *
 * The forms use hypot and the centred sum of squares, so σ = 1e−4, n = 10⁴ or data 50 prior-sds
 * away stay accurate. Invalid options throw (`normalNormalModel: noiseSd must be a finite
 * number > 0, got 0`). Empty data is allowed (posterior = prior, ln p(x) = 0).
 *
 * @example normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 1, data: [1] }).logEvidence() // -1.5155121234846454 (= ln N(1 | 0, 2))
 */
export function normalNormalModel(options: Omit<NormalNormalSpec, "kind"> | NormalNormalSpec): NormalNormalModel {
  return new NormalNormalModel(options);
}

/** See {@link normalNormalModel}. */
export class NormalNormalModel implements ScalarModel, QuadraticLogJoint {
  readonly kind = "normal-normal";
  readonly spec: NormalNormalSpec;
  readonly support: Interval = REAL_LINE;
  readonly prior: Normal;
  readonly posterior: Normal;
  readonly dataSize: number;
  /** n, x̄ and the centred sum of squares of the data. */
  readonly summary: DataSummary;
  /** d²/dz² ln p(x, z) = −1/τ₀² − n/σ² at every z: the log-joint is quadratic (see QuadraticLogJoint). */
  readonly logJointCurvature: number;
  private readonly logEv: number;
  private readonly likConst: number;

  constructor(options: Omit<NormalNormalSpec, "kind">) {
    const v = validateGaussianFields("normalNormalModel", options);
    this.spec = { kind: "normal-normal", priorMean: v.priorMean, priorSd: v.priorSd, noiseSd: v.noiseSd, data: Array.from(v.data) };
    this.summary = summarizeData(v.data);
    const { n, mean: xbar, ss } = this.summary;
    this.dataSize = n;
    const { priorMean: mu0, priorSd: tau0, noiseSd: sigma } = v;
    this.prior = new Normal(mu0, tau0);
    // s = √(σ² + nτ₀²) via hypot (no overflow for huge τ₀); weight = nτ₀²/(σ² + nτ₀²).
    const s = Math.hypot(sigma, Math.sqrt(n) * tau0);
    const ratio = n === 0 ? Infinity : sigma / (Math.sqrt(n) * tau0);
    const weight = 1 / (1 + ratio * ratio);
    this.posterior = new Normal(mu0 + (xbar - mu0) * weight, (tau0 * sigma) / s);
    const d = (xbar - mu0) / s;
    this.logEv = n === 0 ? 0 : -n * HALF_LOG_2PI - (n - 1) * Math.log(sigma) - Math.log(s) - ss / (2 * sigma * sigma) - 0.5 * n * d * d;
    this.likConst = -n * (Math.log(sigma) + HALF_LOG_2PI);
    this.logJointCurvature = -(1 / (tau0 * tau0) + n / (sigma * sigma));
  }

  logPrior(z: number): number {
    return this.prior.logProb(z);
  }

  logLik(z: number): number {
    const { n, mean, ss } = this.summary;
    if (n === 0) return 0;
    const d = mean - z;
    const s2 = this.spec.noiseSd * this.spec.noiseSd;
    return -(ss + n * d * d) / (2 * s2) + this.likConst;
  }

  logJoint(z: number): number {
    return this.logPrior(z) + this.logLik(z);
  }

  logEvidence(): number {
    return this.logEv;
  }

  logPosterior(z: number): number {
    return this.posterior.logProb(z);
  }

  dLogJoint(z: number): number {
    const { n, mean } = this.summary;
    const s2 = this.spec.noiseSd * this.spec.noiseSd;
    return this.prior.dLogProb(z) + (n * (mean - z)) / s2;
  }

  posteriorPeaks(): Peak[] {
    return [{ at: this.posterior.mean, width: this.posterior.sd }];
  }
}
