import { HALF_LOG_2PI } from "../math/constants";
import { logSumExp } from "../math/logsumexp";

/** Largest K^n the enumeration accepts (about 10⁶ assignments). */
const MAX_ASSIGNMENTS = 1_100_000;

/**
 * ln p(x) of the Bayesian Gaussian mixture of {@link caviGmm} (μₖ ~ N(0, σ₀²), cᵢ uniform over K,
 * xᵢ | cᵢ, μ ~ N(μ_{cᵢ}, s²)), exactly, by summing over all Kⁿ assignments c:
 *
 *   p(x) = Σ_c K⁻ⁿ Πₖ p({xᵢ : cᵢ = k}),
 *
 * where each group's marginal is the normal–normal evidence: the group's points are jointly Normal with
 * covariance s²I + σ₀²11ᵀ, so ln p = −½[m ln 2π + (m−1) ln s² + ln(s² + mσ₀²) + (Σx² − σ₀²(Σx)²/(s² + mσ₀²))/s²]
 * for a group of m points (0 for an empty group). Only for small data: Kⁿ terms.
 *
 * Edge cases: Kⁿ above about 10⁶ throws a RangeError naming K and n.
 *
 * @example gmmLogEvidenceExact([0.5], 2, 1, 1) // -1.3280121234846454 (one point: ln N(0.5 | 0, 1 + 1))
 */
export function gmmLogEvidenceExact(x: ArrayLike<number>, K: number, priorSd: number, componentSd = 1): number {
  const n = x.length;
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError(`gmmLogEvidenceExact: K must be an integer >= 1, got ${K}`);
  if (Math.pow(K, n) > MAX_ASSIGNMENTS) throw new RangeError(`gmmLogEvidenceExact: K^n = ${K}^${n} assignments is too many to enumerate (at most ~1e6)`);
  const s2 = componentSd * componentSd;
  const p2 = priorSd * priorSd;
  const groupLog = (m: number, sx: number, sxx: number): number => {
    if (m === 0) return 0;
    const d = s2 + m * p2;
    return -(m * HALF_LOG_2PI) - 0.5 * ((m - 1) * Math.log(s2) + Math.log(d) + (sxx - (p2 * sx * sx) / d) / s2);
  };
  const total = Math.pow(K, n);
  const terms = new Float64Array(total);
  const cnt = new Float64Array(K);
  const sx = new Float64Array(K);
  const sxx = new Float64Array(K);
  for (let a = 0; a < total; a++) {
    cnt.fill(0);
    sx.fill(0);
    sxx.fill(0);
    let code = a;
    for (let i = 0; i < n; i++) {
      const k = code % K;
      code = (code - k) / K;
      cnt[k]++;
      sx[k] += x[i];
      sxx[k] += x[i] * x[i];
    }
    let t = -n * Math.log(K);
    for (let k = 0; k < K; k++) t += groupLog(cnt[k], sx[k], sxx[k]);
    terms[a] = t;
  }
  return logSumExp(terms);
}
