export { mcElbo } from "./mc-elbo";
export { iwaeBound } from "./iwae";
export type { IwaeEstimate } from "./iwae";
export { reparamGradient, scoreGradient } from "./gradients";
export type { GradientEstimate, NormalParamGradient, ScoreGradientOptions } from "./gradients";
export { exactElboGradient } from "./exact-gradient";
export { sampleLogWeights } from "./log-weights";
