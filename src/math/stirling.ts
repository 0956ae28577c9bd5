/**
 * Stirling-series remainder for x ≥ 10 (internal helper of logGamma and logBeta):
 * lnΓ(x) = (x − ½)ln x − x + ½ln(2π) + stirlingCorrection(x), where
 * stirlingCorrection(x) = Σₖ B₂ₖ / (2k(2k−1)x^{2k−1}), k = 1…8.
 *
 * At x = 10 the first omitted term is below 1e−19, so the series is exact to rounding.
 *
 * @example stirlingCorrection(10) // 0.008330563433362871
 */
export function stirlingCorrection(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return (
    r *
    (1 / 12 +
      r2 *
        (-1 / 360 +
          r2 *
            (1 / 1260 +
              r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156 + r2 * (-3617 / 122400))))))))
  );
}
