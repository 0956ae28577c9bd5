/**
 * eˣ − 1 − x, accurate for small |x| where expm1(x) − x cancels.
 *
 * For |x| < 0.5 it sums the Taylor series x²/2! + x³/3! + … until the terms stop changing the
 * sum (at most ~20 terms); otherwise it returns expm1(x) − x, where the cancellation costs less
 * than a factor of 3 in relative error. The KL divergence between two Normals with close scales
 * uses it: ½(e^{2r} − 1 − 2r) with r = ln(σ_q/σ_p) is ≈ r², and computing it as
 * ½·expm1(2r) − r would lose about |log10 r| digits.
 *
 * Edge cases: NaN → NaN; +Infinity → +Infinity; −Infinity → +Infinity.
 *
 * @example expm1mx(1e-8) // 5.000000016666667e-17 (expm1(1e-8) - 1e-8 gives 5.0000000843e-17, wrong from the 9th digit)
 */
export function expm1mx(x: number): number {
  if (x !== x) return NaN;
  if (x === -Infinity) return Infinity;
  if (Math.abs(x) >= 0.5) return Math.expm1(x) - x;
  let term = (x * x) / 2;
  let sum = term;
  for (let k = 3; k < 40; k++) {
    term *= x / k;
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return sum;
}
