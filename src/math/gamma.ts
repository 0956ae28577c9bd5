import { HALF_LOG_2PI } from "./constants";
import { stirlingCorrection } from "./stirling";

/**
 * ln|Γ(x)|, the log of the absolute value of the gamma function.
 *
 * Method: for x ≥ 10 the Stirling series (x − ½)ln x − x + ½ln 2π + Σ B₂ₖ/(2k(2k−1)x^{2k−1});
 * for 0 < x < 10 the recurrence lnΓ(x) = lnΓ(x + k) − ln(x(x+1)…(x+k−1)) up to x + k ≥ 10;
 * for x < 0 the reflection ln|Γ(x)| = ln(π/|sin πx|) − lnΓ(1 − x).
 *
 * Accuracy: a few ulps of max(1, |lnΓ(x + k)|) in absolute terms, i.e. relative accuracy of
 * ~1e−15 except very close to the zeros x = 1 and x = 2, where the result itself goes to 0 and
 * only the absolute error (~4e−15) is meaningful. Overflow happens only where lnΓ truly exceeds
 * the double range (x > 2.55e305).
 *
 * Edge cases: NaN → NaN; +Infinity → +Infinity; 0 and negative integers (poles) → +Infinity;
 * −Infinity → NaN.
 *
 * @example logGamma(0.5) // 0.5723649429246986 (ln √π = 0.5723649429247001)
 * @example logGamma(171.5) // 709.1431630309283 (Γ(171.5) itself overflows)
 */
export function logGamma(x: number): number {
  if (x !== x || x === -Infinity) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0) {
    if (Number.isInteger(x)) return Infinity;
    // Reflection: Γ(x)Γ(1 − x) = π / sin(πx). sinPi keeps accuracy for large |x|.
    return Math.log(Math.PI / Math.abs(sinPi(x))) - logGamma(1 - x);
  }
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + stirlingCorrection(x);
  let prod = 1;
  let y = x;
  while (y < 10) {
    prod *= y;
    y += 1;
  }
  return (y - 0.5) * Math.log(y) - y + HALF_LOG_2PI + stirlingCorrection(y) - Math.log(prod);
}

/** sin(πx) with exact argument reduction (x mod 2 is exact in floating point). */
export function sinPi(x: number): number {
  let r = x % 2;
  if (r > 1) r -= 2;
  else if (r < -1) r += 2;
  // r in [-1, 1]; use symmetry sin(π r) = sin(π (1 − r)) to keep the argument small.
  if (r > 0.5) r = 1 - r;
  else if (r < -0.5) r = -1 - r;
  return Math.sin(Math.PI * r);
}
