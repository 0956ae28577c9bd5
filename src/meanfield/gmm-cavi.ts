import { HALF_LOG_2PI } from "../math/constants";
import { logSumExp } from "../math/logsumexp";

/**
 * The Bayesian mixture of Gaussians of Blei, Kucukelbir & McAuliffe (2017, §3), fitted by CAVI.
 *
 * Model: μₖ ~ N(0, σ₀²) for k = 1…K; cᵢ ~ Categorical(1/K, …, 1/K); xᵢ | cᵢ, μ ~ N(μ_{cᵢ}, s²), with a
 * known component sd s (s = 1 in the paper). Mean-field family: q(μₖ) = N(mₖ, vₖ), q(cᵢ) = Categorical(φᵢ).
 *
 * CAVI updates (each the exact optimum of its factor with the others fixed, q*ⱼ ∝ exp E₋ⱼ[ln p]):
 *
 *   φᵢₖ ∝ exp( (mₖxᵢ − (mₖ² + vₖ)/2) / s² ),
 *   vₖ = 1 / (1/σ₀² + Σᵢ φᵢₖ / s²),   mₖ = vₖ Σᵢ φᵢₖ xᵢ / s².
 *
 * ELBO = Σₖ E[ln N(μₖ | 0, σ₀²)] + Σᵢₖ φᵢₖ (ln(1/K) + E[ln N(xᵢ | μₖ, s²)]) − Σᵢₖ φᵢₖ ln φᵢₖ + Σₖ ½ ln(2πe vₖ),
 * with E[ln N(μₖ | 0, σ₀²)] = −½ ln 2πσ₀² − (mₖ² + vₖ)/(2σ₀²) and E[ln N(xᵢ | μₖ, s²)] = −½ ln 2πs² − ((xᵢ − mₖ)² + vₖ)/(2s²).
 * It is a lower bound on ln p(x) = ln ∫ Σ_c p(x, c, μ) dμ, and it never decreases under these updates.
 */
export interface GmmCaviOptions {
  K: number;
  /** σ₀, the prior sd of each component mean. */
  priorSd: number;
  /** s, the known sd of every component (1 in Blei et al.). */
  componentSd?: number;
  /** Initial q(μₖ) means (default: K data points spread over the sorted data); variances start at 1. */
  initMeans?: ArrayLike<number>;
  maxSweeps?: number;
  /** Stop when a sweep raises the ELBO by less than tol·(1 + |ELBO|). */
  tol?: number;
}

/** The variational parameters of {@link caviGmm}: q(μₖ) = N(m[k], v[k]), q(cᵢ = k) = phi[i·K + k]. */
export interface GmmCaviState {
  m: number[];
  v: number[];
  phi: Float64Array;
}

export interface GmmCaviResult extends GmmCaviState {
  /** ELBO at the start (index 0) and after every sweep. */
  elbo: number[];
  /** ELBO after the φ half of each sweep (index t − 1 for sweep t): the bound rises at each half too. */
  elboAfterPhi: number[];
  sweeps: number;
  converged: boolean;
}

/** The ELBO of the Bayesian GMM at the given variational parameters (see {@link GmmCaviOptions}). */
export function gmmCaviElbo(x: ArrayLike<number>, state: GmmCaviState, priorSd: number, componentSd = 1): number {
  const K = state.m.length;
  const s2 = componentSd * componentSd;
  const p2 = priorSd * priorSd;
  let total = 0;
  for (let k = 0; k < K; k++) {
    total += -0.5 * Math.log(p2) - HALF_LOG_2PI - (state.m[k] * state.m[k] + state.v[k]) / (2 * p2);
    total += 0.5 * Math.log(state.v[k]) + HALF_LOG_2PI + 0.5; // entropy of N(m, v)
  }
  const logK = Math.log(K);
  for (let i = 0; i < x.length; i++) {
    for (let k = 0; k < K; k++) {
      const f = state.phi[i * K + k];
      if (f === 0) continue;
      const d = x[i] - state.m[k];
      total += f * (-logK - 0.5 * Math.log(s2) - HALF_LOG_2PI - (d * d + state.v[k]) / (2 * s2) - Math.log(f));
    }
  }
  return total;
}

function validate(x: ArrayLike<number>, o: GmmCaviOptions): void {
  if (!(Number.isInteger(o.K) && o.K >= 1)) throw new RangeError(`caviGmm: K must be an integer >= 1, got ${o.K}`);
  if (!(Number.isFinite(o.priorSd) && o.priorSd > 0)) throw new RangeError(`caviGmm: priorSd must be a finite number > 0, got ${o.priorSd}`);
  const s = o.componentSd ?? 1;
  if (!(Number.isFinite(s) && s > 0)) throw new RangeError(`caviGmm: componentSd must be a finite number > 0, got ${s}`);
  if (x.length === 0) throw new RangeError("caviGmm: no data");
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new RangeError(`caviGmm: x[${i}] must be finite, got ${x[i]}`);
  if (o.initMeans && o.initMeans.length !== o.K) throw new RangeError(`caviGmm: initMeans has ${o.initMeans.length} values, K is ${o.K}`);
}

/** The φ update of CAVI, in place: φᵢₖ ∝ exp((mₖxᵢ − (mₖ² + vₖ)/2)/s²). */
export function gmmCaviUpdatePhi(x: ArrayLike<number>, state: GmmCaviState, componentSd = 1): void {
  const K = state.m.length;
  const s2 = componentSd * componentSd;
  const a = new Float64Array(K);
  for (let i = 0; i < x.length; i++) {
    for (let k = 0; k < K; k++) a[k] = (state.m[k] * x[i] - 0.5 * (state.m[k] * state.m[k] + state.v[k])) / s2;
    const lse = logSumExp(a);
    for (let k = 0; k < K; k++) state.phi[i * K + k] = Math.exp(a[k] - lse);
  }
}

/** The q(μ) update of CAVI, in place: vₖ = 1/(1/σ₀² + Σᵢφᵢₖ/s²), mₖ = vₖ Σᵢ φᵢₖ xᵢ/s². */
export function gmmCaviUpdateMeans(x: ArrayLike<number>, state: GmmCaviState, priorSd: number, componentSd = 1): void {
  const K = state.m.length;
  const s2 = componentSd * componentSd;
  for (let k = 0; k < K; k++) {
    let nk = 0;
    let sk = 0;
    for (let i = 0; i < x.length; i++) {
      nk += state.phi[i * K + k];
      sk += state.phi[i * K + k] * x[i];
    }
    state.v[k] = 1 / (1 / (priorSd * priorSd) + nk / s2);
    state.m[k] = (state.v[k] * sk) / s2;
  }
}

/**
 * Runs CAVI (φ update, then the q(μ) update, per sweep) from the given or default start and records
 * the ELBO after every half-sweep.
 *
 * @example caviGmm([-2.1, -1.9, 2.0, 2.2], { K: 2, priorSd: 5 }).m.map(m => +m.toFixed(2)) // [-1.96, 2.06] (the cluster means, shrunk a little toward the prior mean 0)
 */
export function caviGmm(x: ArrayLike<number>, options: GmmCaviOptions): GmmCaviResult {
  validate(x, options);
  const { K, priorSd } = options;
  const s = options.componentSd ?? 1;
  const maxSweeps = options.maxSweeps ?? 500;
  const tol = options.tol ?? 1e-12;
  let m: number[];
  if (options.initMeans) {
    m = Array.from(options.initMeans);
  } else {
    const sorted = Float64Array.from(x).sort();
    m = Array.from({ length: K }, (_, k) => sorted[Math.min(sorted.length - 1, Math.floor(((k + 0.5) * sorted.length) / K))]);
  }
  const state: GmmCaviState = { m, v: new Array(K).fill(1), phi: new Float64Array(x.length * K).fill(1 / K) };
  // The start's φ is uniform; its ELBO is a valid (low) starting value.
  const elbo = [gmmCaviElbo(x, state, priorSd, s)];
  const elboAfterPhi: number[] = [];
  let converged = false;
  let t = 0;
  while (t < maxSweeps) {
    gmmCaviUpdatePhi(x, state, s);
    elboAfterPhi.push(gmmCaviElbo(x, state, priorSd, s));
    gmmCaviUpdateMeans(x, state, priorSd, s);
    const e = gmmCaviElbo(x, state, priorSd, s);
    elbo.push(e);
    t++;
    if (e - elbo[elbo.length - 2] < tol * (1 + Math.abs(e))) {
      converged = true;
      break;
    }
  }
  return { ...state, elbo, elboAfterPhi, sweeps: t, converged };
}
