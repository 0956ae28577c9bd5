export {
  SpecError,
  validateModelSpec,
  validateQSpec,
  validateEvaluateSpec,
  parseEvaluateSpec,
  modelFromSpec,
  qFromSpec,
  checkQFitsModel,
  DEFAULT_SAMPLES,
  MAX_SAMPLES,
  MAX_SEED,
  DEFAULT_IWAE_K,
  nestingDepth,
} from "./spec";
export { checkRanges, checkResolution, RANGES, MIN_RELATIVE_WIDTH } from "./ranges";
export { untrustedReason, TRUST_SIGMAS } from "./trust";
export type { QSpec, ScalarModelSpec, EvaluateSpec } from "./spec";
export { evaluateSpec } from "./evaluate";
export type { EvaluateResult } from "./evaluate";
