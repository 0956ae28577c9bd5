/**
 * EM for a 1-D Gaussian mixture, written as coordinate ascent on the ELBO (float64).
 *
 * Model: z_i ~ Categorical(w), x_i | z_i = k ~ N(μ_k, σ_k²). For any q(z) = Π_i q_i(z_i)
 * with q_i(k) = r_ik,
 *   ELBO(q, θ) = Σ_i Σ_k r_ik [log w_k + log N(x_i; μ_k, σ_k²) − log r_ik]
 *              = log p(x | θ) − Σ_i KL(q_i ‖ p(z_i | x_i, θ)).
 * E-step: r_ik = p(z_i = k | x_i, θ) makes every KL zero, so the ELBO equals log p(x | θ).
 * M-step: θ ← argmax_θ ELBO(q, θ) (weighted counts, means and sds), which cannot lower it.
 * Hence log p(x | θ) never decreases. Terms with r_ik = 0 contribute 0 (0·log 0 = 0).
 */
import { createRng } from "../random/rng";
import { HALF_LOG_2PI } from "../math/constants";
import { logSumExp } from "../math/logsumexp";


export interface Gmm1dParams {
  weights: number[];
  means: number[];
  sds: number[];
}

function logNormal(x: number, mu: number, sd: number): number {
  const u = (x - mu) / sd;
  return -0.5 * u * u - Math.log(sd) - HALF_LOG_2PI;
}

/** n draws (seeded) from the mixture, with their component labels. */
export function sampleGmm1d(params: Gmm1dParams, n: number, seed: number): { x: Float64Array; z: Int32Array } {
  const rng = createRng(seed);
  const K = params.weights.length;
  const x = new Float64Array(n);
  const z = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let u = rng.uniform();
    let k = 0;
    while (k < K - 1 && u >= params.weights[k]) {
      u -= params.weights[k];
      k++;
    }
    z[i] = k;
    x[i] = params.means[k] + params.sds[k] * rng.normal();
  }
  return { x, z };
}

/** log p(x | θ) = Σ_i log Σ_k w_k N(x_i; μ_k, σ_k²). */
export function gmm1dLogLik(x: ArrayLike<number>, params: Gmm1dParams): number {
  const K = params.weights.length;
  const a = new Float64Array(K);
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    for (let k = 0; k < K; k++) a[k] = Math.log(params.weights[k]) + logNormal(x[i], params.means[k], params.sds[k]);
    total += logSumExp(a);
  }
  return total;
}

/** E-step: posterior responsibilities r_ik = p(z_i = k | x_i, θ), n·K row-major. */
export function gmm1dResponsibilities(x: ArrayLike<number>, params: Gmm1dParams): Float64Array {
  const K = params.weights.length;
  const r = new Float64Array(x.length * K);
  const a = new Float64Array(K);
  for (let i = 0; i < x.length; i++) {
    for (let k = 0; k < K; k++) a[k] = Math.log(params.weights[k]) + logNormal(x[i], params.means[k], params.sds[k]);
    const lse = logSumExp(a);
    for (let k = 0; k < K; k++) r[i * K + k] = Math.exp(a[k] - lse);
  }
  return r;
}

/** ELBO(q, θ) for responsibilities `resp` (n·K) — see the module comment. */
export function gmm1dElbo(x: ArrayLike<number>, params: Gmm1dParams, resp: Float64Array): number {
  const K = params.weights.length;
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    for (let k = 0; k < K; k++) {
      const r = resp[i * K + k];
      if (r === 0) continue; // 0·(anything − log 0) is taken as 0
      total += r * (Math.log(params.weights[k]) + logNormal(x[i], params.means[k], params.sds[k]) - Math.log(r));
    }
  }
  return total;
}

/**
 * M-step: w_k = N_k/n, μ_k = Σ r_ik x_i / N_k, σ_k² = Σ r_ik (x_i − μ_k)² / N_k, with σ_k
 * floored at `minSd` (a component collapsing onto one point would send the likelihood to +∞).
 * An empty component (N_k = 0) keeps its mean and sd.
 */
export function gmm1dMStep(x: ArrayLike<number>, resp: Float64Array, prev: Gmm1dParams, minSd = 1e-3): Gmm1dParams {
  const K = prev.weights.length;
  const n = x.length;
  const weights: number[] = [];
  const means: number[] = [];
  const sds: number[] = [];
  for (let k = 0; k < K; k++) {
    let nk = 0;
    let sx = 0;
    for (let i = 0; i < n; i++) {
      nk += resp[i * K + k];
      sx += resp[i * K + k] * x[i];
    }
    if (nk === 0) {
      weights.push(0);
      means.push(prev.means[k]);
      sds.push(prev.sds[k]);
      continue;
    }
    const mu = sx / nk;
    let sxx = 0;
    for (let i = 0; i < n; i++) sxx += resp[i * K + k] * (x[i] - mu) ** 2;
    weights.push(nk / n);
    means.push(mu);
    sds.push(Math.max(minSd, Math.sqrt(sxx / nk)));
  }
  return { weights, means, sds };
}

/** Starting point: K distinct data points (seeded choice) as means, equal weights, the data's sd. */
export function initGmm1d(x: ArrayLike<number>, K: number, seed: number): Gmm1dParams {
  const rng = createRng(seed);
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) ** 2;
  const sd = Math.sqrt(v / n);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(K, n)) chosen.add(Math.floor(rng.uniform() * n));
  const means = Array.from(chosen, (i) => x[i]).sort((a, b) => a - b);
  return { weights: new Array(K).fill(1 / K), means, sds: new Array(K).fill(sd) };
}

export interface EmIteration {
  /** 0-based iteration. */
  iteration: number;
  /** θ_t, the parameters the E-step used. */
  params: Gmm1dParams;
  /** ELBO(q_t, θ_t) after the E-step; equals `logLik` (the KL term is zero). */
  elboAfterE: number;
  /** log p(x | θ_t). */
  logLik: number;
  /** ELBO(q_t, θ_{t+1}) after the M-step; ≥ elboAfterE. */
  elboAfterM: number;
  /** log p(x | θ_{t+1}) ≥ elboAfterM; the difference is the KL that the next E-step removes. */
  logLikAfterM: number;
  /** θ_{t+1}. */
  paramsAfterM: Gmm1dParams;
}

export interface EmGmm1dOptions {
  K?: number;
  init?: Gmm1dParams;
  /** Seed of the initialisation when `init` is not given. */
  seed?: number;
  maxIter?: number;
  /** Stop when the log likelihood rises by less than tol·(1 + |log p|). */
  tol?: number;
  minSd?: number;
  onIteration?: (it: EmIteration) => void;
}

/** Runs EM and returns the final parameters and the per-iteration ELBO history. */
export function emGmm1d(
  x: ArrayLike<number>,
  options: EmGmm1dOptions = {},
): { params: Gmm1dParams; history: EmIteration[]; converged: boolean } {
  const K = options.init?.weights.length ?? options.K ?? 2;
  let params = options.init ?? initGmm1d(x, K, options.seed ?? 1);
  const maxIter = options.maxIter ?? 500;
  const tol = options.tol ?? 1e-10;
  const history: EmIteration[] = [];
  for (let t = 0; t < maxIter; t++) {
    const resp = gmm1dResponsibilities(x, params);
    const elboAfterE = gmm1dElbo(x, params, resp);
    const logLik = gmm1dLogLik(x, params);
    const next = gmm1dMStep(x, resp, params, options.minSd);
    const elboAfterM = gmm1dElbo(x, next, resp);
    const logLikAfterM = gmm1dLogLik(x, next);
    const it: EmIteration = { iteration: t, params, elboAfterE, logLik, elboAfterM, logLikAfterM, paramsAfterM: next };
    history.push(it);
    options.onIteration?.(it);
    params = next;
    if (logLikAfterM - logLik < tol * (1 + Math.abs(logLik))) return { params, history, converged: true };
  }
  return { params, history, converged: false };
}
