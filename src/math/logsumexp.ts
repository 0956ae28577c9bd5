/**
 * log Σᵢ exp(xᵢ), computed as m + log1p(Σ_{i≠k} exp(xᵢ − m)) with m = xₖ the largest term.
 *
 * Why: exp overflows above 709.78 and underflows below −745, so the naive sum fails for
 * log-weights of any realistic size. Subtracting the maximum makes every term ≤ 1, and taking
 * the largest (which is exactly 1) out of the sum through log1p keeps full relative accuracy
 * when the other terms are tiny (e.g. logSumExp([0, −40]) = 4.25e−18, not 0). The remaining
 * terms are added with Neumaier compensation, so the error does not grow with the length.
 *
 * Edge cases: empty input → −Infinity (the log of an empty sum); all −Infinity → −Infinity;
 * any +Infinity → +Infinity; any NaN → NaN.
 *
 * @example logSumExp([1000, 1000]) // 1000.6931471805599 (= 1000 + ln 2)
 * @example logSumExp([-1000, -1000]) // -999.3068528194401
 */
export function logSumExp(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return -Infinity;
  let m = -Infinity;
  let k = -1;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    if (x !== x) return NaN;
    if (x > m || k < 0) {
      m = x;
      k = i;
    }
  }
  if (m === Infinity) return Infinity;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (i === k) continue;
    const t = Math.exp(xs[i] - m);
    const u = s + t;
    c += Math.abs(s) >= t ? s - u + t : t - u + s;
    s = u;
  }
  return m + Math.log1p(s + c);
}

/**
 * log((1/n) Σᵢ exp(xᵢ)) = logSumExp(x) − ln n: the log of an average of weights given in log space,
 * as in the importance-sampling evidence estimate log p̂(x) = logMeanExp(log w).
 *
 * Edge cases: empty input → NaN (an average of nothing); otherwise as {@link logSumExp}.
 *
 * @example logMeanExp([0, Math.log(3)]) // 0.6931471805599453 (= ln 2, the log of (1 + 3)/2)
 */
export function logMeanExp(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  return logSumExp(xs) - Math.log(xs.length);
}

/**
 * log(exp(a) + exp(b)) for two terms, without overflow: max + log1p(exp(−|a − b|)).
 *
 * Edge cases: either −Infinity → the other; both +Infinity → +Infinity; NaN → NaN.
 *
 * @example logAddExp(1000, 1000) // 1000.6931471805599
 */
export function logAddExp(a: number, b: number): number {
  if (a !== a || b !== b) return NaN;
  const m = a > b ? a : b;
  if (m === -Infinity || m === Infinity) return m;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}
