import { InvalidParameterError, requirePositive } from "../dists/errors";
import { Beta } from "../dists/beta";
import { UNIT_INTERVAL, type Interval } from "../dists/types";
import { logBeta } from "../math/logbeta";
import type { Peak } from "../quadrature/integrate";
import type { BetaBernoulliSpec, ScalarModel } from "./types";

/**
 * The coin: z ~ Beta(a₀, b₀), xᵢ | z ~ Bernoulli(z) i.i.d. With k heads in n flips:
 * - ln p(x | z) = k ln z + (n − k) ln(1 − z) (ln(1 − z) via log1p; 0·ln 0 = 0);
 * - posterior Beta(a₀ + k, b₀ + n − k);
 * - ln p(x) = ln B(a₀ + k, b₀ + n − k) − ln B(a₀, b₀) (for the sequence, not the count).
 *
 * Data must be 0 or 1 (`betaBernoulliModel: data[2] must be 0 or 1, got 2`); empty data is allowed.
 *
 * @example betaBernoulliModel({ priorA: 1, priorB: 1, data: [1, 0] }).logEvidence() // -1.7917594692280545 (ln(1/6) = -1.791759469228055)
 */
export function betaBernoulliModel(options: Omit<BetaBernoulliSpec, "kind"> | BetaBernoulliSpec): BetaBernoulliModel {
  return new BetaBernoulliModel(options);
}

/** See {@link betaBernoulliModel}. */
export class BetaBernoulliModel implements ScalarModel {
  readonly kind = "beta-bernoulli";
  readonly spec: BetaBernoulliSpec;
  readonly support: Interval = UNIT_INTERVAL;
  readonly prior: Beta;
  readonly posterior: Beta;
  readonly dataSize: number;
  /** The number of ones (heads). */
  readonly heads: number;
  private readonly logEv: number;

  constructor(options: Omit<BetaBernoulliSpec, "kind">) {
    const owner = "betaBernoulliModel";
    if (options === null || typeof options !== "object") throw new InvalidParameterError(owner, "options", "an object", options);
    const a0 = requirePositive(owner, "priorA", options.priorA);
    const b0 = requirePositive(owner, "priorB", options.priorB);
    const data = options.data as unknown;
    if (!Array.isArray(data) && !ArrayBuffer.isView(data)) throw new InvalidParameterError(owner, "data", "an array of 0/1 values", data);
    const xs = Array.from(data as ArrayLike<unknown>);
    let k = 0;
    xs.forEach((x, i) => {
      if (x !== 0 && x !== 1) throw new InvalidParameterError(owner, `data[${i}]`, "0 or 1", x);
      k += x;
    });
    const n = xs.length;
    this.spec = { kind: "beta-bernoulli", priorA: a0, priorB: b0, data: xs as number[] };
    this.dataSize = n;
    this.heads = k;
    this.prior = new Beta(a0, b0);
    // b0 + (n − k), not b0 + n − k: with b0 = 1e−17 and n = k = 1 the latter rounds to 0.
    this.posterior = new Beta(a0 + k, b0 + (n - k));
    this.logEv = logBeta(a0 + k, b0 + (n - k)) - logBeta(a0, b0);
  }

  logPrior(z: number): number {
    return this.prior.logProb(z);
  }

  logLik(z: number): number {
    if (z !== z) return NaN;
    if (z < 0 || z > 1) return -Infinity;
    const k = this.heads;
    const m = this.dataSize - k;
    return (k === 0 ? 0 : k * Math.log(z)) + (m === 0 ? 0 : m * Math.log1p(-z));
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
    return (this.posterior.a - 1) / z - (this.posterior.b - 1) / (1 - z);
  }

  posteriorPeaks(): Peak[] {
    return [{ at: this.posterior.mean, width: Math.sqrt(this.posterior.variance) }];
  }
}
