/**
 * The importance-weighted bound (Burda, Grosse & Salakhutdinov 2016) for a model with one
 * scalar latent, in float64:
 *
 *   L_K = E[ log (1/K) Σ_k p(x, z_k) / q(z_k) ],   z_1…z_K ~ q independently,
 *
 * L_1 = ELBO ≤ L_K ≤ L_{K+1} ≤ log p(x), and L_K → log p(x) as K → ∞. One estimate is
 * logSumExp_k(log w_k) − log K (max subtracted first, so huge or tiny weights never overflow).
 */
import { createRng, Rng } from "../random/rng";
import { HALF_LOG_2PI } from "../math/constants";


/** A Gaussian proposal q(z) = N(mean, sd²). */
export interface NormalProposal {
  mean: number;
  sd: number;
}

/** One estimate of L_K with K fresh draws from q. */
export function iwaeEstimate(logJoint: (z: number) => number, q: NormalProposal, K: number, rng: Rng): number {
  const logW = new Float64Array(K);
  let m = -Infinity;
  for (let k = 0; k < K; k++) {
    const e = rng.normal();
    const z = q.mean + q.sd * e;
    logW[k] = logJoint(z) - (-0.5 * e * e - Math.log(q.sd) - HALF_LOG_2PI);
    if (logW[k] > m) m = logW[k];
  }
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let k = 0; k < K; k++) s += Math.exp(logW[k] - m);
  return m + Math.log(s) - Math.log(K);
}

export interface IwaeStudyRow {
  K: number;
  /** Mean of the `repeats` estimates (≈ L_K). */
  mean: number;
  /** Sample variance of one estimate. */
  variance: number;
  /** Standard error of `mean`. */
  stdError: number;
}

/**
 * For each K, `repeats` independent estimates of L_K (seeded): their mean (the bound),
 * variance and standard error — the bound tightens and its variance falls as K grows.
 */
export function iwaeStudy(
  logJoint: (z: number) => number,
  q: NormalProposal,
  Ks: number[],
  options: { repeats?: number; seed?: number } = {},
): IwaeStudyRow[] {
  const repeats = options.repeats ?? 1000;
  const rng = createRng(options.seed ?? 1);
  return Ks.map((K) => {
    let sum = 0;
    let sumSq = 0;
    const vals = new Float64Array(repeats);
    for (let r = 0; r < repeats; r++) {
      vals[r] = iwaeEstimate(logJoint, q, K, rng);
      sum += vals[r];
    }
    const mean = sum / repeats;
    for (let r = 0; r < repeats; r++) sumSq += (vals[r] - mean) ** 2;
    const variance = sumSq / (repeats - 1);
    return { K, mean, variance, stdError: Math.sqrt(variance / repeats) };
  });
}

/**
 * log p(x, z) of `normal-normal` (z ~ N(μ0, τ0²), x_i | z ~ N(z, σ²)) as a float64 function,
 * for `iwaeEstimate`/`iwaeStudy`.
 */
export function normalNormalLogJoint(p: { mu0: number; tau0: number; sigma: number; x: ArrayLike<number> }): (z: number) => number {
  const n = p.x.length;
  const xs = Array.from(p.x);
  return (z: number) => {
    let s = -0.5 * ((z - p.mu0) / p.tau0) ** 2 - Math.log(p.tau0) - HALF_LOG_2PI;
    for (let i = 0; i < n; i++) s += -0.5 * ((xs[i] - z) / p.sigma) ** 2 - Math.log(p.sigma) - HALF_LOG_2PI;
    return s;
  };
}
