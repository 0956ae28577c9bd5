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
} from "./spec";
export type { QSpec, ScalarModelSpec, EvaluateSpec } from "./spec";
export { evaluateSpec } from "./evaluate";
export type { EvaluateResult } from "./evaluate";
