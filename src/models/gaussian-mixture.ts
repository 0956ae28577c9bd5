import { HALF_LOG_2PI } from "../math/constants";
import { logSumExp } from "../math/logsumexp";
import { NeumaierSum } from "../math/sum";
import { InvalidParameterError, requireFinite, requireFiniteArray, requirePositive, requireProbabilityVector } from "../dists/errors";
import { NormalMixture } from "../dists/normal-mixture";
import type { GaussianMixtureSpec, Model } from "./types";

/**
 * A Gaussian mixture with known parameters: zᵢ ~ Categorical(w), xᵢ | zᵢ = k ~ N(μₖ, σₖ²), i.i.d.
 * The latent is the assignment vector z ∈ {0, …, K−1}ⁿ. Closed forms:
 * - ln p(x) = Σᵢ logSumExpₖ(ln wₖ + ln N(xᵢ | μₖ, σₖ²)) (the marginal log-likelihood);
 * - p(zᵢ = k | xᵢ) = rᵢₖ ∝ wₖ N(xᵢ | μₖ, σₖ²), the responsibilities (EM's E-step), each row summing to 1;
 * - ln p(z | x) = Σᵢ ln rᵢ,zᵢ.
 *
 * Invalid options throw naming the field (`gaussianMixtureModel: sds[1] must be a finite number > 0, got 0`).
 *
 * @example gaussianMixtureModel({ weights: [0.5, 0.5], means: [-1, 1], sds: [1, 1], data: [0] }).logEvidence() // -1.4189385332046727
 */
export function gaussianMixtureModel(options: Omit<GaussianMixtureSpec, "kind"> | GaussianMixtureSpec): GaussianMixtureModel {
  return new GaussianMixtureModel(options);
}

/** See {@link gaussianMixtureModel}. */
export class GaussianMixtureModel implements Model<ArrayLike<number>> {
  readonly kind = "gaussian-mixture";
  readonly spec: GaussianMixtureSpec;
  readonly dataSize: number;
  /** The number of components K. */
  readonly components: number;
  /** The marginal density of one observation, Σₖ wₖ N(x | μₖ, σₖ²). */
  readonly mixture: NormalMixture;
  /** ln wₖ + ln N(xᵢ | μₖ, σₖ²) for every point i (rows) and component k (columns). */
  readonly logJointTable: Float64Array[];
  /** ln p(xᵢ) for every point. */
  readonly pointLogLik: Float64Array;
  private readonly data: Float64Array;
  private readonly logW: Float64Array;

  constructor(options: Omit<GaussianMixtureSpec, "kind">) {
    const owner = "gaussianMixtureModel";
    if (options === null || typeof options !== "object") throw new InvalidParameterError(owner, "options", "an object", options);
    const w = requireProbabilityVector(owner, "weights", options.weights);
    const k = w.length;
    const means = requireFiniteArray(owner, "means", options.means);
    const sds = requireFiniteArray(owner, "sds", options.sds);
    if (means.length !== k) throw new InvalidParameterError(owner, "means", `an array of length ${k} (as weights)`, options.means);
    if (sds.length !== k) throw new InvalidParameterError(owner, "sds", `an array of length ${k} (as weights)`, options.sds);
    sds.forEach((s, i) => requirePositive(owner, `sds[${i}]`, s));
    this.data = requireFiniteArray(owner, "data", options.data, true);
    this.spec = { kind: "gaussian-mixture", weights: Array.from(w), means: Array.from(means), sds: Array.from(sds), data: Array.from(this.data) };
    this.components = k;
    this.dataSize = this.data.length;
    this.mixture = new NormalMixture(w, means, sds);
    this.logW = w.map(Math.log);
    this.logJointTable = Array.from(this.data, (x) => {
      const row = new Float64Array(k);
      for (let j = 0; j < k; j++) {
        const u = (x - means[j]) / sds[j];
        row[j] = this.logW[j] - 0.5 * u * u - Math.log(sds[j]) - HALF_LOG_2PI;
      }
      return row;
    });
    this.pointLogLik = Float64Array.from(this.logJointTable, (row) => logSumExp(row));
  }

  /** The responsibilities rᵢₖ = p(zᵢ = k | xᵢ), one Float64Array row per data point. */
  responsibilities(): Float64Array[] {
    return this.logJointTable.map((row, i) => row.map((l) => Math.exp(l - this.pointLogLik[i])));
  }

  /** Σᵢ ln p(xᵢ) (the same number as logEvidence; the name EM uses). */
  logLikelihood(): number {
    return this.logEvidence();
  }

  logPrior(z: ArrayLike<number>): number {
    this.checkAssignments(z);
    const s = new NeumaierSum();
    for (let i = 0; i < z.length; i++) s.add(this.logW[z[i]]);
    return s.value;
  }

  logLik(z: ArrayLike<number>): number {
    this.checkAssignments(z);
    const s = new NeumaierSum();
    for (let i = 0; i < z.length; i++) s.add(this.logJointTable[i][z[i]] - this.logW[z[i]]);
    return s.value;
  }

  logJoint(z: ArrayLike<number>): number {
    this.checkAssignments(z);
    const s = new NeumaierSum();
    for (let i = 0; i < z.length; i++) s.add(this.logJointTable[i][z[i]]);
    return s.value;
  }

  logEvidence(): number {
    const s = new NeumaierSum();
    for (const l of this.pointLogLik) s.add(l);
    return s.value;
  }

  logPosterior(z: ArrayLike<number>): number {
    this.checkAssignments(z);
    const s = new NeumaierSum();
    for (let i = 0; i < z.length; i++) s.add(this.logJointTable[i][z[i]] - this.pointLogLik[i]);
    return s.value;
  }

  private checkAssignments(z: ArrayLike<number>): void {
    if (z.length !== this.dataSize) {
      throw new InvalidParameterError("GaussianMixtureModel", "z", `an assignment vector of length ${this.dataSize}`, `length ${z.length}`);
    }
    for (let i = 0; i < z.length; i++) {
      const v = requireFinite("GaussianMixtureModel", `z[${i}]`, z[i]);
      if (!Number.isInteger(v) || v < 0 || v >= this.components) {
        throw new InvalidParameterError("GaussianMixtureModel", `z[${i}]`, `an integer in [0, ${this.components - 1}]`, v);
      }
    }
  }
}
