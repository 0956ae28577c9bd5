export { klNormalNormal } from "./kl-normal";
export { klDiagNormal } from "./kl-diag-normal";
export { klBetaBeta } from "./kl-beta";
export { klCategorical, klBernoulli } from "./kl-categorical";
export { klMonteCarlo } from "./kl-monte-carlo";
export type { SampleableDensity } from "./kl-monte-carlo";
export { klQuadrature } from "./kl-quadrature";
export { kl } from "./kl";
export { logExpectedNormalRatio } from "./normal-ratio-moment";
