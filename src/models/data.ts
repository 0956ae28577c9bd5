import { NeumaierSum } from "../math/sum";

/** Sufficient statistics of real-valued data for Gaussian likelihoods. */
export interface DataSummary {
  /** n, the number of observations. */
  n: number;
  /** The mean x̄ (0 when n = 0). */
  mean: number;
  /** Σ(xᵢ − x̄)², the centred sum of squares. */
  ss: number;
}

/**
 * n, x̄ and Σ(xᵢ − x̄)², computed with two compensated passes (plus the usual correction term),
 * so that Σᵢ(xᵢ − c)² = ss + n(x̄ − c)² holds to rounding for any c even when the data sit 50
 * standard deviations away from 0 — the naive Σx² − 2cΣx + nc² would cancel away every digit.
 *
 * @example summarizeData([1, 2, 3]) // { n: 3, mean: 2, ss: 2 }
 */
export function summarizeData(data: ArrayLike<number>): DataSummary {
  const n = data.length;
  if (n === 0) return { n: 0, mean: 0, ss: 0 };
  const s = new NeumaierSum();
  for (let i = 0; i < n; i++) s.add(data[i]);
  let mean = s.value / n;
  const r = new NeumaierSum();
  for (let i = 0; i < n; i++) r.add(data[i] - mean);
  const resid = r.value;
  mean += resid / n;
  const q = new NeumaierSum();
  for (let i = 0; i < n; i++) {
    const d = data[i] - mean;
    q.add(d * d);
  }
  return { n, mean, ss: Math.max(0, q.value) };
}
