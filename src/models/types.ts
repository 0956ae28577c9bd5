import type { Beta } from "../dists/beta";
import type { Normal } from "../dists/normal";
import type { Interval } from "../dists/types";
import type { Peak } from "../quadrature/integrate";

/** Plain-data description of a normal-normal model (see normalNormalModel). */
export interface NormalNormalSpec {
  kind: "normal-normal";
  priorMean: number;
  priorSd: number;
  noiseSd: number;
  data: number[];
}

/** Plain-data description of a squared-normal model (see squaredNormalModel). */
export interface SquaredNormalSpec {
  kind: "squared-normal";
  priorMean: number;
  priorSd: number;
  noiseSd: number;
  data: number[];
}

/** Plain-data description of the coin model (see betaBernoulliModel). */
export interface BetaBernoulliSpec {
  kind: "beta-bernoulli";
  priorA: number;
  priorB: number;
  data: number[];
}

/** Plain-data description of a Gaussian mixture with known parameters (see gaussianMixtureModel). */
export interface GaussianMixtureSpec {
  kind: "gaussian-mixture";
  weights: number[];
  means: number[];
  sds: number[];
  data: number[];
}

/** Any model spec; `kind` tells which. */
export type ModelSpec = NormalNormalSpec | SquaredNormalSpec | BetaBernoulliSpec | GaussianMixtureSpec;

/**
 * The common interface of every model p(x, z) = p(z) p(x | z) with data x fixed.
 * `Z` is the latent's type: a number for the 1-D models, an assignment vector for the mixture.
 */
export interface Model<Z = number> {
  /** The model's kind, as in its spec. */
  readonly kind: ModelSpec["kind"];
  /** A plain-data copy of the model's definition (JSON-serialisable). */
  readonly spec: ModelSpec;
  /** The number of observations n. */
  readonly dataSize: number;
  /** ln p(z). */
  logPrior(z: Z): number;
  /** ln p(x | z) = Σᵢ ln p(xᵢ | z), summed over the data. */
  logLik(z: Z): number;
  /** ln p(x, z) = ln p(z) + ln p(x | z). */
  logJoint(z: Z): number;
  /** ln p(x) = ln ∫ p(x, z) dz (closed form or quadrature). */
  logEvidence(): number;
  /** ln p(z | x) = ln p(x, z) − ln p(x). */
  logPosterior(z: Z): number;
}

/** A model whose latent z is one real number in `support`. */
export interface ScalarModel extends Model<number> {
  readonly kind: "normal-normal" | "squared-normal" | "beta-bernoulli";
  readonly spec: NormalNormalSpec | SquaredNormalSpec | BetaBernoulliSpec;
  /** Where the prior (and so the posterior) puts mass. */
  readonly support: Interval;
  /** The prior p(z). */
  readonly prior: Normal | Beta;
  /** The posterior p(z | x) when it has a closed form (undefined for squared-normal). */
  readonly posterior: Normal | Beta | undefined;
  /** d/dz ln p(x, z), for the reparameterisation gradient and the exact-gradient checks. */
  dLogJoint(z: number): number;
  /** Modes of the posterior with widths (1/√(−d² ln p/dz²)), used to place quadrature nodes. */
  posteriorPeaks(): Peak[];
}
