/**
 * log(1 + eˣ), the softplus function, accurate for every finite x (Mächler 2012, "Accurately
 * computing log(1 − exp(−|a|))"):
 *
 * - x ≤ −37: eˣ (1 + eˣ rounds to 1 so log1p(eˣ) = eˣ to full precision);
 * - −37 < x ≤ 18: log1p(eˣ);
 * - 18 < x ≤ 33.3: x + e⁻ˣ (here log1p(eˣ) would lose the small correction);
 * - x > 33.3: x (e⁻ˣ is below half an ulp of x); this is also where exp(x) would eventually
 *   overflow (x > 709.78) in the naive formula, while softplus(x) == x within machine epsilon.
 *
 * Edge cases: −Infinity → 0, +Infinity → +Infinity, NaN → NaN.
 *
 * @example log1pExp(0) // 0.6931471805599453
 * @example log1pExp(800) // 800 (the naive Math.log(1 + Math.exp(800)) gives Infinity)
 * @example log1pExp(-800) // 0 (underflows to the true value 3.7e-348 rounded to 0)
 */
export function log1pExp(x: number): number {
  if (x <= -37) return Math.exp(x);
  if (x <= 18) return Math.log1p(Math.exp(x));
  if (x <= 33.3) return x + Math.exp(-x);
  return x;
}

/**
 * Alias of {@link log1pExp}: softplus(x) = log(1 + eˣ).
 * @example softplus(-1) // 0.31326168751822286
 */
export const softplus = log1pExp;

/**
 * log(1 − eˣ) for x ≤ 0, the complement of a probability given in log space (Mächler 2012):
 * log(−expm1(x)) when x > −ln 2 (where 1 − eˣ cancels), log1p(−eˣ) otherwise.
 *
 * Edge cases: x = 0 → −Infinity; x > 0 → NaN (1 − eˣ < 0); −Infinity → 0.
 *
 * @example log1mExp(-1e-20) // -46.051701859880914 (= ln(1e-20); the naive form gives -Infinity)
 */
export function log1mExp(x: number): number {
  if (x > 0) return NaN;
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/**
 * The logistic sigmoid 1/(1 + e⁻ˣ), written so that neither branch overflows.
 * @example sigmoid(0) // 0.5
 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
