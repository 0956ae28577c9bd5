/**
 * Whether a Monte Carlo estimate can be shown as a number with its standard error. It cannot when
 * the draws themselves broke (a non-finite estimate or standard error: some draw of q rounded to a
 * point where ln p(x, z) or ln q(z) is ±Infinity, such as a Beta draw of exactly 0 or 1), or when
 * the estimate lies outside what it estimates by more than {@link TRUST_SIGMAS} standard errors:
 * the Monte Carlo ELBO is unbiased for the exact ELBO, and the IWAE bound's mean lies between the
 * ELBO and ln p(x). A fixed-seed estimate strays that far by chance with probability ~2e−9 when
 * its standard error is valid; far more often, when it does, the draws missed a tail that holds
 * the mean (heavy-tailed ln w), and the standard error understates the error.
 *
 * Returns undefined when the estimate can be trusted, else the reason, one sentence.
 *
 * @example untrustedReason(NaN, 0, -3, -3) // "the draws gave no finite mean: ..."
 * @example untrustedReason(-3.41, 0.006, -3.4129, -3.4129) // undefined
 */
export function untrustedReason(estimate: number, stderr: number, lower: number, upper: number, what: string): string | undefined {
  if (!Number.isFinite(estimate) || !Number.isFinite(stderr)) {
    return `the draws gave no finite ${Number.isFinite(estimate) ? "standard error" : "mean"}: some draws of q round to points where log p(x, z) or log q(z) is not finite in double precision (e.g. a Beta draw of exactly 0 or 1), so no estimate is reported`;
  }
  // Rounding allowance: the sums behind an estimate are exact to ~1e−12 relative.
  const slack = TRUST_SIGMAS * stderr + 1e-9 * Math.max(Math.abs(lower), Math.abs(upper)) + 1e-12;
  if (estimate < lower - slack || estimate > upper + slack) {
    const target = lower === upper ? `${what} (${lower})` : `${what} [${lower}, ${upper}]`;
    const far = stderr > 0 ? `${(Math.min(Math.abs(estimate - lower), Math.abs(estimate - upper)) / stderr).toPrecision(3)} standard errors` : "a zero standard error";
    return `the estimate ${estimate} ± ${stderr} lies ${far} outside ${target}: the draws do not represent q's tails at this number of samples (heavy-tailed or underflowing log-weights), so neither the estimate nor its standard error can be trusted`;
  }
  return undefined;
}

/** How many standard errors an estimate may stray from what it estimates before it is not shown. */
export const TRUST_SIGMAS = 6;
