export { Normal, normal } from "./normal";
export { DiagNormal, diagNormal } from "./diag-normal";
export { Beta, beta } from "./beta";
export { Bernoulli, bernoulli } from "./bernoulli";
export { Categorical, categorical } from "./categorical";
export { NormalMixture, normalMixture } from "./normal-mixture";
export { REAL_LINE, UNIT_INTERVAL } from "./types";
export type { Interval, UnivariateDistribution } from "./types";
export {
  InvalidParameterError,
  PROBABILITY_SUM_TOLERANCE,
  requireFinite,
  requirePositive,
  requireProbability,
  requireProbabilityVector,
  requireFiniteArray,
} from "./errors";
