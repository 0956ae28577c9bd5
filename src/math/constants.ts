/** Named float64 constants, defined once for the whole library. */

/** ln(2π), used by every Gaussian log density. @example LOG_2PI // 1.8378770664093453 */
export const LOG_2PI = Math.log(2 * Math.PI);

/**
 * ½·ln(2π): the Gaussian log-normaliser for unit variance, log N(x | μ, σ) = −½((x−μ)/σ)² − ln σ − HALF_LOG_2PI.
 * @example HALF_LOG_2PI // 0.9189385332046727
 */
export const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln 2. @example LN2 // 0.6931471805599453 */
export const LN2 = Math.LN2;

/**
 * The Euler–Mascheroni constant γ = −ψ(1).
 * @example EULER_GAMMA // 0.5772156649015329
 */
export const EULER_GAMMA = 0.5772156649015329;

/** Float64 machine epsilon 2⁻⁵², the spacing of doubles at 1. @example EPS // 2.220446049250313e-16 */
export const EPS = Number.EPSILON;
