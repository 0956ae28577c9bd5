import { HALF_LOG_2PI } from "./constants";
import { logGamma } from "./gamma";
import { stirlingCorrection } from "./stirling";

/**
 * ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a + b), the log normaliser of the Beta distribution and
 * of the coin model's evidence.
 *
 * Why not the three-lnΓ formula everywhere: for large a, b (a coin after 10⁴ flips) the three
 * terms are ~10⁵ and cancel to ~10³. When both arguments are ≥ 10 this uses the Stirling form
 * ½ln 2π − ½ln(a+b) + (a − ½)ln(a/(a+b)) + (b − ½)ln(b/(a+b)) + corrections, whose terms are
 * of the size of the result; when only the larger one is ≥ 10 it writes
 * lnΓ(L + s) − lnΓ(L) = (L − ½)log1p(s/L) + s·ln(L + s) − s + corrections.
 *
 * Edge cases: NaN → NaN; a ≤ 0 or b ≤ 0 → NaN (the Beta function is used here only for
 * positive arguments); either argument +Infinity → −Infinity.
 *
 * @example logBeta(2, 3) // -2.484906649787998 (ln(1/12) = -2.4849066497880004: absolute error ~2e-15)
 * @example logBeta(5000, 5000) // -6934.464865071676 (mpmath: -6934.46486507167661), without cancelling 10⁵-sized terms
 */
export function logBeta(a: number, b: number): number {
  if (a !== a || b !== b || a <= 0 || b <= 0) return NaN;
  const small = a < b ? a : b;
  const large = a < b ? b : a;
  if (large === Infinity) return -Infinity;
  const s = a + b;
  if (small >= 10) {
    return (
      HALF_LOG_2PI -
      0.5 * Math.log(s) +
      (a - 0.5) * logRatio(a, b, s) +
      (b - 0.5) * logRatio(b, a, s) +
      stirlingCorrection(a) +
      stirlingCorrection(b) -
      stirlingCorrection(s)
    );
  }
  if (large >= 10) {
    const diff =
      (large - 0.5) * Math.log1p(small / large) +
      small * Math.log(s) -
      small +
      stirlingCorrection(s) -
      stirlingCorrection(large);
    return logGamma(small) - diff;
  }
  return logGamma(a) + logGamma(b) - logGamma(s);
}

/** ln(x/(x + y)), via log1p(−y/s) when x dominates (the ratio is then close to 1). */
function logRatio(x: number, y: number, s: number): number {
  return x > y ? Math.log1p(-y / s) : Math.log(x / s);
}
